/*
 * cli_help.c - 'sohoa help [COMMAND]' and 'sohoa COMMAND --help': what each
 * command does and takes, in Vietnamese first and English after, like the
 * tool's other messages.  One entry per command; man/sohoa.1 and the README
 * say the same thing.  A command without an entry gets the overview.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"

struct help {
	const char *name;
	const char *usage;
	const char *text;               /* Vietnamese paragraph, then English */
	void (*more)(FILE *out);        /* printed after text, or NULL */
};

static const char search_text[] =
    "  Tìm trong văn bản đã số hóa (trích yếu, loại, số/ký hiệu, cơ quan, từ khóa,\n"
    "  ghi chú và chữ OCR của mọi trang). Gõ có dấu hay không dấu đều được.\n"
    "  Search the digitized documents (trích yếu, type, number, issuing body,\n"
    "  keywords, notes and the OCR text of every page), typed with or without\n"
    "  diacritics.\n"
    "\n"
    "  Câu tìm kiếm / query language:\n"
    "    quyết định đất đai   mọi từ đều phải có (AND) / all words must occur\n"
    "    \"ủy ban nhân dân\"    cụm từ / a phrase\n"
    "    -hủy                 không được có / must not occur\n"
    "    quyet*               tiền tố / prefix\n"
    "    15/QĐ-UBND           số/ký hiệu; cũng tìm được 15/QD-UBND, \"15 qđ ubnd\"\n"
    "                         a document number, however written\n"
    "    05/3/2024            ngày trong văn bản, mọi cách viết / a date in the text\n"
    "\n"
    "  Bộ lọc / filters (có dấu cũng được: loại:, số:, cơ quan → coquan:, từ:, đến:, năm:):\n"
    "    loai:QĐ              loại văn bản: ký hiệu (QĐ, CV, TTr, TB, KH, BC, GM, ...),\n"
    "                         chữ hoa hay thường, có dấu hay không (loai:qd), mã của\n"
    "                         Thông tư 05 (loai:02) hoặc tên (loai:quyet-dinh)\n"
    "                         document type: abbreviation in any case, code or name\n"
    "    so:15/QĐ-UBND        số/ký hiệu đúng như vậy / exactly this number\n"
    "    coquan:\"Văn Bình\"    cơ quan ban hành có chứa / issuing body contains\n"
    "    tu:2024-01-01 den:31/12/2024   ngày ban hành từ ... đến ... / issued between\n"
    "    nam:2024             năm ban hành / year issued\n"
    "\n"
    "  Giá trị có dấu cách phải nằm trong dấu nháy, và dòng lệnh bỏ dấu nháy nên\n"
    "  hãy đặt cả bộ lọc trong nháy đơn: sohoa search 'loai:\"Quyết định\"' đất đai\n"
    "  (hoặc \"loai:Quyết định\" là một đối số, hoặc loai:quyet-dinh).\n"
    "  A value with a space must be quoted, and the shell removes quotes: write\n"
    "  sohoa search 'loai:\"Quyết định\"', or \"loai:Quyết định\" as one argument,\n"
    "  or loai:quyet-dinh.\n"
    "\n"
    "  Từ gõ có dấu: văn bản đúng dấu đứng trước; văn bản chỉ khớp khi bỏ dấu (\"đất\"\n"
    "  khi tìm \"đắt\") xếp sau, ghi \"(gần đúng / approximate)\" và được đếm riêng.\n"
    "  Gõ không dấu thì tìm mọi cách viết. Words typed with diacritics find that\n"
    "  spelling first; documents that match only without them come after, marked\n"
    "  approximate and counted apart (\"match\", \"exact_total\", \"approximate_total\"\n"
    "  in --json). Without diacritics every spelling matches.\n"
    "\n"
    "  Tùy chọn / options:\n"
    "    --limit N   số kết quả mỗi trang (20) / results per page (20, at most 1000)\n"
    "    --page N    trang thứ N / page N\n"
    "    --json      kết quả cho chương trình / machine-readable\n"
    "    --          mọi thứ sau là câu tìm kiếm / everything after is the query\n"
    "\n"
    "  Ví dụ / examples:\n"
    "    sohoa search quyet dinh dat dai nam:2024\n"
    "    sohoa search loai:cv coquan:\"Văn Bình\"\n"
    "    sohoa search 'loai:\"Tờ trình\"' tu:01/01/2024\n"
    "    sohoa search 15/QĐ-UBND\n"
    "\n"
    "  Thoát / exit: 0 có kết quả / results, 1 không có / none, 2 câu tìm kiếm sai /\n"
    "  a query that cannot be understood, 6 lỗi danh mục / catalog failure.\n";

static const struct help helps[] = {
	{ "ingest", "sohoa ingest PATH...",
	    "  Nhận dạng (OCR) và ghi vào danh mục các tệp hay thư mục ngay bây giờ, khi sohoad\n"
	    "  không chạy (khi sohoad chạy, hãy chép vào thư mục inbox).\n"
	    "  OCR and record files or folders now, while sohoad is not running (while it\n"
	    "  runs, copy them into the inbox instead).\n", NULL },
	{ "status", "sohoa status [--json]",
	    "  Số văn bản theo trạng thái, hàng đợi, tốc độ (trang/phút), dung lượng trống, số\n"
	    "  cần soát và cách ly, lần xuất và lần kiểm tra toàn vẹn gần nhất, lỗi gần đây —\n"
	    "  cùng số liệu với trang /status của sohoa-web.\n"
	    "  Records per state, the queue, pages per minute, free space, review and\n"
	    "  quarantine counts, the last export and fixity audit, recent errors: the\n"
	    "  figures of sohoa-web's /status page.\n", NULL },
	{ "show", "sohoa show [--json] [--package] ID",
	    "  Một văn bản (tài liệu) theo số ID của nó (số mà sohoa search in ra):\n"
	    "  các trường mô tả, từng trang với chữ OCR và độ tin cậy, các sự kiện, gói lưu trữ\n"
	    "  và các tệp trang. --package: chỉ in đường dẫn gói lưu trữ.\n"
	    "  One record by its id (as sohoa search lists it): its fields, each page with its\n"
	    "  OCR text and confidence, its events, its package and page files. --package:\n"
	    "  print only the package folder.\n"
	    "\n  Ví dụ / example: sohoa show 12;  sohoa show --json 12\n", NULL },
	{ "search", "sohoa search [--json] [--limit N] [--page N] QUERY...", search_text, NULL },
	{ "reindex", "sohoa reindex [--check]",
	    "  Lập lại chỉ mục tìm kiếm từ danh mục (được khi sohoad đang chạy). --check: chỉ\n"
	    "  kiểm tra chỉ mục có khớp danh mục không.\n"
	    "  Rebuild the full-text index from the catalog (safe while sohoad runs).\n"
	    "  --check: only check that the index matches the catalog.\n", NULL },
	{ "retry", "sohoa retry NAME...",
	    "  Đưa một tệp trong khu cách ly (quarantine) trở lại inbox để xử lý lại.\n"
	    "  Put a quarantined file back into the inbox.\n", NULL },
	{ "review", "sohoa review [--json]",
	    "  Hàng soát xét, cũ nhất trước: văn bản đã xử lý có độ tin cậy OCR dưới\n"
	    "  review_threshold, hoặc có trường OCR đọc chưa chắc (độ tin cậy dưới 0,6 — kể\n"
	    "  cả trích yếu không giống tiếng Việt), mà chưa ai đánh dấu \"Đã soát\". Sửa\n"
	    "  trường bằng sohoa edit (trường người sửa không còn bị tính là chưa chắc), rồi\n"
	    "  sohoa reviewed ID. Cùng danh sách với trang /review của sohoa-web.\n"
	    "  The review queue, oldest first: finished documents whose OCR confidence is\n"
	    "  under review_threshold or with a field read unsure (confidence under 0.6,\n"
	    "  a trích yếu that does not read as Vietnamese included) that nobody marked\n"
	    "  reviewed.  Correct fields with sohoa edit (a corrected field no longer counts\n"
	    "  as unsure), then sohoa reviewed ID.  Same list as sohoa-web's /review.\n", NULL },
	{ "reviewed", "sohoa reviewed [--json] ID...",
	    "  Đánh dấu \"Đã soát\": ghi sự kiện review mang tên người dùng; văn bản ra khỏi\n"
	    "  hàng soát xét (sohoa review, /review).\n"
	    "  Mark documents reviewed: a \"review\" event naming the user; they leave the\n"
	    "  review queue (sohoa review, /review).\n", NULL },
	{ "edit", "sohoa edit ID TRƯỜNG=GIÁ_TRỊ...", NULL, cli_edit_usage },
	{ "hoso", "sohoa hoso list|show|create|edit|add|remove|order ...", NULL, cli_hoso_usage },
	{ "check", "sohoa check [--json] ID...",
	    "  Kiểm tra lại gói lưu trữ của văn bản (lược đồ XML, mã băm từng tệp).\n"
	    "  Re-validate a record's package and re-hash its files.\n", NULL },
	{ "export", "sohoa export --month YYYY-MM|last [--force] [--skip-unpackaged] [--outbox DIR]",
	    "  Gói có chữ ký của một tháng (các SIP) để nộp lưu trữ lịch sử.\n"
	    "  The month's signed bundle of SIPs for the archive.\n"
	    "    --month last   tháng dương lịch trước / the calendar month before this one\n"
	    "    --force        xuất lại tháng đã xuất, hoặc xuất tháng đang mở (chưa hết)\n"
	    "                   export a month again, or the open month (not ended yet)\n"
	    "    --skip-unpackaged  xuất không kèm tài liệu chưa có gói lưu trữ (liệt kê ra);\n"
	    "                   không có cờ này, tài liệu như vậy làm dừng việc xuất\n"
	    "                   leave out (and list) documents without a package; without\n"
	    "                   it such a document stops the export\n"
	    "    --outbox DIR   ghi vào DIR / write the bundle there\n", NULL },
	{ "exports", "sohoa exports [--json]",
	    "  Các gói đã xuất (sổ ghi). / The bundles exported so far (the ledger).\n", NULL },
	{ "verify", "sohoa verify [--ca CA.pem] [--sig BUNDLE.p7s] BUNDLE.tar | FILE.pdf",
	    "  Kiểm tra một gói xuất: chữ ký, bảng kê, từng SIP và PDF.\n"
	    "  Check a bundle: signature, manifest, every SIP and PDF.\n"
	    "  Trên máy chủ đã xuất gói: nêu mọi tài liệu đã xử lý đến hết tháng đó mà\n"
	    "  chưa có gói lưu trữ (không thể có trong gói; mã thoát 1).\n"
	    "  On the server that made it: names every done document up to that month\n"
	    "  with no archival package (it cannot be in the bundle; exit 1).\n"
	    "  Với một tệp PDF: chữ ký, dấu thời gian, dữ liệu kiểm tra lâu dài (DSS:\n"
	    "  chứng thư, OCSP, CRL), tình trạng thu hồi và mức PAdES, chỉ từ nội dung PDF.\n"
	    "  Given a PDF: its signatures, timestamps, long-term validation data (DSS:\n"
	    "  certificates, OCSP, CRL), the signer's revocation status and the PAdES\n"
	    "  level, from what is inside the PDF only; judged at the timestamp's time.\n",
	    NULL },
	{ "audit", "sohoa audit [--since 7d|DATE] [--sample N|P%] [--seed N] [--no-backup]",
	    "  Kiểm tra tính toàn vẹn: băm lại mọi tệp đã lưu (và bản sao dự phòng).\n"
	    "  Fixity audit: re-hash every stored file (and the backup copy).\n"
	    "    --since 7d     chỉ văn bản chưa kiểm tra trong 7 ngày / not checked in 7 days\n"
	    "    --sample 100   100 văn bản ngẫu nhiên (hoặc 5%) / a random 100 (or 5%)\n", NULL },
	{ "restore", "sohoa restore --from BACKUP_DIR [--to STATE_DIR] [--force]",
	    "  Dựng lại kho và danh mục từ bản sao dự phòng (đường dẫn tuyệt đối).\n"
	    "  Rebuild the store and catalog from the backup copy (absolute paths).\n", NULL },
	{ "user", "sohoa user add NAME --role can-bo|van-thu|lanh-dao|quan-tri | user passwd|"
	    "disable|enable|token NAME | user list",
	    "  Tài khoản của sohoa-web: cán bộ (tìm và đọc), văn thư (giữ kho), lãnh đạo\n"
	    "  (duyệt yêu cầu khai thác tài liệu chế độ sử dụng 02), quản trị. Mật khẩu hỏi\n"
	    "  hai lần ở terminal, hoặc dòng đầu của đầu vào chuẩn; ít nhất 8 ký tự; lưu\n"
	    "  bằng Argon2id. \"user token\" in một mã cho chương trình (Authorization:\n"
	    "  Bearer), chỉ hiện một lần.\n"
	    "  The accounts of sohoa-web: can-bo (search and read), van-thu (keeps the\n"
	    "  archive), lanh-dao (approves requests for records of Chế độ sử dụng 02),\n"
	    "  quan-tri. The password is asked twice at a terminal, or read as the first\n"
	    "  line of standard input; at least 8 characters; kept as an Argon2id hash.\n"
	    "  \"user token\" prints an API token for programs, shown once.\n", NULL },
	{ "access-log", "sohoa access-log [--user U] [--record ID] [--since DATE] [--json]",
	    "  Nhật ký khai thác: ai đã mở gì qua sohoa-web, khi nào (thông tin, chữ, PDF,\n"
	    "  ảnh trang, tìm kiếm, yêu cầu, duyệt, từ chối, đăng nhập). Mã thoát 1 khi\n"
	    "  không có dòng nào.\n"
	    "  What people opened and asked for through sohoa-web, oldest first: time,\n"
	    "  user, record, what and a detail. Exit status 1 when no line matches.\n", NULL },
	{ "help", "sohoa help [COMMAND]",
	    "  Hướng dẫn một lệnh; cũng như \"sohoa COMMAND --help\".\n"
	    "  Help on a command; the same as \"sohoa COMMAND --help\".\n", NULL },
};

static const struct help *
find_help(const char *name)
{
	for (size_t i = 0; name && i < sizeof helps / sizeof *helps; i++)
		if (!strcmp(helps[i].name, name))
			return &helps[i];
	return NULL;
}

int
cli_help_known(const char *cmd)
{
	return find_help(cmd) != NULL;
}

int
cli_help(const char *cmd, FILE *out)
{
	const struct help *h = find_help(cmd);

	if (!h)
		return -1;
	if (h->text)
		fprintf(out, "usage: %s\n\n%s", h->usage, h->text);
	if (h->more)
		h->more(out);
	return 0;
}
