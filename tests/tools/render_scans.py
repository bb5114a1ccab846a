#!/usr/bin/python3
"""Render realistic scans of Vietnamese administrative documents (ND 30/2020).

This is the test-data generator for sohoa: it draws documents of a commune
People's Committee (UBND xã/phường, Hà Nội) the way ND 30/2020 lays them out
on A4 at 300 dpi, writes them as PNG, JPEG or TIFF (bilevel G4, 8-bit grey,
colour, multi-page), optionally degraded (lower dpi, skew, rotation, speckle,
JPEG artefacts, no resolution tag, the blur, paper tone and noise of a
scanner), and writes beside each scan a JSON ground
truth: the text of every page exactly as rendered and the ND 30 header fields.

Every document carries one distinctive word (a real Vietnamese word with
diacritics) in its trích yếu and its body that occurs in no other document of
the set, not even once its diacritics are folded away, so that a search for it
must return exactly that document.

Run it with Debian's interpreter (it needs python3-pil and fonts-liberation2):

    /usr/bin/python3 tests/tools/render_scans.py --out DIR --count 40
    /usr/bin/python3 tests/tools/render_scans.py --demo --out demo/inbox \\
        --truth demo/truth --index demo/inbox.json

The same arguments always produce the same bytes.
"""

import argparse
import datetime
import json
import math
import os
import random
import re
import sys
import unicodedata

from PIL import Image, ImageChops, ImageDraw, ImageFilter, ImageFont

FONT_DIR = "/usr/share/fonts/truetype/liberation2"
FONT_FILES = {
    "R": "LiberationSerif-Regular.ttf",
    "B": "LiberationSerif-Bold.ttf",
    "I": "LiberationSerif-Italic.ttf",
    "BI": "LiberationSerif-BoldItalic.ttf",
}

DPI = 300                       # rendering resolution; --dpi resamples after
PAGE_W, PAGE_H = 2480, 3508     # A4 at 300 dpi
MM = DPI / 25.4
LEFT = round(30 * MM)           # ND 30 margins: left 30-35 mm, right 15-20,
RIGHT = PAGE_W - round(15 * MM)  # top and bottom 20-25 mm
TOP = round(20 * MM)
BOTTOM = PAGE_H - round(20 * MM)
COL_SPLIT = LEFT + 760          # header table: left column | right column
CX_LEFT = (LEFT + COL_SPLIT) // 2
CX_RIGHT = (COL_SPLIT + RIGHT) // 2

FORMATS = ("png", "jpeg", "tiff-g4", "tiff-gray", "tiff-rgb", "tiff-multipage",
           "pdf-image", "pdf-text")
EXT = {"png": "png", "jpeg": "jpg", "tiff-g4": "tif", "tiff-gray": "tif",
       "tiff-rgb": "tif", "tiff-multipage": "tif", "pdf-image": "pdf",
       "pdf-text": "pdf"}

# ---------------------------------------------------------------------------
# Content pools.  All strings are NFC.  A static check at start-up makes sure
# that no distinctive word (nor its folded form) occurs in any other string
# below, so uniqueness does not depend on the seed.
# ---------------------------------------------------------------------------

# Document types: abbreviation, printed type line, TT 05 typeName code.
TYPES = {
    "QĐ": ("Quyết định", "QUYẾT ĐỊNH", "02", "qd"),
    "TB": ("Thông báo", "THÔNG BÁO", "07", "tb"),
    "KH": ("Kế hoạch", "KẾ HOẠCH", "10", "kh"),
    "BC": ("Báo cáo", "BÁO CÁO", "14", "bc"),
    "TTr": ("Tờ trình", "TỜ TRÌNH", "15", "ttr"),
    "GM": ("Giấy mời", "GIẤY MỜI", "26", "gm"),
    "BB": ("Biên bản", "BIÊN BẢN", "20", "bb"),
    "CV": ("Công văn", None, "22", "cv"),
}
TYPE_ORDER = ["QĐ", "CV", "TB", "KH", "BC", "TTr", "GM", "BB"]

# Communes before the 1/7/2025 reorganisation (with their district) and
# after it (no district level any more).
ISSUERS_OLD = [
    ("xã", "Văn Bình", "huyện Thường Tín"),
    ("xã", "Liên Hồng", "huyện Đan Phượng"),
    ("xã", "Tân Hội", "huyện Đan Phượng"),
    ("xã", "Bát Tràng", "huyện Gia Lâm"),
    ("phường", "Kim Liên", "quận Đống Đa"),
    ("xã", "Minh Phú", "huyện Sóc Sơn"),
    ("phường", "Đường Lâm", "thị xã Sơn Tây"),
]
ISSUERS_NEW = [
    ("xã", "Đan Phượng", None),
    ("xã", "Thường Tín", None),
    ("xã", "Bát Tràng", None),
    ("phường", "Kim Liên", None),
    ("xã", "Ô Diên", None),
    ("xã", "Sóc Sơn", None),
]
MERGER = datetime.date(2025, 7, 1)

SURNAMES = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đỗ", "Bùi",
            "Đặng", "Ngô", "Dương", "Phùng", "Trịnh", "Đinh", "Kiều"]
MIDDLE_M = ["Văn", "Đình", "Hữu", "Quốc", "Minh", "Xuân", "Công", "Đức"]
MIDDLE_F = ["Thị", "Thị Thu", "Thị Ngọc", "Thị Thanh", "Thị Hồng"]
GIVEN_M = ["Hùng", "Dũng", "Thắng", "Tuấn", "Khánh", "Hải", "Quyết",
           "Thành", "Trọng", "Hiếu", "Nghĩa", "Toàn", "Cường", "Phúc"]
GIVEN_F = ["Hà", "Hương", "Hạnh", "Huyền", "Nhung", "Thảo", "Yến", "Vân",
           "Loan", "Hằng"]

# Activities.  (phrase, distinctive word, department).  The word occurs once
# in the phrase and nowhere else in this file.
TOPICS = [
    ("nạo vét kênh mương nội đồng", "mương", "ĐC"),
    ("sửa chữa giếng khoan cấp nước sinh hoạt", "giếng", "ĐC"),
    ("chăm sóc vườn bưởi theo tiêu chuẩn VietGAP", "bưởi", "ĐC"),
    ("phòng chống dịch bệnh sốt xuất huyết", "huyết", "VX"),
    ("phòng chống đói rét cho đàn trâu bò", "trâu", "ĐC"),
    ("tiêm vắc xin phòng bệnh sởi cho trẻ em", "sởi", "VX"),
    ("bảo vệ rừng phòng hộ", "rừng", "ĐC"),
    ("hỗ trợ sinh kế cho người khuyết tật", "khuyết", "VX"),
    ("kiểm tra các lò gạch thủ công", "gạch", "ĐC"),
    ("bảo tồn nghề gốm truyền thống", "gốm", "VX"),
    ("cải tạo vỉa hè đường trục chính", "vỉa", "ĐC"),
    ("lắp đặt hệ thống loa truyền thanh", "loa", "VX"),
    ("cắm mốc chỉ giới hành lang giao thông", "mốc", "ĐC"),
    ("sơn kẻ vạch đường giao thông nông thôn", "vạch", "ĐC"),
    ("nâng cấp trạm bơm tưới tiêu", "bơm", "ĐC"),
    ("phòng chống đốt rơm rạ sau thu hoạch", "rơm", "ĐC"),
    ("thu dọn rác thải tại các điểm tập kết", "rác", "ĐC"),
    ("thu hoạch lúa vụ xuân", "lúa", "ĐC"),
    ("diệt chuột bảo vệ sản xuất nông nghiệp", "chuột", "ĐC"),
    ("phòng bệnh dại cho đàn mèo", "mèo", "ĐC"),
    ("chăn nuôi vịt an toàn sinh học", "vịt", "ĐC"),
    ("nuôi tôm càng xanh", "tôm", "ĐC"),
    ("trồng cây xoan ven đường liên thôn", "xoan", "ĐC"),
    ("bảo tồn nghề thêu ren truyền thống", "thêu", "VX"),
    ("duy trì câu lạc bộ hát chèo", "chèo", "VX"),
    ("di dời cột điện vướng hành lang giao thông", "cột", "ĐC"),
    ("xây dựng cầu phao qua sông", "phao", "ĐC"),
    ("tẩy giun cho học sinh tiểu học", "giun", "VX"),
    ("kiểm soát giết mổ gia súc", "giết", "ĐC"),
    ("dự trữ thóc phòng chống thiên tai", "thóc", "QS"),
    ("trồng khoai tây vụ đông", "khoai", "ĐC"),
    ("phát triển vùng trồng mía", "mía", "ĐC"),
    ("vớt bèo tây trên mặt ao làng", "bèo", "ĐC"),
    ("tổ chức giải bóng chuyền hơi", "bóng", "VX"),
    ("mừng thọ người cao tuổi", "thọ", "VX"),
    ("lợp ngói nhà văn hóa thôn", "ngói", "ĐC"),
    ("cấp xăng cho phương tiện cứu hộ", "xăng", "QS"),
    ("trực xuồng cứu hộ mùa mưa lũ", "xuồng", "QS"),
    ("phòng chống cúm gia cầm", "cúm", "ĐC"),
    ("trồng sen trên đầm làng", "sen", "ĐC"),
    ("sản xuất gạo chất lượng cao", "gạo", "ĐC"),
    ("trồng quất cảnh phục vụ Tết", "quất", "ĐC"),
    ("tu bổ nhà bia tưởng niệm liệt sĩ", "bia", "VX"),
    ("lắp camera an ninh tại các xóm", "xóm", "QS"),
    ("xây bể chứa nước mưa cho trường học", "bể", "ĐC"),
    ("phòng chống ngập úng", "ngập", "ĐC"),
    ("trồng rau an toàn", "rau", "ĐC"),
    ("nuôi lươn không bùn", "lươn", "ĐC"),
    ("phát triển nghề mây tre đan", "mây", "VX"),
    ("tổ chức lễ hội rước nước", "rước", "VX"),
    ("thi gói bánh chưng ngày Tết", "bánh", "VX"),
    ("sửa chữa lớp học trường mầm non", "mầm", "VX"),
    ("phổ cập bơi cho trẻ em", "bơi", "VX"),
    ("diệt ốc bươu vàng trên đồng ruộng", "bươu", "ĐC"),
    ("khơi thông rãnh thoát nước", "rãnh", "ĐC"),
    ("hạn chế đồ nhựa dùng một lần", "nhựa", "ĐC"),
    ("phòng chống bệnh tay chân miệng", "miệng", "VX"),
    ("sửa chữa cầu treo", "treo", "ĐC"),
    ("di chuyển chợ cóc ra khỏi lòng đường", "cóc", "ĐC"),
    ("kiểm tra an toàn thực phẩm tại bếp ăn tập thể", "bếp", "VX"),
    ("phòng chống bệnh lở mồm long móng", "mồm", "ĐC"),
]

# Used when the set is larger than TOPICS: these carry no distinctive word.
COMMON_TOPICS = [
    ("cải cách hành chính", "VP"),
    ("chuyển đổi số", "VP"),
    ("xây dựng nông thôn mới", "ĐC"),
    ("bảo đảm an toàn giao thông", "QS"),
    ("phát triển bảo hiểm y tế hộ gia đình", "VX"),
    ("phòng cháy, chữa cháy trong khu dân cư", "QS"),
]

DEPTS_OLD = {
    "VP": "Công chức Văn phòng - Thống kê",
    "ĐC": "Công chức Địa chính - Nông nghiệp - Xây dựng và Môi trường",
    "VX": "Công chức Văn hóa - Xã hội",
    "TC": "Công chức Tài chính - Kế toán",
    "QS": "Ban Chỉ huy Quân sự",
}
DEPTS_NEW = {
    "VP": "Văn phòng HĐND và UBND",
    "KT": "Phòng Kinh tế",
    "VHXH": "Phòng Văn hóa - Xã hội",
    "QS": "Ban Chỉ huy Quân sự",
}
NEW_DEPT = {"VP": "VP", "ĐC": "KT", "VX": "VHXH", "TC": "KT", "QS": "QS"}

FILLERS = [
    "Tổ chức tuyên truyền sâu rộng trên hệ thống truyền thanh và tại các "
    "{sub} để nhân dân biết, đồng thuận và tích cực tham gia {topic}.",
    "Phân công cán bộ, công chức phụ trách từng địa bàn, thường xuyên kiểm "
    "tra, đôn đốc và báo cáo kết quả về Ủy ban nhân dân {unit}.",
    "Bố trí kinh phí từ nguồn ngân sách {unit} năm {year} và huy động các "
    "nguồn xã hội hóa hợp pháp để thực hiện, bảo đảm đúng mục đích, tiết "
    "kiệm và hiệu quả.",
    "Các {sub} chủ động rà soát, lập danh sách các hộ gia đình, cá nhân "
    "thuộc đối tượng và gửi về Ủy ban nhân dân {unit} trước ngày 15 hằng "
    "tháng để tổng hợp.",
    "Kịp thời phát hiện, xử lý các vướng mắc phát sinh; trường hợp vượt "
    "thẩm quyền, báo cáo Chủ tịch Ủy ban nhân dân {unit} xem xét, giải quyết.",
    "Mặt trận Tổ quốc và các đoàn thể chính trị - xã hội {unit} phối hợp "
    "vận động hội viên, đoàn viên gương mẫu tham gia {topic}.",
    "Định kỳ hằng quý tổng hợp kết quả thực hiện, đánh giá những việc đã "
    "làm được, tồn tại, hạn chế và đề xuất giải pháp khắc phục.",
    "Thực hiện nghiêm các quy định về quản lý, sử dụng tài chính, bảo đảm "
    "công khai, minh bạch; thanh quyết toán kinh phí theo quy định hiện hành.",
    "Công an {unit} tăng cường tuần tra, kiểm soát, bảo đảm an ninh trật tự "
    "trong quá trình triển khai thực hiện.",
    "Trạm Y tế {unit} hướng dẫn các biện pháp bảo đảm vệ sinh môi trường, "
    "an toàn cho người trực tiếp tham gia.",
    "Lồng ghép nội dung {topic} với phong trào thi đua xây dựng nông thôn mới "
    "và đô thị văn minh trên địa bàn.",
    "Biểu dương, khen thưởng kịp thời các tập thể, cá nhân có thành tích "
    "tiêu biểu; phê bình các đơn vị triển khai chậm, hiệu quả thấp.",
    "Niêm yết công khai kế hoạch, danh sách và kết quả thực hiện tại trụ sở "
    "Ủy ban nhân dân {unit} và nhà văn hóa các {sub}.",
    "Phối hợp với các cơ quan chuyên môn cấp trên để được hướng dẫn về "
    "chuyên môn, nghiệp vụ trong quá trình tổ chức thực hiện.",
    "Cập nhật số liệu vào cơ sở dữ liệu chuyên ngành, lưu trữ hồ sơ đầy đủ "
    "theo quy định của pháp luật về lưu trữ.",
    "Người đứng đầu các đơn vị chịu trách nhiệm trước Chủ tịch Ủy ban nhân "
    "dân {unit} về kết quả {topic} tại đơn vị mình.",
    "Khảo sát thực tế, xác định khối lượng và lập dự toán chi tiết trình cấp "
    "có thẩm quyền phê duyệt trước khi triển khai.",
    "Vận động nhân dân tự giác chấp hành, không để xảy ra tình trạng khiếu "
    "kiện phức tạp, kéo dài.",
]

ACHIEVEMENTS = [
    "Đã tổ chức {n1} đợt tuyên truyền với trên {n2} lượt người tham gia.",
    "Đã kiểm tra {n1} lượt tại các {sub}, phát hiện và hướng dẫn khắc phục "
    "{n3} trường hợp chưa bảo đảm yêu cầu.",
    "Tổng kinh phí đã thực hiện là {n4} triệu đồng, đạt {n5}% kế hoạch năm.",
    "{n3}/{n6} {sub} hoàn thành chỉ tiêu được giao, đạt tỷ lệ {n5}%.",
]
SHORTCOMINGS = [
    "Một số {sub} triển khai còn chậm, công tác phối hợp giữa các bộ phận có "
    "lúc thiếu chặt chẽ.",
    "Kinh phí bố trí còn hạn hẹp, việc huy động nguồn lực xã hội hóa gặp "
    "nhiều khó khăn.",
    "Ý thức chấp hành của một bộ phận người dân chưa cao.",
]

URGENCY = {"Khẩn": "KHẨN", "Thượng khẩn": "THƯỢNG KHẨN", "Hỏa tốc": "HỎA TỐC"}
WEEKDAYS = ["thứ Hai", "thứ Ba", "thứ Tư", "thứ Năm", "thứ Sáu", "thứ Bảy",
            "Chủ nhật"]

DIGITS = ["không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám",
          "chín"]


def nfc(s):
    return unicodedata.normalize("NFC", s)


def fold(s):
    """Lower-case, strip diacritics and map đ to d (DOMAIN.md §5)."""
    s = unicodedata.normalize("NFD", s.lower())
    s = "".join(c for c in s if unicodedata.category(c) != "Mn")
    return s.replace("đ", "d").replace("ð", "d").replace("ɖ", "d")


WORD_RE = re.compile(r"[^\W\d_]+")


def tokens(text):
    return set(w.lower() for w in WORD_RE.findall(nfc(text)))


def read_number(n):
    """Vietnamese words for 1..999 ("một trăm hai mươi lăm")."""
    h, t, u = n // 100, n // 10 % 10, n % 10
    out = []
    if h:
        out += [DIGITS[h], "trăm"]
    if t > 1:
        out += [DIGITS[t], "mươi"]
        if u == 1:
            out.append("mốt")
        elif u == 5:
            out.append("lăm")
        elif u:
            out.append(DIGITS[u])
    elif t == 1:
        out.append("mười")
        if u == 5:
            out.append("lăm")
        elif u:
            out.append(DIGITS[u])
    elif u:
        if h:
            out.append("linh")
        out.append(DIGITS[u])
    return " ".join(out)


def money(millions):
    words = read_number(millions) + " triệu đồng"
    return ("{:,}.000.000 đồng".format(millions).replace(",", "."),
            words[0].upper() + words[1:])


def vn_date_line(place, d):
    day = "%02d" % d.day
    month = "%02d" % d.month if d.month <= 2 else str(d.month)
    return "%s, ngày %s tháng %s năm %d" % (place, day, month, d.year)


def short_date(d):
    return "%02d/%02d/%d" % (d.day, d.month, d.year)


def static_vocabulary_check():
    """Fail loudly if a distinctive word occurs in any other pool string."""
    others = []

    def collect(x):
        if isinstance(x, str):
            others.append(x)
        elif isinstance(x, dict):
            for k, v in x.items():
                collect(k)
                collect(v)
        elif isinstance(x, (list, tuple)):
            for v in x:
                collect(v)

    for pool in (TYPES, ISSUERS_OLD, ISSUERS_NEW, SURNAMES, MIDDLE_M,
                 MIDDLE_F, GIVEN_M, GIVEN_F, COMMON_TOPICS, DEPTS_OLD,
                 DEPTS_NEW, FILLERS, ACHIEVEMENTS, SHORTCOMINGS, URGENCY,
                 WEEKDAYS, DIGITS, TEMPLATE_STRINGS):
        collect(pool)
    base_tokens = set()
    for s in others:
        base_tokens |= tokens(s)
    base_folded = {fold(t) for t in base_tokens}
    seen = {}
    problems = []
    for phrase, word, _ in TOPICS:
        if word not in tokens(phrase):
            problems.append("%r is not a word of %r" % (word, phrase))
        f = fold(word)
        if f in base_folded:
            hits = sorted(t for t in base_tokens if fold(t) == f)
            problems.append("%r collides with template words %s" % (word, hits))
        if f in seen:
            problems.append("%r collides with %r" % (word, seen[f]))
        seen[f] = word
    for phrase, word, _ in TOPICS:
        for t in tokens(phrase):
            if t != word and fold(t) in seen and seen[fold(t)] != word:
                problems.append("%r (topic of %r) contains %r" %
                                (phrase, word, seen[fold(t)]))
    if problems:
        sys.exit("render_scans: distinctive word pool is inconsistent:\n  " +
                 "\n  ".join(problems))


# Literal template text used by the document builders below; listed here so
# that the static check sees it.
TEMPLATE_STRINGS = [
    "Về việc phê duyệt Kế hoạch", "Về việc thành lập Tổ công tác",
    "Về việc phê duyệt dự toán kinh phí", "Về việc triển khai",
    "Về việc tạm dừng", "Triển khai", "trên địa bàn năm",
    "Kết quả thực hiện", "Kết quả 6 tháng đầu năm",
    "Về việc đề nghị phê duyệt chủ trương", "Về việc dự Hội nghị triển khai",
    "Họp bàn triển khai", "V/v triển khai", "V/v đôn đốc", "V/v tăng cường",
    "Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015;",
    "Luật sửa đổi, bổ sung một số điều của Luật Tổ chức Chính phủ và Luật "
    "Tổ chức chính quyền địa phương ngày 22 tháng 11 năm 2019;",
    "Căn cứ Luật Tổ chức chính quyền địa phương ngày 16 tháng 6 năm 2025;",
    "Căn cứ Kế hoạch số của về việc", "Xét đề nghị của",
    "QUYẾT ĐỊNH:", "Điều 1.", "Điều 2.", "Điều 3.",
    "Phê duyệt Kế hoạch (có Kế hoạch chi tiết kèm theo).",
    "Thành lập Tổ công tác với thành phần như sau:",
    "Tổ trưởng", "Tổ phó", "Thành viên", "Chủ tịch", "Phó Chủ tịch",
    "Phê duyệt dự toán kinh phí với tổng số tiền là: (Bằng chữ: ).",
    "Nguồn kinh phí: ngân sách năm",
    "Giao chủ trì, phối hợp với các ban, ngành, đoàn thể và các tổ chức "
    "triển khai thực hiện, cụ thể:",
    "Quyết định này có hiệu lực kể từ ngày ký. Văn phòng, các ban, ngành, "
    "đoàn thể, các và các cá nhân có liên quan chịu trách nhiệm thi hành "
    "Quyết định này./.",
    "Thực hiện của về, Ủy ban nhân dân thông báo như sau:",
    "Thời gian thực hiện: từ ngày đến hết ngày",
    "thông báo để các cơ quan, đơn vị, các và nhân dân biết, thực hiện./.",
    "xây dựng Kế hoạch cụ thể như sau:", "I. MỤC ĐÍCH, YÊU CẦU",
    "1. Mục đích", "2. Yêu cầu", "II. NỘI DUNG VÀ THỜI GIAN THỰC HIỆN",
    "III. KINH PHÍ", "IV. TỔ CHỨC THỰC HIỆN",
    "Kinh phí thực hiện từ nguồn ngân sách và các nguồn huy động hợp pháp "
    "khác.", "Chủ trì, tham mưu tổ chức triển khai Kế hoạch; tổng hợp, "
    "báo cáo kết quả.", "Các: tổ chức thực hiện các nội dung của Kế hoạch "
    "tại địa bàn.", "Trên đây là Kế hoạch của Ủy ban nhân dân. Yêu cầu các "
    "ban, ngành, đoàn thể và các nghiêm túc triển khai thực hiện./.",
    "báo cáo kết quả như sau:", "I. KẾT QUẢ THỰC HIỆN",
    "1. Công tác chỉ đạo, điều hành", "2. Kết quả cụ thể",
    "II. TỒN TẠI, HẠN CHẾ", "III. PHƯƠNG HƯỚNG, NHIỆM VỤ THỜI GIAN TỚI",
    "Trên đây là báo cáo kết quả của Ủy ban nhân dân./.",
    "Kính gửi:", "Hội đồng nhân dân", "kính trình Hội đồng nhân dân xem xét, "
    "quyết định với các nội dung sau:", "1. Sự cần thiết:",
    "Đây là nhiệm vụ cấp thiết, được nhân dân đồng tình ủng hộ và phù hợp "
    "với quy hoạch, kế hoạch phát triển kinh tế - xã hội của địa phương.",
    "2. Nội dung đề nghị:", "3. Kinh phí dự kiến:",
    "kính trình Hội đồng nhân dân xem xét, quyết định./.",
    "trân trọng kính mời:", "Tới dự: Hội nghị triển khai", "Thời gian: giờ "
    "phút, ngày", "Địa điểm: Hội trường Ủy ban nhân dân",
    "Đề nghị các đồng chí sắp xếp công việc, tham dự đúng thành phần, thời "
    "gian./.", "Đồng chí Bí thư Chi bộ, Trưởng các",
    "Ban Chỉ huy Quân sự, Công an, Trạm Y tế", "Đại diện các ban, ngành, "
    "đoàn thể", "Hôm nay, vào hồi giờ phút ngày, tại Hội trường Ủy ban nhân "
    "dân, tổ chức họp bàn triển khai", "I. THÀNH PHẦN THAM DỰ",
    "1. Chủ trì: Ông Bà", "2. Thư ký:", "3. Thành phần: đại diện các ban, "
    "ngành, đoàn thể và Trưởng các", "II. NỘI DUNG", "III. KẾT LUẬN",
    "Biên bản kết thúc vào hồi cùng ngày, đã thông qua cho các thành viên "
    "dự họp cùng nghe và nhất trí./.", "THƯ KÝ", "CHỦ TRÌ",
    "Ý kiến thảo luận: các đại biểu nhất trí với dự thảo kế hoạch, đề nghị "
    "làm rõ thêm về kinh phí và tiến độ.",
    "Thực hiện của về, Ủy ban nhân dân đề nghị các đơn vị thực hiện một số "
    "nội dung sau:", "Đề nghị các đơn vị nghiêm túc triển khai thực hiện, "
    "báo cáo kết quả về Ủy ban nhân dân (qua) trước ngày./.",
    "Các ban, ngành, đoàn thể", "Trưởng các trên địa bàn",
    "Nơi nhận:", "Như Điều 3", "Như trên", "TT Đảng ủy, TT HĐND (để b/c)",
    "CT, các PCT UBND", "(để b/c)", "Lưu: VT,", "Thành phố",
    "TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH", "CHỦ TỊCH",
    "Q. CHỦ TỊCH", "TL. CHỦ TỊCH", "CHÁNH VĂN PHÒNG",
    "CÔNG CHỨC VĂN PHÒNG - THỐNG KÊ", "UBND", "HUYỆN", "QUẬN", "THỊ XÃ",
    "Số:", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
    "ngày tháng năm", "TP. HÀ NỘI", "thôn", "tổ dân phố", "xã", "phường",
    "Hà Nội", "Ông", "Bà", "Công an", "TTr", "GM", "BB", "UBND-",
    "mươi mốt lăm linh mười trăm triệu đồng chẵn",
]


# ---------------------------------------------------------------------------
# Documents
# ---------------------------------------------------------------------------

def person(rng, female=None):
    if female is None:
        female = rng.random() < 0.35
    mid = rng.choice(MIDDLE_F if female else MIDDLE_M)
    given = rng.choice(GIVEN_F if female else GIVEN_M)
    return "%s %s %s" % (rng.choice(SURNAMES), mid, given), female


class Issuer:
    def __init__(self, spec, rng):
        self.unit, self.name, self.district = spec
        self.old = self.district is not None
        self.unit_caps = self.unit.upper()
        self.org_lines = ["ỦY BAN NHÂN DÂN",
                          "%s %s" % (self.unit_caps, self.name.upper())]
        self.place = self.name
        self.full = "%s %s" % (self.unit, self.name)        # "xã Văn Bình"
        self.sub = "thôn" if self.unit == "xã" else "tổ dân phố"
        if self.old:
            kind, dname = self.district.split(" ", 1) if not \
                self.district.startswith("thị xã") else \
                ("thị xã", self.district[len("thị xã "):])
            self.parent = "UBND %s %s" % (kind.upper(), dname.upper())
            self.superior = "Ủy ban nhân dân %s" % self.district
            self.superior_short = "UBND %s" % self.district
            seal_tail = "%s - TP. HÀ NỘI" % self.parent[5:]
        else:
            self.parent = None
            self.superior = "Ủy ban nhân dân Thành phố Hà Nội"
            self.superior_short = "UBND Thành phố"
            seal_tail = "TP. HÀ NỘI"
        self.seal_text = "ỦY BAN NHÂN DÂN %s * %s *" % (
            self.org_lines[1], seal_tail)
        self.chair = person(rng)
        self.vices = [person(rng), person(rng)]
        self.clerk = person(rng)
        self.depts = DEPTS_OLD if self.old else DEPTS_NEW

    def dept(self, key):
        if not self.old:
            key = NEW_DEPT.get(key, key)
        name = self.depts[key]
        if name.startswith("Ban Chỉ huy") or name.endswith("UBND"):
            return key, "%s %s" % (name, self.unit)
        return key, name


def issuers_for(rng):
    return ([Issuer(s, rng) for s in ISSUERS_OLD],
            [Issuer(s, rng) for s in ISSUERS_NEW])


def P(runs, kind="just", size=14, indent=True, before=0, after=10):
    """A paragraph: runs of (text, style)."""
    if isinstance(runs, str):
        runs = [(runs, "R")]
    return dict(runs=runs, kind=kind, size=size, indent=indent,
                before=before, after=after)


class Document:
    """One document: header fields, body builder and footer."""

    def __init__(self, rng, spec, issuer, topic, number, date):
        self.rng = rng
        self.abbr = spec["type"]
        self.tname, self.tline, self.tcode, self.tascii = TYPES[self.abbr]
        self.issuer = issuer
        self.phrase, self.word, dept = topic
        self.dept_key, self.dept_name = issuer.dept(dept)
        self.number = number
        self.date = date
        self.year = date.year
        self.pages_wanted = spec.get("pages", 1)
        self.secrecy = spec.get("secrecy")
        self.urgency = spec.get("urgency")
        self.parent = issuer.parent if (issuer.parent and spec.get(
            "parent", rng.random() < 0.4)) else None
        if self.abbr == "CV":
            self.notation = "UBND-%s" % self.dept_key
        else:
            self.notation = "%s-UBND" % self.abbr
        self.fmt = dict(topic=self.phrase, unit=issuer.full,
                        sub=issuer.sub, year=self.year)
        ref_day = date - datetime.timedelta(days=rng.randint(10, 80))
        self.ref = ("Kế hoạch số %d/KH-UBND ngày %s" %
                    (rng.randint(12, 260), short_date(ref_day)))
        self.deadline = date + datetime.timedelta(days=rng.randint(10, 30))
        fill = FILLERS[:]
        rng.shuffle(fill)
        self.fillers = [f.format(**self.fmt) for f in fill]
        self.variant = rng.randrange(3)
        self.organ_lines = organ_lines(issuer, spec.get("header", "nd30"))
        self._signer()
        self._subject()
        self._recipients()

    # -- header fields ----------------------------------------------------
    def _subject(self):
        p, y, v = self.phrase, self.year, self.variant
        a = self.abbr
        if a == "QĐ":
            s = ["Về việc phê duyệt Kế hoạch %s năm %d" % (p, y),
                 "Về việc thành lập Tổ công tác %s" % p,
                 "Về việc phê duyệt dự toán kinh phí %s" % p][v]
        elif a == "TB":
            s = ["Về việc triển khai %s" % p,
                 "Về việc triển khai %s năm %d" % (p, y),
                 "Về việc tạm dừng %s" % p][v]
        elif a == "KH":
            s = "Triển khai %s năm %d" % (p, y)
        elif a == "BC":
            last = y if self.date.month >= 11 else y - 1
            s = ["Kết quả thực hiện %s năm %d" % (p, last),
                 "Kết quả %s 6 tháng đầu năm %d" % (p, y),
                 "Kết quả thực hiện %s năm %d" % (p, last)][v]
        elif a == "TTr":
            s = "Về việc đề nghị phê duyệt chủ trương %s" % p
        elif a == "GM":
            s = "Về việc dự Hội nghị triển khai %s" % p
        elif a == "BB":
            s = "Họp bàn triển khai %s" % p
        else:
            s = ["V/v triển khai %s" % p, "V/v đôn đốc %s" % p,
                 "V/v tăng cường %s" % p][v]
        self.subject_printed = s
        self.subject = s[4:] if s.startswith("V/v ") else s

    def _signer(self):
        rng, iss = self.rng, self.issuer
        if self.abbr == "BB":
            self.sign_lines = ["CHỦ TRÌ"]
            self.signer_auth, self.signer_pos = None, "CHỦ TRÌ"
            self.signer = iss.vices[0] if rng.random() < 0.5 else iss.chair
            return
        self.qd_by_chair = self.abbr == "QĐ" and rng.random() < 0.5
        r = rng.random()
        if self.qd_by_chair:
            if r < 0.6:
                self.sign_lines, self.signer_auth = ["CHỦ TỊCH"], None
                self.signer_pos, self.signer = "CHỦ TỊCH", iss.chair
            else:
                self.sign_lines = ["KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"]
                self.signer_auth, self.signer_pos = "KT.", "PHÓ CHỦ TỊCH"
                self.signer = iss.vices[0]
        elif r < 0.45:
            self.sign_lines = ["TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"]
            self.signer_auth, self.signer_pos = "TM.", "CHỦ TỊCH"
            self.signer = iss.chair
        elif r < 0.75:
            self.sign_lines = ["TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH",
                               "PHÓ CHỦ TỊCH"]
            self.signer_auth, self.signer_pos = "KT.", "PHÓ CHỦ TỊCH"
            self.signer = iss.vices[rng.randrange(2)]
        elif r < 0.85:
            self.sign_lines = ["KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"]
            self.signer_auth, self.signer_pos = "KT.", "PHÓ CHỦ TỊCH"
            self.signer = iss.vices[1]
        elif r < 0.93 or self.abbr not in ("GM", "TB", "CV"):
            self.sign_lines = ["TM. ỦY BAN NHÂN DÂN", "Q. CHỦ TỊCH"]
            self.signer_auth, self.signer_pos = "Q.", "CHỦ TỊCH"
            self.signer = iss.vices[0]
        else:
            pos = ("CÔNG CHỨC VĂN PHÒNG - THỐNG KÊ" if iss.old
                   else "CHÁNH VĂN PHÒNG")
            self.sign_lines = ["TL. CHỦ TỊCH", pos]
            self.signer_auth, self.signer_pos = "TL.", pos
            self.signer = iss.clerk

    def _recipients(self):
        iss, a = self.issuer, self.abbr
        store = "Lưu: VT, %s." % self.dept_key
        if a == "BB":
            self.recipients = []
            return
        r = []
        if a == "QĐ":
            r.append("Như Điều 3;")
        elif a in ("CV", "GM"):
            r.append("Như trên;")
        elif a == "TTr":
            r.append("Như trên;")
        r.append("%s (để b/c);" % iss.superior_short)
        if a != "TTr":
            r.append("TT Đảng ủy, TT HĐND %s (để b/c);" % iss.unit)
        r.append("CT, các PCT UBND %s;" % iss.unit)
        if a in ("TB", "KH", "CV"):
            r.append("Các %s trên địa bàn;" % iss.sub)
        r.append(store)
        self.recipients = r

    def kinh_gui(self):
        iss = self.issuer
        if self.abbr == "CV":
            return ["Các ban, ngành, đoàn thể %s;" % iss.unit,
                    "Trưởng các %s trên địa bàn %s." % (iss.sub, iss.unit)]
        if self.abbr == "TTr":
            return ["Hội đồng nhân dân %s." % iss.full]
        return []

    # -- body ------------------------------------------------------------
    def can_cu(self):
        d = self.date
        out = []
        if d >= datetime.date(2025, 6, 16):
            out.append("Căn cứ Luật Tổ chức chính quyền địa phương ngày 16 "
                       "tháng 6 năm 2025;")
        elif d >= datetime.date(2019, 11, 22):
            out.append("Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 "
                       "tháng 6 năm 2015; Luật sửa đổi, bổ sung một số điều "
                       "của Luật Tổ chức Chính phủ và Luật Tổ chức chính "
                       "quyền địa phương ngày 22 tháng 11 năm 2019;")
        else:
            out.append("Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 "
                       "tháng 6 năm 2015;")
        out.append("Căn cứ %s của %s về việc %s;" %
                   (self.ref, self.issuer.superior, self.phrase))
        out.append("Xét đề nghị của %s." % self.dept_name)
        return out

    def body(self, k):
        """Body paragraphs with k filler paragraphs."""
        return getattr(self, "body_" + {"QĐ": "qd", "TB": "tb", "KH": "kh",
                                        "BC": "bc", "TTr": "ttr", "GM": "gm",
                                        "BB": "bb", "CV": "cv"}[self.abbr])(k)

    def fill(self, k, prefix="- ", numbered=None):
        out = []
        for i in range(k):
            text = self.fillers[i % len(self.fillers)]
            if numbered is not None:
                text = "%d. %s" % (numbered + i, text)
            else:
                text = prefix + text
            out.append(P(text))
        return out

    def body_qd(self, k):
        iss, rng = self.issuer, random.Random(self.number)
        who = "CHỦ TỊCH ỦY BAN NHÂN DÂN" if self.qd_by_chair else \
            "ỦY BAN NHÂN DÂN"
        out = [P([("%s %s" % (who, iss.org_lines[1]), "B")], kind="center",
                 before=20, after=30)]
        out += [P([(c, "I")]) for c in self.can_cu()]
        out.append(P([("QUYẾT ĐỊNH:", "B")], kind="center", before=20,
                     after=25))
        v = self.variant
        if v == 0:
            d1 = ("Phê duyệt Kế hoạch %s năm %d trên địa bàn %s (có Kế hoạch "
                  "chi tiết kèm theo)." % (self.phrase, self.year, iss.full))
            out.append(P([("Điều 1. ", "B"), (d1, "R")]))
        elif v == 1:
            d1 = ("Thành lập Tổ công tác %s %s với thành phần như sau:"
                  % (self.phrase, iss.full))
            out.append(P([("Điều 1. ", "B"), (d1, "R")]))
            members = [(iss.vices[0], "Phó Chủ tịch UBND %s" % iss.unit,
                        "Tổ trưởng"),
                       (person(rng), self.dept_name, "Tổ phó")]
            for _ in range(2 + k // 3):
                members.append((person(rng), "Công an %s" % iss.unit,
                                "Thành viên"))
            for i, (pp, role, duty) in enumerate(members, 1):
                title = "Bà" if pp[1] else "Ông"
                out.append(P("%d. %s %s - %s - %s;" %
                             (i, title, pp[0], role, duty)))
        else:
            n = rng.randint(35, 950)
            num, words = money(n)
            d1 = ("Phê duyệt dự toán kinh phí %s với tổng số tiền là: %s "
                  "(Bằng chữ: %s)." % (self.phrase, num, words))
            out.append(P([("Điều 1. ", "B"), (d1, "R")]))
            out.append(P("Nguồn kinh phí: ngân sách %s năm %d." %
                         (iss.unit, self.year)))
        d2 = ("Giao %s chủ trì, phối hợp với các ban, ngành, đoàn thể và các "
              "%s tổ chức triển khai thực hiện, cụ thể:" %
              (self.dept_name, iss.sub))
        out.append(P([("Điều 2. ", "B"), (d2, "R")]))
        out += self.fill(max(1, k))
        d3 = ("Quyết định này có hiệu lực kể từ ngày ký. Văn phòng, %s, các "
              "ban, ngành, đoàn thể, các %s và các cá nhân có liên quan chịu "
              "trách nhiệm thi hành Quyết định này./." %
              (self.dept_name, iss.sub))
        out.append(P([("Điều 3. ", "B"), (d3, "R")]))
        return out

    def body_tb(self, k):
        iss = self.issuer
        out = [P("Thực hiện %s của %s về %s, Ủy ban nhân dân %s thông báo "
                 "như sau:" % (self.ref, iss.superior, self.phrase, iss.full),
                 before=10)]
        out.append(P("1. Thời gian thực hiện: từ ngày %s đến hết ngày %s." %
                     (short_date(self.date), short_date(self.deadline))))
        out += self.fill(k, numbered=2)
        out.append(P("Ủy ban nhân dân %s thông báo để các cơ quan, đơn vị, "
                     "các %s và nhân dân biết, thực hiện./." %
                     (iss.full, iss.sub)))
        return out

    def body_kh(self, k):
        iss = self.issuer
        h = lambda t: P([(t, "B")], after=8)
        out = [P("Thực hiện %s của %s về việc %s; Ủy ban nhân dân %s xây "
                 "dựng Kế hoạch %s năm %d cụ thể như sau:" %
                 (self.ref, iss.superior, self.phrase, iss.full,
                  self.phrase, self.year), before=10)]
        a, b = k // 3, k // 3
        c = k - a - b
        out += [h("I. MỤC ĐÍCH, YÊU CẦU"), h("1. Mục đích")]
        out += self.fill(max(1, a))
        out.append(h("2. Yêu cầu"))
        out += [P("- " + f) for f in self.fillers[max(1, a):max(1, a) + 1]]
        out.append(h("II. NỘI DUNG VÀ THỜI GIAN THỰC HIỆN"))
        rest = self.fillers[max(1, a) + 1:] + self.fillers
        out += [P("- " + f) for f in rest[:b + 1]]
        out += [h("III. KINH PHÍ"),
                P("Kinh phí thực hiện từ nguồn ngân sách %s năm %d và các "
                  "nguồn huy động hợp pháp khác." % (iss.unit, self.year)),
                h("IV. TỔ CHỨC THỰC HIỆN"),
                P("1. %s: Chủ trì, tham mưu tổ chức triển khai Kế hoạch; "
                  "tổng hợp, báo cáo kết quả." % self.dept_name),
                P("2. Các %s: tổ chức thực hiện các nội dung của Kế hoạch "
                  "tại địa bàn." % iss.sub)]
        out += [P("- " + f) for f in rest[b + 1:b + 1 + c]]
        out.append(P("Trên đây là Kế hoạch %s năm %d của Ủy ban nhân dân %s. "
                     "Yêu cầu các ban, ngành, đoàn thể và các %s nghiêm túc "
                     "triển khai thực hiện./." %
                     (self.phrase, self.year, iss.full, iss.sub)))
        return out

    def body_bc(self, k):
        iss, rng = self.issuer, random.Random(self.number * 7 + 1)
        h = lambda t: P([(t, "B")], after=8)
        nums = dict(n1=rng.randint(4, 30), n2=rng.randint(150, 2400),
                    n3=rng.randint(3, 12), n4=rng.randint(40, 900),
                    n5=rng.randint(72, 100), n6=rng.randint(12, 18),
                    sub=iss.sub)
        out = [P("Thực hiện %s của %s, Ủy ban nhân dân %s báo cáo kết quả %s "
                 "như sau:" % (self.ref, iss.superior, iss.full,
                               self.phrase), before=10),
               h("I. KẾT QUẢ THỰC HIỆN"), h("1. Công tác chỉ đạo, điều hành")]
        out += self.fill(max(1, k // 2))
        out.append(h("2. Kết quả cụ thể"))
        out += [P("- " + a.format(**nums)) for a in
                rng.sample(ACHIEVEMENTS, 3)]
        out.append(h("II. TỒN TẠI, HẠN CHẾ"))
        out += [P("- " + s.format(**nums)) for s in
                rng.sample(SHORTCOMINGS, 2)]
        out.append(h("III. PHƯƠNG HƯỚNG, NHIỆM VỤ THỜI GIAN TỚI"))
        out += [P("- " + f) for f in
                (self.fillers[max(1, k // 2):] + self.fillers)[:max(1, k - k // 2)]]
        out.append(P("Trên đây là báo cáo kết quả %s của Ủy ban nhân dân "
                     "%s./." % (self.phrase, iss.full)))
        return out

    def body_ttr(self, k):
        iss = self.issuer
        n = random.Random(self.number).randint(80, 950)
        num, words = money(n)
        out = [P([(c, "I")]) for c in self.can_cu()[:2]]
        out.append(P("Ủy ban nhân dân %s kính trình Hội đồng nhân dân %s xem "
                     "xét, quyết định chủ trương %s với các nội dung sau:" %
                     (iss.full, iss.unit, self.phrase)))
        out.append(P([("1. Sự cần thiết: ", "B"),
                      ("Đây là nhiệm vụ cấp thiết, được nhân dân đồng tình "
                       "ủng hộ và phù hợp với quy hoạch, kế hoạch phát triển "
                       "kinh tế - xã hội của địa phương.", "R")]))
        out.append(P([("2. Nội dung đề nghị:", "B")]))
        out += self.fill(max(1, k))
        out.append(P([("3. Kinh phí dự kiến: ", "B"),
                      ("%s (%s)." % (num, words), "R")]))
        out.append(P("Ủy ban nhân dân %s kính trình Hội đồng nhân dân %s xem "
                     "xét, quyết định./." % (iss.full, iss.unit)))
        return out

    def body_gm(self, k):
        iss = self.issuer
        meet = self.date + datetime.timedelta(days=3 + self.number % 5)
        hour = [8, 8, 14, 9][self.number % 4]
        out = [P("Ủy ban nhân dân %s trân trọng kính mời:" % iss.full,
                 before=10),
               P("- Đồng chí Bí thư Chi bộ, Trưởng các %s;" % iss.sub),
               P("- Ban Chỉ huy Quân sự, Công an, Trạm Y tế %s;" % iss.unit),
               P("- Đại diện các ban, ngành, đoàn thể %s." % iss.unit),
               P([("Tới dự: ", "B"),
                  ("Hội nghị triển khai %s." % self.phrase, "R")]),
               P([("Thời gian: ", "B"),
                  ("%02d giờ 00 phút, %s, ngày %s." %
                   (hour, WEEKDAYS[meet.weekday()], short_date(meet)), "R")]),
               P([("Địa điểm: ", "B"),
                  ("Hội trường Ủy ban nhân dân %s." % iss.unit, "R")])]
        out += self.fill(k)
        out.append(P("Đề nghị các đồng chí sắp xếp công việc, tham dự đúng "
                     "thành phần, thời gian./."))
        return out

    def body_bb(self, k):
        iss = self.issuer
        h = lambda t: P([(t, "B")], after=8)
        chair = self.signer
        out = [P("Hôm nay, vào hồi 14 giờ 00 phút ngày %s, tại Hội trường Ủy "
                 "ban nhân dân %s, Ủy ban nhân dân %s tổ chức họp bàn triển "
                 "khai %s." % (short_date(self.date), iss.unit, iss.full,
                               self.phrase), before=10),
               h("I. THÀNH PHẦN THAM DỰ"),
               P("1. Chủ trì: %s %s - %s UBND %s." %
                 ("Bà" if chair[1] else "Ông", chair[0],
                  "Chủ tịch" if chair is iss.chair else "Phó Chủ tịch",
                  iss.unit)),
               P("2. Thư ký: %s %s - %s." %
                 ("Bà" if iss.clerk[1] else "Ông", iss.clerk[0],
                  iss.dept("VP")[1])),
               P("3. Thành phần: đại diện các ban, ngành, đoàn thể và Trưởng "
                 "các %s." % iss.sub),
               h("II. NỘI DUNG"),
               P("Ý kiến thảo luận: các đại biểu nhất trí với dự thảo kế "
                 "hoạch, đề nghị làm rõ thêm về kinh phí và tiến độ.")]
        out.append(h("III. KẾT LUẬN"))
        out += self.fill(max(1, k))
        out.append(P("Biên bản kết thúc vào hồi 16 giờ 30 phút cùng ngày, đã "
                     "thông qua cho các thành viên dự họp cùng nghe và nhất "
                     "trí./."))
        return out

    def body_cv(self, k):
        iss = self.issuer
        out = [P("Thực hiện %s của %s về %s, Ủy ban nhân dân %s đề nghị các "
                 "đơn vị thực hiện một số nội dung sau:" %
                 (self.ref, iss.superior, self.phrase, iss.full), before=10)]
        out += self.fill(max(1, k), numbered=1)
        out.append(P("Đề nghị các đơn vị nghiêm túc triển khai thực hiện, báo "
                     "cáo kết quả về Ủy ban nhân dân %s (qua %s) trước ngày "
                     "%s./." % (iss.unit, self.dept_name,
                                short_date(self.deadline))))
        return out

    def fields(self):
        iss = self.issuer
        return {
            "organName": iss.org_lines[1],
            "organLines": self.organ_lines,
            "parentOrgan": self.parent,
            "codeNumber": self.number_str,
            "codeNotation": self.notation,
            "issuedDate": self.date.isoformat(),
            "typeName": self.tcode,
            "typeLabel": self.tname,
            "placeName": iss.place,
            "subject": self.subject,
            "signerAuthority": self.signer_auth,
            "signerPosition": self.signer_pos,
            "signerName": self.signer[0],
            "signerLines": self.sign_lines,
            "recipients": [r.rstrip(";.") for r in self.recipients],
            "kinhGui": [r.rstrip(";.") for r in self.kinh_gui()],
            "secrecy": self.secrecy,
            "urgency": self.urgency,
        }

    @property
    def number_str(self):
        return "%02d" % self.number


# ---------------------------------------------------------------------------
# Layout: documents become pages of drawing operations and lines of text.
# ---------------------------------------------------------------------------

_fonts = {}


def font(style, size_pt):
    key = (style, size_pt)
    if key not in _fonts:
        _fonts[key] = ImageFont.truetype(
            os.path.join(FONT_DIR, FONT_FILES[style]), round(size_pt * DPI / 72))
    return _fonts[key]


def px(size_pt):
    return size_pt * DPI / 72


class Page:
    def __init__(self):
        self.ops = []
        self.lines = []
        self.has_body = False


class Layout:
    def __init__(self):
        self.pages = [Page()]
        self.y = TOP

    @property
    def page(self):
        return self.pages[-1]

    def new_page(self):
        self.pages.append(Page())
        n = len(self.pages)
        self.text_center(str(n), PAGE_W // 2 + (LEFT - (PAGE_W - RIGHT)) // 2,
                         round(TOP * 0.75), "R", 13)
        self.y = TOP + round(px(14) * 1.1)

    def text(self, x, base, s, style, size, role="ink"):
        self.page.ops.append(("T", x, base, s, style, size, role))

    def text_center(self, s, cx, base, style, size, role="ink", record=True):
        w = font(style, size).getlength(s)
        self.text(round(cx - w / 2), base, s, style, size, role)
        if record:
            self.page.lines.append(s)
        return w

    def rule(self, x0, x1, y, width=4):
        self.page.ops.append(("L", round(x0), y, round(x1), y, width))

    def ensure(self, h):
        if self.y + h > BOTTOM:
            self.new_page()

    def paragraph(self, par, x0=LEFT, x1=RIGHT):
        size = par["size"]
        lh = round(px(size) * 1.25)
        words = []
        for text, style in par["runs"]:
            for w in text.split():
                words.append((w, style))
        indent = round(12.7 * MM) if (par["indent"] and par["kind"] == "just") \
            else 0
        lines, cur, curw = [], [], 0
        for w, st in words:
            f = font(st, size)
            ww = f.getlength(w)
            sp = f.getlength(" ") if cur else 0
            avail = (x1 - x0) - (indent if not lines else 0)
            if cur and curw + sp + ww > avail:
                lines.append(cur)
                cur, curw = [], 0
                sp = 0
            cur.append((w, st, ww))
            curw += sp + ww
        if cur:
            lines.append(cur)
        self.y += par["before"]
        for i, ln in enumerate(lines):
            self.ensure(lh)
            base = self.y + round(px(size) * 0.9)
            last = i == len(lines) - 1
            start = x0 + (indent if i == 0 else 0)
            width = (x1 - start)
            natural = sum(w for _, _, w in ln)
            gaps = len(ln) - 1
            space = font("R", size).getlength(" ")
            if par["kind"] == "center":
                total = natural + gaps * space
                x = (x0 + x1) / 2 - total / 2
                step = space
            elif par["kind"] == "just" and not last and gaps:
                x = start
                step = (width - natural) / gaps
                if step > space * 3:
                    step = space
            else:
                x = start
                step = space
            for w, st, ww in ln:
                self.text(round(x), base, w, st, size)
                x += ww + step
            self.page.lines.append(" ".join(w for w, _, _ in ln))
            self.page.has_body = True
            self.y += lh
        self.y += par["after"]

    def block_lines(self, items, cx=None, x=None, start_y=None):
        """Lines of (text, style, size) centred on cx or flush at x."""
        y = self.y if start_y is None else start_y
        for s, st, size in items:
            if s is None:                      # vertical gap of `size` px
                y += size
                continue
            lh = round(px(size) * 1.2)
            base = y + round(px(size) * 0.9)
            if cx is not None:
                self.text_center(s, cx, base, st, size)
            else:
                self.text(x, base, s, st, size)
                self.page.lines.append(s)
            y += lh
        return y


def wrap_text(s, style, size, width):
    f = font(style, size)
    out, cur = [], ""
    for w in s.split():
        t = (cur + " " + w) if cur else w
        if cur and f.getlength(t) > width:
            out.append(cur)
            cur = w
        else:
            cur = t
    if cur:
        out.append(cur)
    return out


HEADERS = ("nd30", "wrap2", "wrap3", "ubnd")


def organ_lines(iss, header):
    """The issuing body's lines in the left header column.  nd30: "ỦY BAN
    NHÂN DÂN" / "XÃ VĂN BÌNH"; wrap2: the name set wide and cut at the
    column's end, "ỦY BAN NHÂN DÂN XÃ VĂN" / "BÌNH"; wrap3: a narrow column,
    "ỦY BAN NHÂN DÂN" / "XÃ VĂN" / "BÌNH"; ubnd: abbreviated on one line,
    "UBND XÃ VĂN BÌNH"."""
    first, second = iss.org_lines
    unit, name = second.split(" ", 1) if not second.startswith("THỊ XÃ") \
        else ("THỊ XÃ", second[len("THỊ XÃ "):])
    words = name.split()
    head, tail = " ".join(words[:1]), " ".join(words[1:])
    if header == "wrap2" and tail:
        return ["%s %s %s" % (first, unit, head), tail]
    if header == "wrap3" and tail:
        return [first, "%s %s" % (unit, head), tail]
    if header == "ubnd":
        return ["UBND %s" % second]
    return list(iss.org_lines)


def layout(doc, k):
    """Lay out doc with k filler paragraphs; returns the Layout."""
    L = Layout()
    iss = doc.issuer
    # Left header column.
    y = TOP
    head = []
    if doc.parent:
        head.append((doc.parent, "R", 13))
    head += [(ln, "B", 13) for ln in doc.organ_lines]
    y = L.block_lines(head, cx=CX_LEFT, start_y=y)
    bold13 = font("B", 13)
    w = bold13.getlength(doc.organ_lines[-1])
    rule_w = max(w * 0.4, 200)
    L.rule(CX_LEFT - rule_w / 2, CX_LEFT + rule_w / 2, y + 14)
    y_left_after_rule = y + 56
    # Right header column.
    yr = L.block_lines([("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "B", 13),
                        ("Độc lập - Tự do - Hạnh phúc", "B", 14)],
                       cx=CX_RIGHT, start_y=TOP)
    tw = font("B", 14).getlength("Độc lập - Tự do - Hạnh phúc")
    L.rule(CX_RIGHT - tw / 2, CX_RIGHT + tw / 2, yr + 10)
    # "Số" and the date sit on the same row of the header table.
    row_y = max(y_left_after_rule, yr + 56)
    # Reading order: the whole left column, then the right column.
    right_lines = L.page.lines[-2:]
    del L.page.lines[-2:]
    left = [("Số: %s/%s" % (doc.number_str, doc.notation), "R", 13)]
    if doc.abbr == "CV":
        for ln in wrap_text(doc.subject_printed, "R", 12, COL_SPLIT - LEFT - 40):
            left.append((ln, "R", 12))
    yl = L.block_lines(left, cx=CX_LEFT, start_y=row_y)
    stamps = []
    if doc.secrecy:
        stamps.append("MẬT")
    if doc.urgency:
        stamps.append(URGENCY[doc.urgency])
    for s in stamps:
        yl += 30
        f = font("B", 14)
        sw = f.getlength(s)
        base = yl + round(px(14) * 0.9) + 14
        L.text(round(CX_LEFT - sw / 2), base, s, "B", 14, role="stamp")
        L.page.ops.append(("R", round(CX_LEFT - sw / 2 - 24), yl,
                           round(CX_LEFT + sw / 2 + 24),
                           yl + round(px(14) * 1.2) + 24, 6))
        L.page.lines.append(s)
        yl += round(px(14) * 1.2) + 24
    L.page.lines += right_lines
    date_line = vn_date_line(iss.place, doc.date)
    L.block_lines([(date_line, "I", 14)], cx=CX_RIGHT, start_y=row_y)
    L.y = max(yl, row_y + round(px(14) * 1.2)) + 60
    # Type and trích yếu.
    if doc.tline:
        L.y += 20
        L.y = L.block_lines([(doc.tline, "B", 14)], cx=(LEFT + RIGHT) // 2)
        lines = wrap_text(doc.subject_printed, "B", 14, 1500)
        L.y = L.block_lines([(ln, "B", 14) for ln in lines],
                            cx=(LEFT + RIGHT) // 2)
        sw = max(font("B", 14).getlength(ln) for ln in lines)
        rw = max(min(sw * 0.4, 600), 250)
        cx = (LEFT + RIGHT) // 2
        L.rule(cx - rw / 2, cx + rw / 2, L.y + 12)
        L.y += 50
    # Kính gửi.
    kg = doc.kinh_gui()
    if kg:
        L.y += 20
        label = "Kính gửi:"
        f = font("R", 14)
        lw = f.getlength(label + " ")
        widest = max(f.getlength(r) for r in kg)
        if len(kg) == 1:
            s = "%s %s" % (label, kg[0])
            L.y = L.block_lines([(s, "R", 14)], cx=(LEFT + RIGHT) // 2)
        else:
            x0 = round((LEFT + RIGHT) / 2 - (lw + widest + f.getlength("- "))
                       / 2)
            lh = round(px(14) * 1.25)
            for i, r in enumerate(kg):
                base = L.y + round(px(14) * 0.9)
                item = "- " + r
                if i == 0:
                    L.text(x0, base, label, "R", 14)
                    L.text(round(x0 + lw), base, item, "R", 14)
                    L.page.lines.append("%s %s" % (label, item))
                else:
                    L.text(round(x0 + lw), base, item, "R", 14)
                    L.page.lines.append(item)
                L.y += lh
        L.y += 30
    # Body.
    for par in doc.body(k):
        L.paragraph(par)
    # Footer: Nơi nhận (left) and signature (right) side by side; it is
    # never split across pages.
    L.y += 30
    sig = [(s, "B", 14) for s in doc.sign_lines]
    sig_gap = 330
    sig_h = len(sig) * round(px(14) * 1.2) + sig_gap + round(px(14) * 1.2)
    if doc.abbr == "BB":
        left_items = [("THƯ KÝ", "B", 14)]
        left_h = sig_h
    else:
        left_items = [("Nơi nhận:", "BI", 12)] + \
            [("- " + r, "R", 11) for r in doc.recipients]
        left_h = round(px(12) * 1.2) + len(doc.recipients) * round(px(11) * 1.2)
    L.ensure(max(sig_h, left_h) + 10)
    top = L.y
    cx_sig = CX_RIGHT + 40
    if doc.abbr == "BB":
        yb = L.block_lines(left_items, cx=CX_LEFT, start_y=top)
        L.page.ops.append(("SIG", CX_LEFT, yb + sig_gap // 2, doc.number + 17))
        L.block_lines([(doc.issuer.clerk[0], "B", 14)], cx=CX_LEFT,
                      start_y=yb + sig_gap)
    else:
        L.block_lines(left_items, x=LEFT, start_y=top)
    ys = L.block_lines(sig, cx=cx_sig, start_y=top)
    L.page.ops.append(("SIG", cx_sig, ys + sig_gap // 2, doc.number))
    L.page.ops.append(("SEAL", cx_sig - 230, ys + sig_gap // 2 - 20, 215,
                       doc.issuer.seal_text))
    L.block_lines([(doc.signer[0], "B", 14)], cx=cx_sig, start_y=ys + sig_gap)
    L.y = top + max(sig_h, left_h)
    return L


def layout_fitting(doc):
    """Choose the number of filler paragraphs so that the page count is
    what the document asks for and the last page holds body text."""
    want = doc.pages_wanted
    k0 = 2 + doc.rng.randrange(3)
    if want == 1:
        for k in range(k0, -1, -1):
            L = layout(doc, k)
            if len(L.pages) == 1:
                return L
        return L
    k = k0
    while True:
        L = layout(doc, k)
        n = len(L.pages)
        if n > want:
            return L
        if n == want and L.pages[-1].has_body and \
                len(L.pages[-1].lines) > 14:
            return L
        k += 1
        if k > 400:
            return L


# ---------------------------------------------------------------------------
# Rasterisation and degradation
# ---------------------------------------------------------------------------

INK = {"gray": {"ink": 20, "stamp": 40, "sig": 50, "bg": 250},
       "bilevel": {"ink": 0, "stamp": 0, "sig": 0, "bg": 255},
       "rgb": {"ink": (28, 28, 34), "stamp": (200, 30, 36),
               "sig": (30, 50, 150), "bg": (248, 244, 229)}}


def draw_signature(draw, cx, cy, seed, color):
    rng = random.Random(seed)
    pts = []
    x = cx - 220
    for i in range(9):
        x += rng.randint(35, 60)
        y = cy + rng.randint(-70, 70) * (1 if i % 2 else -1) * 0.8
        pts.append((x, y))
    # A smooth stroke through the points (Catmull-Rom).
    curve = []
    for i in range(len(pts) - 1):
        p0 = pts[max(i - 1, 0)]
        p1, p2 = pts[i], pts[i + 1]
        p3 = pts[min(i + 2, len(pts) - 1)]
        for t in [j / 12 for j in range(12)]:
            t2, t3 = t * t, t * t * t
            curve.append(tuple(
                0.5 * ((2 * p1[c]) + (-p0[c] + p2[c]) * t +
                       (2 * p0[c] - 5 * p1[c] + 4 * p2[c] - p3[c]) * t2 +
                       (-p0[c] + 3 * p1[c] - 3 * p2[c] + p3[c]) * t3)
                for c in (0, 1)))
    draw.line(curve, fill=color, width=6, joint="curve")
    draw.line([(cx - 160, cy + 60), (cx + 240, cy + 40)], fill=color, width=5)


def seal_layer(size, r, text):
    """An L mask of a round seal: rings, a star and text around the rim."""
    img = Image.new("L", size, 0)
    d = ImageDraw.Draw(img)
    cx, cy = size[0] // 2, size[1] // 2
    d.ellipse([cx - r, cy - r, cx + r, cy + r], outline=255, width=10)
    d.ellipse([cx - r + 22, cy - r + 22, cx + r - 22, cy + r - 22],
              outline=255, width=4)
    rs = r * 0.62
    d.ellipse([cx - rs, cy - rs, cx + rs, cy + rs], outline=255, width=4)
    star = []
    for i in range(10):
        a = -math.pi / 2 + i * math.pi / 5
        rr = 60 if i % 2 == 0 else 24
        star.append((cx + rr * math.cos(a), cy + rr * math.sin(a)))
    d.polygon(star, fill=255)
    f = font("B", 8)
    rt = r - 60
    total = sum(f.getlength(c) for c in text)
    span = 2 * math.pi * 0.92
    scale = span * rt / total
    ang = -math.pi / 2 - span / 2
    for c in text:
        cw = f.getlength(c) * scale
        a = ang + cw / rt / 2
        ang += cw / rt
        if c == " ":
            continue
        g = Image.new("L", (80, 80), 0)
        ImageDraw.Draw(g).text((40, 40), c, font=f, fill=255, anchor="mm")
        g = g.rotate(-math.degrees(a) - 90, resample=Image.BICUBIC)
        x = cx + rt * math.cos(a) - 40
        y = cy + rt * math.sin(a) - 40
        img.paste(255, (round(x), round(y)), g)
    return img


def rasterise(page, mode, seal=True, gray_seal=False):
    colors = INK[mode]
    im_mode = "RGB" if mode == "rgb" else "L"
    img = Image.new(im_mode, (PAGE_W, PAGE_H), colors["bg"])
    d = ImageDraw.Draw(img)
    for op in page.ops:
        kind = op[0]
        if kind == "T":
            _, x, base, s, style, size, role = op
            d.text((x, base), s, font=font(style, size),
                   fill=colors["stamp" if role == "stamp" else "ink"],
                   anchor="ls")
        elif kind == "L":
            _, x0, y0, x1, y1, w = op
            d.line([(x0, y0), (x1, y1)], fill=colors["ink"], width=w)
        elif kind == "R":
            _, x0, y0, x1, y1, w = op
            d.rectangle([x0, y0, x1, y1], outline=colors["stamp"], width=w)
        elif kind == "SIG":
            _, cx, cy, seed = op
            draw_signature(d, cx, cy, seed, colors["sig"])
    if mode == "rgb" and seal:
        for op in page.ops:
            if op[0] == "SEAL":
                _, cx, cy, r, text = op
                side = 2 * r + 40
                mask = seal_layer((side, side), r, text)
                red = Image.new("RGB", img.size, (255, 255, 255))
                red.paste((205, 40, 50), (cx - side // 2, cy - side // 2), mask)
                img = ImageChops.multiply(img, red)
    if mode == "gray" and gray_seal:
        # The red seal as a grey scanner sees it: its luminance (0.299 R +
        # 0.587 G + 0.114 B of the ink, about 90) over the text.
        for op in page.ops:
            if op[0] == "SEAL":
                _, cx, cy, r, text = op
                side = 2 * r + 40
                mask = seal_layer((side, side), r, text)
                ink = Image.new("L", img.size, 255)
                ink.paste(round(0.299 * 205 + 0.587 * 40 + 0.114 * 50),
                          (cx - side // 2, cy - side // 2), mask)
                img = ImageChops.multiply(img, ink)
    return img


def speckle(img, rng, density=0.0006):
    d = ImageDraw.Draw(img)
    w, h = img.size
    dark = 0 if img.mode == "L" else (0, 0, 0)
    light = 255 if img.mode == "L" else (255, 255, 255)
    for i in range(int(w * h * density)):
        x, y = rng.randrange(w), rng.randrange(h)
        s = rng.choice((1, 2, 2, 3))
        d.rectangle([x, y, x + s, y + s], fill=dark if i % 4 else light)
    return img


def scan_sensor(img, rng):
    """--scan, after the optics: the paper's tone under uneven lighting (a
    smooth 3x4 field of levels 228-250) and sensor noise (uniform, +-8)."""
    w, h = img.size
    field = Image.new("L", (3, 4))
    field.putdata([rng.randint(228, 250) for _ in range(12)])
    light = field.resize((w, h), Image.BILINEAR)
    noise = Image.frombytes("L", (w, h), rng.randbytes(w * h)).point(
        lambda v: v * 17 // 256)
    if img.mode == "RGB":
        light, noise = light.convert("RGB"), noise.convert("RGB")
    return ImageChops.add(ImageChops.multiply(img, light), noise, 1.0, -8)


def photograph(img, rng):
    """--photo: a page photographed rather than scanned: the camera a little
    off square (each corner moved by up to 1.2 % of the page), out of focus
    (1.4 px blur), light falling off across the sheet (a smooth 2x3 field
    of levels 150-250, a shadow on one side) and sensor noise (+-10)."""
    w, h = img.size
    bg = INK["rgb"]["bg"] if img.mode == "RGB" else 245
    d = 0.012
    quad = []
    for cx, cy in ((0, 0), (0, h), (w, h), (w, 0)):
        quad += [cx + rng.uniform(-d, d) * w, cy + rng.uniform(-d, d) * h]
    img = img.transform((w, h), Image.QUAD, quad, resample=Image.BICUBIC,
                        fillcolor=bg)
    img = img.filter(ImageFilter.GaussianBlur(1.4))
    field = Image.new("L", (2, 3))
    lv = [rng.randint(215, 250) for _ in range(6)]
    lv[rng.randrange(6)] = rng.randint(150, 175)        # the shadow
    field.putdata(lv)
    light = field.resize((w, h), Image.BILINEAR)
    noise = Image.frombytes("L", (w, h), rng.randbytes(w * h)).point(
        lambda v: v * 21 // 256)
    if img.mode == "RGB":
        light, noise = light.convert("RGB"), noise.convert("RGB")
    return ImageChops.add(ImageChops.multiply(img, light), noise, 1.0, -10)


def degrade(img, opts, rng):
    bg = INK["rgb"]["bg"] if img.mode == "RGB" else 255
    if opts.photo:
        img = photograph(img, rng)
    if opts.noise:
        img = speckle(img, rng)
    if opts.skew:
        img = img.rotate(opts.skew, resample=Image.BICUBIC, fillcolor=bg)
    if opts.rotate:
        img = img.transpose({90: Image.ROTATE_90, 180: Image.ROTATE_180,
                             270: Image.ROTATE_270}[opts.rotate])
    if opts.scan:       # the scanner's optics (about 0.1 mm of blur)
        img = img.filter(ImageFilter.GaussianBlur(0.9))
    if opts.dpi != DPI:
        f = opts.dpi / DPI
        img = img.resize((round(img.width * f), round(img.height * f)),
                         Image.LANCZOS)
    if opts.scan:
        img = scan_sensor(img, rng)
    return img


def to_bilevel(img):
    return img.convert("L").point(lambda v: 255 if v > 150 else 0, mode="1")


# ---------------------------------------------------------------------------
# The set
# ---------------------------------------------------------------------------

def random_date(rng):
    start = datetime.date(2019, 1, 2)
    end = datetime.date(2026, 6, 30)
    d = start + datetime.timedelta(days=rng.randrange((end - start).days))
    if d.weekday() >= 5:                 # offices issue on working days
        d -= datetime.timedelta(days=d.weekday() - 4)
    return d


def ascii_name(doc):
    return "%s-%03d-%d" % (doc.tascii, doc.number, doc.year)


def vietnamese_name(doc):
    return nfc("%s %d" % (doc.tname, doc.number))


def mode_for(fmt, opts, spec):
    if spec.get("mode"):
        return spec["mode"]
    if opts.bilevel:
        return "bilevel"
    if opts.color:
        return "rgb"
    return {"png": "gray", "jpeg": "gray", "tiff-g4": "bilevel",
            "tiff-gray": "gray", "tiff-rgb": "rgb",
            "tiff-multipage": "bilevel", "pdf-image": "gray",
            "pdf-text": "gray"}[fmt]


def save(images, path_base, fmt, mode, opts, vn_names):
    """Write the pages; returns the list of file names written."""
    dpi = None if opts.no_dpi else (opts.dpi, opts.dpi)
    kw = {} if dpi is None else {"dpi": dpi}
    ext = EXT[fmt]
    if fmt.startswith("pdf"):
        return [save_pdf(images, "%s.%s" % (path_base, ext), fmt, mode, opts)]
    if fmt.startswith("tiff"):
        if fmt in ("tiff-g4", "tiff-multipage") or mode == "bilevel":
            pages = [to_bilevel(i) for i in images]
            comp = "group4"
        else:
            pages = [i if mode == "rgb" else i.convert("L") for i in images]
            comp = "tiff_lzw"
        path = "%s.%s" % (path_base, ext)
        first, rest = pages[0], pages[1:]
        # Without dpi= Pillow writes no XResolution/YResolution at all.
        first.save(path, compression=comp, save_all=bool(rest),
                   append_images=rest, **kw)
        return [path]
    out = []
    for n, img in enumerate(images, 1):
        if len(images) == 1:
            path = "%s.%s" % (path_base, ext)
        elif vn_names:
            path = "%s - trang %d.%s" % (path_base, n, ext)
        else:
            path = "%s-p%d.%s" % (path_base, n, ext)
        if mode == "bilevel":
            img = to_bilevel(img)
            if fmt == "jpeg":
                img = img.convert("L")
        if fmt == "png":
            img.save(path, optimize=True, **kw)
        else:
            img.save(path, quality=opts.jpeg_quality, **kw)
        out.append(path)
    return out


def save_pdf(images, path, fmt, mode, opts):
    """A scanner's PDF: one image per page, the page as large as the image
    at the resolution (72 dpi with --no-dpi, as some scanners write), JPEG
    for gray and colour, CCITT G4 for bilevel (Pillow).  pdf-text adds an
    invisible text layer: the same pages OCRed by the tesseract command."""
    if mode == "bilevel":
        pages = [to_bilevel(i) for i in images]
    else:
        pages = [i if mode == "rgb" else i.convert("L") for i in images]
    res = 72.0 if opts.no_dpi else float(opts.dpi)
    if fmt == "pdf-image":
        pages[0].save(path, "PDF", resolution=res, save_all=len(pages) > 1,
                      append_images=pages[1:], quality=opts.jpeg_quality)
        return path
    import shutil
    import subprocess
    import tempfile
    tmp = tempfile.mkdtemp(prefix="render-pdf-text.")
    try:
        names = []
        for n, img in enumerate(pages, 1):
            names.append(os.path.join(tmp, "p%03d.png" % n))
            img.save(names[-1], dpi=(res, res))
        with open(os.path.join(tmp, "list.txt"), "w") as f:
            f.write("\n".join(names) + "\n")
        env = dict(os.environ, OMP_THREAD_LIMIT="1")
        subprocess.run(["tesseract", os.path.join(tmp, "list.txt"),
                        os.path.join(tmp, "out"), "-l", "vie", "pdf"],
                       check=True, env=env, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL)
        shutil.move(os.path.join(tmp, "out.pdf"), path)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return path


def plan(opts, rng):
    """Specs for the documents of the set."""
    if opts.demo:
        return DEMO
    formats = [f.strip() for f in opts.formats.split(",") if f.strip()]
    for f in formats:
        if f not in FORMATS:
            sys.exit("render_scans: unknown format %r (one of %s)" %
                     (f, ", ".join(FORMATS)))
    types = TYPE_ORDER[:]
    if opts.types:
        types = [t.strip() for t in opts.types.split(",") if t.strip()]
        for t in types:
            if t not in TYPES:
                sys.exit("render_scans: unknown type %r (one of %s)" %
                         (t, ", ".join(TYPES)))
    specs = []
    for i in range(opts.count):
        fmt = formats[i % len(formats)]
        s = {"type": types[i % len(types)], "format": fmt}
        if opts.header != "nd30":
            s["header"] = opts.header
        if opts.pages:
            s["pages"] = opts.pages
        elif fmt == "tiff-multipage":
            s["pages"] = 2 + (1 if rng.random() < 0.2 else 0)
        r = rng.random()
        if r < 0.06:
            s["secrecy"] = "Mật"
        elif r < 0.16:
            s["urgency"] = rng.choice(["Khẩn", "Khẩn", "Thượng khẩn",
                                       "Hỏa tốc"])
        specs.append(s)
    return specs


# The bundled demo set (demo/inbox): one commune before and after the
# 1/7/2025 merger, words chosen among those Tesseract reads reliably.
DEMO = [
    {"type": "QĐ", "format": "tiff-g4", "issuer": ("old", 0),
     "date": "2024-03-05", "number": 15, "topic": "giếng", "parent": True},
    {"type": "CV", "format": "png", "mode": "bilevel", "issuer": ("old", 0),
     "date": "2024-05-21", "number": 112, "topic": "bươu", "parent": False,
     "urgency": "Khẩn"},
    {"type": "TB", "format": "jpeg", "mode": "gray", "issuer": ("old", 0),
     "date": "2024-09-09", "number": 47, "topic": "rơm", "parent": True},
    {"type": "KH", "format": "tiff-multipage", "pages": 2,
     "issuer": ("old", 0), "date": "2024-11-18", "number": 96,
     "topic": "mương", "parent": False},
    {"type": "GM", "format": "tiff-rgb", "issuer": ("new", 1),
     "date": "2025-09-12", "number": 38, "topic": "xoan"},
    {"type": "BC", "format": "tiff-g4", "issuer": ("old", 0),
     "date": "2024-01-15", "number": 3, "topic": "chuột", "parent": True,
     "subdir": "ho-so-2024-01"},
    # Scanned page by page: a folder of two PNG pages with tailieu.txt,
    # which sohoad takes as one document.
    {"type": "TTr", "format": "png", "pages": 2, "issuer": ("old", 0),
     "date": "2024-06-10", "number": 21, "topic": "loa", "parent": False,
     "subdir": "ho-so-2024-01/to-trinh-21-2024", "sidecar": True},
]


def build(opts):
    static_vocabulary_check()
    rng = random.Random(opts.seed)
    old, new = issuers_for(random.Random(opts.seed + 1))
    specs = plan(opts, rng)
    topics = TOPICS[:]
    rng.shuffle(topics)
    by_word = {t[1]: t for t in TOPICS}
    used_words = {s["topic"] for s in specs if s.get("topic")}
    topics = [t for t in topics if t[1] not in used_words]
    if len(specs) > len(TOPICS):
        print("render_scans: %d documents but only %d distinctive words; "
              "the rest get none" % (len(specs), len(TOPICS)), file=sys.stderr)
    os.makedirs(opts.out, exist_ok=True)
    truth_dir = opts.truth or opts.out
    os.makedirs(truth_dir, exist_ok=True)
    used_numbers, used_names = set(), set()
    docs = []
    for i, spec in enumerate(specs):
        if spec.get("date"):
            date = datetime.date.fromisoformat(spec["date"])
        else:
            date = random_date(rng)
        if spec.get("issuer"):
            era, idx = spec["issuer"]
            issuer = (old if era == "old" else new)[idx]
        else:
            issuer = rng.choice(old if date < MERGER else new)
        if spec.get("topic"):
            topic = by_word[spec["topic"]]
        elif topics:
            topic = topics.pop()
        else:
            ph, dept = COMMON_TOPICS[i % len(COMMON_TOPICS)]
            topic = (ph, None, dept)
        number = spec.get("number")
        while number is None or (issuer.name, date.year, number) in \
                used_numbers:
            number = rng.randint(1, 60 if date.month < 4 else 240)
        used_numbers.add((issuer.name, date.year, number))
        doc = Document(random.Random(rng.random()), spec, issuer, topic,
                       number, date)
        docs.append((spec, doc))
    # Lay out everything, then check uniqueness before writing anything.
    laid = [(spec, doc, layout_fitting(doc)) for spec, doc in docs]
    check_unique(laid)
    index = []
    for n, (spec, doc, L) in enumerate(laid):
        fmt = spec["format"]
        mode = mode_for(fmt, opts, spec)
        base = vietnamese_name(doc) if opts.vietnamese_names else ascii_name(doc)
        name, k = base, 2
        while name in used_names:
            name = "%s (%d)" % (base, k) if opts.vietnamese_names else \
                "%s-%d" % (base, k)
            k += 1
        used_names.add(name)
        sub = spec.get("subdir", "")
        os.makedirs(os.path.join(opts.out, sub), exist_ok=True)
        prng = random.Random(opts.seed * 1000 + n)
        images = [degrade(rasterise(p, mode, gray_seal=opts.gray_seal),
                          opts, prng) for p in L.pages]
        files = save(images, os.path.join(opts.out, sub, name), fmt, mode,
                     opts, opts.vietnamese_names)
        rel = [nfc(os.path.relpath(f, opts.out)) for f in files]
        if spec.get("sidecar"):
            # One document made of page files (tailieu.h in sohoa).
            with open(os.path.join(opts.out, sub, "tailieu.txt"), "w",
                      encoding="utf-8") as f:
                f.write("# %d trang của một tài liệu\n" % len(files))
                for p in files:
                    f.write(os.path.basename(p) + "\n")
        truth = {
            "file": rel[0],
            "files": rel,
            "pages": len(L.pages),
            "text": ["\n".join(p.lines) for p in L.pages],
            "distinctive_word": doc.word,
            "fields": doc.fields(),
            "render": {
                "format": fmt, "mode": mode,
                "dpi": None if opts.no_dpi else opts.dpi,
                "pixel_dpi": opts.dpi,
                "skew": opts.skew, "rotate": opts.rotate,
                "noise": opts.noise,
                "jpeg_quality": opts.jpeg_quality if fmt == "jpeg" else None,
                "seal": mode == "rgb" or (mode == "gray" and
                                          opts.gray_seal),
                "header": spec.get("header", "nd30"),
                "size": list(images[0].size),
            },
        }
        if opts.scan:
            truth["render"]["scan"] = True
        if opts.photo:
            truth["render"]["photo"] = True
        with open(os.path.join(truth_dir, name + ".json"), "w",
                  encoding="utf-8") as f:
            json.dump(truth, f, ensure_ascii=False, indent=2)
            f.write("\n")
        index.append({"file": rel[0], "files": rel,
                      "truth": name + ".json",
                      "type": doc.tname, "pages": len(L.pages),
                      "number": "%s/%s" % (doc.number_str, doc.notation),
                      "issuedDate": doc.date.isoformat(),
                      "distinctive_word": doc.word})
        print("%-36s %-15s %d page(s)  %s" % (rel[0], fmt, len(L.pages),
                                              doc.word or "-"))
    if opts.index:
        with open(opts.index, "w", encoding="utf-8") as f:
            json.dump({"inbox": os.path.relpath(
                opts.out, os.path.dirname(os.path.abspath(opts.index))),
                "truth": os.path.relpath(
                truth_dir, os.path.dirname(os.path.abspath(opts.index))),
                "documents": index}, f, ensure_ascii=False, indent=2)
            f.write("\n")


def check_unique(laid):
    """Each distinctive word is in exactly one document, in its subject and
    its body, exactly and after folding."""
    per_doc = []
    for spec, doc, L in laid:
        text = "\n".join("\n".join(p.lines) for p in L.pages)
        toks = tokens(text)
        per_doc.append((doc, toks, {fold(t) for t in toks}, text))
    for doc, toks, folded, text in per_doc:
        w = doc.word
        if w is None:
            continue
        assert w in tokens(doc.subject), (w, doc.subject)
        assert text.count(w) >= 2, (w, "not in body")
        for other, otoks, ofolded, _ in per_doc:
            if other is doc:
                continue
            if fold(w) in ofolded:
                sys.exit("render_scans: distinctive word %r of %s also in %s"
                         % (w, doc.subject, other.subject))


def main(argv=None):
    ap = argparse.ArgumentParser(
        description="Render scans of ND 30/2020 administrative documents "
                    "with JSON ground truth.")
    ap.add_argument("--out", required=True, help="output folder for scans")
    ap.add_argument("--truth", help="folder for the .json ground truth "
                    "(default: --out)")
    ap.add_argument("--index", help="also write a JSON list of the files and "
                    "their distinctive words here")
    ap.add_argument("--count", type=int, default=40)
    ap.add_argument("--seed", type=int, default=20240305)
    ap.add_argument("--formats", default=",".join(FORMATS),
                    help="comma-separated, cycled: " + ",".join(FORMATS))
    ap.add_argument("--format", dest="formats", help="same as --formats")
    ap.add_argument("--types", help="comma-separated type abbreviations, "
                    "cycled (default: %s)" % ",".join(TYPE_ORDER))
    ap.add_argument("--pages", type=int, help="pages per document (default "
                    "1, tiff-multipage 2 or 3)")
    ap.add_argument("--dpi", type=int, default=DPI, help="resample to this "
                    "dpi and store it (default 300)")
    ap.add_argument("--no-dpi", action="store_true",
                    help="write no resolution tag")
    ap.add_argument("--skew", type=float, default=0.0,
                    help="rotate the page by this many degrees (counter-"
                         "clockwise), keeping the A4 frame")
    ap.add_argument("--rotate", type=int, choices=(0, 90, 180, 270),
                    default=0, help="turn the page counter-clockwise")
    ap.add_argument("--noise", action="store_true",
                    help="salt-and-pepper speckle")
    ap.add_argument("--jpeg-quality", type=int, default=85)
    ap.add_argument("--scan", action="store_true",
                    help="look like a flatbed scan: optics blur, paper tone "
                         "under uneven lighting, sensor noise")
    ap.add_argument("--photo", action="store_true",
                    help="look like a photograph of the page: slight "
                         "perspective, out of focus, uneven light with a "
                         "shadow, sensor noise")
    ap.add_argument("--header", choices=HEADERS, default="nd30",
                    help="the issuing body in the left header column: "
                         "nd30 (two lines, the default), wrap2 (cut at the "
                         "column's end: '... XÃ VĂN' / 'BÌNH'), wrap3 "
                         "(narrow: '... DÂN' / 'XÃ VĂN' / 'BÌNH'), ubnd "
                         "(one line, 'UBND XÃ VĂN BÌNH')")
    ap.add_argument("--gray-seal", action="store_true",
                    help="grey pages carry the seal too, in the grey a "
                         "red seal scans to")
    ap.add_argument("--bilevel", action="store_true",
                    help="threshold every page to black and white")
    ap.add_argument("--color", action="store_true",
                    help="render every page in colour with a red seal")
    ap.add_argument("--vietnamese-names", action="store_true",
                    help="name files like 'Quyết định 15.png' (NFC)")
    ap.add_argument("--demo", action="store_true",
                    help="render the bundled demo set (ignores --count, "
                         "--formats, --types)")
    opts = ap.parse_args(argv)
    if opts.count < 1:
        ap.error("--count must be at least 1")
    if opts.dpi < 50 or opts.dpi > DPI:
        ap.error("--dpi must be between 50 and %d" % DPI)
    build(opts)


if __name__ == "__main__":
    main()
