/*
 * extract_lexicon.c - fixed phrases of administrative Vietnamese, used to put
 * back the one diacritic OCR got wrong in a phrase a reader who knows them
 * would never get wrong: "bản hành" -> "ban hành", "số hộ tịch" -> "sổ hộ
 * tịch", "quyên sử dụng đất" -> "quyền sử dụng đất" (contract in
 * extract_int.h, sohoa_extract_fix_phrases()).
 *
 * The phrases come from the forms of Nghị định 30/2020 (appendix III), the
 * type names of Thông tư 05/2025, and the everyday wording of a commune
 * People's Committee's decisions, reports and letters.  Every syllable is a
 * valid one of Debian's Vietnamese dictionary (hunspell-vi); the unit test
 * checks it (tests/unit/test_extract_layout.c).
 *
 * Rule.  A run of words of a field, separated by spaces only, whose folded
 * form (no diacritics, lower case) is that of a phrase below, and whose
 * exact form differs from the phrase in exactly one syllable, proposes that
 * syllable for the word OCR read there.  It is taken only when
 *   - OCR was in doubt about that word (its confidence was low);
 *   - every phrase that matches there proposes the same syllable;
 *   - no phrase of the list read as printed overlaps the run from outside
 *     ("triển khai tu bổ" is no "khai tử"; "bắt đầu từ" no "đầu tư": the
 *     list holds such common words to protect them);
 *   - the words are not all capitalised (names: "Vũ Xuân" is no "vụ
 *     xuân").
 * Case is kept ("Bản" -> "Ban").  Measured in make eval (eval/README.md):
 * what it fixes and breaks in the trích yếu, and the false corrections on
 * correct text.
 *
 * A phrase read as printed but for a hyphen glued between two of its words
 * ("thu-hoạch", "phê-duyệt": a speck of a noisy scan) gets a space there,
 * whatever OCR's confidence: Vietnamese never hyphenates the syllables of
 * a word of its own.
 *
 * Phrases the archive taught (include/sohoa/lexicon.h, given as learned)
 * are used as the fixed ones, except that they correct only a word with a
 * word of the phrase on either side.
 *
 * Invariants:
 *  1. Only diacritics change, and a hyphen between the words of a phrase:
 *     a correction has the fold of what was read, but for that hyphen.
 *  2. Two phrases of the list with the same folded form are never used to
 *     correct each other (the test checks no two such exist).
 */
#include <stdlib.h>
#include <string.h>

#include <utf8proc.h>

#include "sohoa/vitext.h"
#include "extract_int.h"
#include "sbuf.h"

/* NFC, lower case.  Two syllables at least. */
static const char *const phrases[] = {
	/* ND 30 forms, TT 05 type names. */
	"ban hành", "nghị quyết", "quyết định", "chỉ thị", "quy chế", "quy định",
	"thông cáo", "thông báo", "hướng dẫn", "chương trình", "kế hoạch",
	"phương án", "dự án", "báo cáo", "tờ trình", "giấy ủy quyền",
	"phiếu gửi", "phiếu chuyển", "phiếu báo", "biên bản", "hợp đồng",
	"công văn", "công điện", "bản ghi nhớ", "bản thỏa thuận", "giấy mời",
	"giấy giới thiệu", "giấy nghỉ phép", "bản vẽ kỹ thuật", "về việc", "nơi nhận", "kính gửi", "căn cứ",
	"ủy ban nhân dân", "hội đồng nhân dân", "chủ tịch", "phó chủ tịch",
	"văn phòng", "văn thư", "lưu trữ", "hiệu lực", "kể từ ngày",
	"chịu trách nhiệm", "thi hành", "tổ chức thực hiện", "đề nghị",
	"xét đề nghị", "phê duyệt", "thành lập", "kiện toàn", "bãi bỏ",
	"sửa đổi", "bổ sung", "thay thế", "điều chỉnh", "giao nhiệm vụ",
	"phân công", "ủy quyền", "thu hồi",
	/* Land, civil status, population. */
	"quyền sử dụng đất", "giấy chứng nhận", "sử dụng đất", "đất đai",
	"đất nông nghiệp", "giải phóng mặt bằng", "bồi thường",
	"hỗ trợ", "tái định cư", "sổ hộ tịch", "hộ tịch", "khai sinh",
	"khai tử", "kết hôn", "chứng thực", "hộ khẩu", "cư trú", "hộ nghèo",
	"hộ cận nghèo", "bảo trợ xã hội", "người có công", "trợ cấp",
	"an sinh xã hội", "dân số", "kế hoạch hóa gia đình",
	/* Budget, works, order. */
	"dự toán", "kinh phí", "ngân sách", "quyết toán", "tài chính",
	"xây dựng", "công trình", "sửa chữa", "duy tu",
	"nông thôn mới", "môi trường", "vệ sinh", "an toàn thực phẩm",
	"phòng cháy chữa cháy", "phòng chống", "thiên tai", "lụt bão",
	"mưa lũ", "cứu hộ", "an ninh trật tự", "quốc phòng", "quân sự",
	"nghĩa vụ quân sự", "dân quân tự vệ", "tuần tra",
	"kiểm tra", "thanh tra", "giám sát", "xử lý vi phạm",
	"vi phạm hành chính", "khiếu nại", "tố cáo", "tiếp công dân",
	"hòa giải", "cải cách hành chính", "thủ tục hành chính",
	"dịch vụ công", "chuyển đổi số",
	/* Verbs and links of trích yếu. */
	"triển khai", "thực hiện", "tăng cường", "đôn đốc", "chỉ đạo",
	"tổ chức", "tổng kết", "sơ kết", "kết quả", "tình hình",
	"nhiệm vụ", "giải pháp", "trọng tâm", "tuyên truyền", "vận động",
	"hội nghị", "tập huấn", "bồi dưỡng", "khen thưởng", "kỷ luật",
	"thi đua", "biểu dương", "tổ công tác", "ban chỉ đạo", "ban quản lý",
	"hội đồng", "thành viên", "cán bộ", "công chức", "viên chức",
	"người lao động", "đoàn thể", "mặt trận tổ quốc", "tổ dân phố", "trên địa bàn", "địa phương", "chính quyền",
	"sáu tháng đầu năm", "đầu năm", "cuối năm", "năm học",
	"chủ trương", "đầu tư công", "danh sách", "đối tượng",
	/* Health, education, farming. */
	"y tế", "trạm y tế", "tiêm chủng", "dịch bệnh", "phòng bệnh",
	"sốt xuất huyết", "giáo dục", "trường học", "mầm non", "tiểu học",
	"trung học cơ sở", "nông nghiệp", "chăn nuôi", "trồng trọt",
	"thủy lợi", "kênh mương", "nội đồng", "sản xuất", "vụ xuân",
	"vụ mùa", "thu hoạch", "tiêu thụ", "văn hóa", "thể thao",
	"du lịch", "gia đình văn hóa", "lễ hội", "di tích",
};

/* Common words that hold a syllable of the phrases above in another
 * sense: read as printed, they keep it ("bắt đầu từ", not "đầu tư";
 * "mọi trường hợp", not "môi trường").  They correct nothing. */
static const char *const common[] = {
	"trường hợp", "bắt đầu", "xác định", "mặc định", "thuộc tính",
	"hiển thị", "liên kết", "mã hóa", "bộ nhớ", "kết nối", "chữ số",
	"đầu vào", "đầu ra", "phương thức", "số liệu", "thông tin",
	"bản ghi", "tháo gỡ", "kết xuất", "kết hợp", "có thể", "không thể",
};

#define NPHRASES (sizeof phrases / sizeof phrases[0])
#define NCOMMON (sizeof common / sizeof common[0])

const char *const *
sohoa_extract_phrases(size_t *n, int protect_only)
{
	*n = protect_only ? NCOMMON : NPHRASES;
	return protect_only ? common : phrases;
}

enum { MAXW = 6, MAXT = 160 };

struct tok {
	size_t a, b;            /* bytes of the word in the value */
	char *fold, *exact;     /* folded; NFC lower case */
};

/* s NFC in lower case (sohoa_vi_exact: NFC, case folded), NULL on OOM. */
static char *
lower(const char *s, size_t n)
{
	return sohoa_vi_exact(s, n, NULL);
}

/* The syllables of phrase p into fold[] and exact[]; their count, -1 on
 * OOM. */
static int
phrase_syllables(const char *p, char **fold, char **exact)
{
	size_t pos = 0, a, b, len = strlen(p);
	int n = 0;

	while (n < MAXW && sohoa_vi_next_word(p, len, &pos, &a, &b)) {
		fold[n] = sohoa_vi_fold(p + a, b - a, NULL);
		exact[n] = lower(p + a, b - a);
		if (!fold[n] || !exact[n]) {
			free(fold[n]);
			free(exact[n]);
			for (int i = 0; i < n; i++) {
				free(fold[i]);
				free(exact[i]);
			}
			return -1;
		}
		n++;
	}
	return n;
}

/* 1 when the word s[0..n) is capitalised ("Vũ"), 2 when in capitals
 * ("VŨ", "QĐ"), 0 otherwise. */
static int
cased(const char *s, size_t n)
{
	size_t pos = 0;
	int letters = 0, upper = 0, first = 0;

	while (pos < n) {
		utf8proc_int32_t cp;
		utf8proc_ssize_t k = utf8proc_iterate((const utf8proc_uint8_t *)s + pos,
		    (utf8proc_ssize_t)(n - pos), &cp);
		if (k <= 0)
			break;
		if (utf8proc_category(cp) == UTF8PROC_CATEGORY_LU) {
			if (!letters)
				first = 1;
			upper++;
			letters++;
		} else if (utf8proc_category(cp) == UTF8PROC_CATEGORY_LL) {
			letters++;
		}
		pos += (size_t)k;
	}
	if (letters > 1 && upper == letters)
		return 2;
	return first && upper == 1;
}

/* Appends word w with the case of the word it replaces, orig. */
static void
add_cased(struct sbuf *b, const char *w, const char *orig, size_t on)
{
	int first_upper = 0, all_upper = 1, letters = 0;
	size_t pos = 0;
	char *up;

	while (pos < on) {
		utf8proc_int32_t cp;
		utf8proc_ssize_t k = utf8proc_iterate((const utf8proc_uint8_t *)orig + pos,
		    (utf8proc_ssize_t)(on - pos), &cp);
		if (k <= 0)
			break;
		if (utf8proc_category(cp) == UTF8PROC_CATEGORY_LU) {
			if (!letters)
				first_upper = 1;
			letters++;
		} else if (utf8proc_category(cp) == UTF8PROC_CATEGORY_LL) {
			all_upper = 0;
			letters++;
		}
		pos += (size_t)k;
	}
	if (!first_upper) {
		sb_str(b, w);
		return;
	}
	if (!(up = sohoa_vi_upper(w, strlen(w), NULL))) {
		b->oom = 1;
		return;
	}
	if (all_upper && letters > 1) {
		sb_str(b, up);
	} else {
		/* The first letter from the upper-case copy, the rest as is. */
		utf8proc_int32_t cp;
		utf8proc_ssize_t k1 = utf8proc_iterate((const utf8proc_uint8_t *)up,
		    (utf8proc_ssize_t)strlen(up), &cp);
		utf8proc_ssize_t k2 = utf8proc_iterate((const utf8proc_uint8_t *)w,
		    (utf8proc_ssize_t)strlen(w), &cp);
		if (k1 > 0 && k2 > 0) {
			sb_add(b, up, (size_t)k1);
			sb_str(b, w + k2);
		} else {
			sb_str(b, w);
		}
	}
	free(up);
}

/* 1 when w (NFC, lower case) is one of the '\n'-separated words of list
 * (compared in lower case; what follows a tab is not the word), or list is
 * NULL. */
static int
doubtful(const char *w, const char *list)
{
	size_t wl = strlen(w);

	if (!list)
		return 1;
	for (const char *p = list; *p; ) {
		size_t n = strcspn(p, "\n"), k = strcspn(p, "\t\n");
		if (k == wl && !memcmp(p, w, k))
			return 1;
		p += n;
		if (*p)
			p++;
	}
	return 0;
}

int
sohoa_extract_word_alts(const char *doubt, const char *w, size_t wl, const char **alts,
    size_t *n)
{
	for (const char *p = doubt; p && *p; ) {
		size_t ln = strcspn(p, "\n"), k = strcspn(p, "\t\n");
		if (k == wl && !memcmp(p, w, k) && k < ln && ln - k > 1) {
			*alts = p + k + 1;
			*n = ln - k - 1;
			return 1;
		}
		p += ln;
		if (*p)
			p++;
	}
	return 0;
}

/* The length of a dash ("-", "–", "—") at s, 0 when there is none. */
static size_t
dash_at(const char *s)
{
	if (*s == '-')
		return 1;
	if (!strncmp(s, "\xe2\x80\x93", 3) || !strncmp(s, "\xe2\x80\x94", 3))
		return 3;
	return 0;
}

int
sohoa_extract_drop_dashes(const char *s, const char *doubt, char **out)
{
	struct sbuf b = { 0 };
	size_t len, pos = 0, a, bb, pa = 0, pb = 0, last = 0;
	int have = 0, changes = 0;

	*out = NULL;
	if (!s || !doubt || !strstr(doubt, "-\t"))
		return 0;
	len = strlen(s);
	while (sohoa_vi_next_word(s, len, &pos, &a, &bb)) {
		size_t dl;
		/* word [pa, pb), then " - ", then word [a, bb) */
		if (have && a >= pb + 3 && s[pb] == ' ' && s[a - 1] == ' ' &&
		    (dl = dash_at(s + pb + 1)) > 0 && pb + 1 + dl + 1 == a) {
			char *e1 = lower(s + pa, pb - pa), *e2 = lower(s + a, bb - a);
			struct sbuf k = { 0 };
			if (!e1 || !e2) {
				free(e1);
				free(e2);
				free(b.p);
				return -1;
			}
			sb_printf(&k, "-\t%s %s\n", e1, e2);
			free(e1);
			free(e2);
			if (k.oom) {
				free(b.p);
				return -1;
			}
			/* A line of the list: at its start, or after a '\n'. */
			for (const char *q = doubt; (q = strstr(q, k.p)) != NULL; q++)
				if (q == doubt || q[-1] == '\n') {
					sb_add(&b, s + last, pb + 1 - last);
					last = a;       /* "hóa - thôn" -> "hóa thôn" */
					changes++;
					break;
				}
			free(k.p);
		}
		pa = a;
		pb = bb;
		have = 1;
	}
	if (!changes)
		return 0;
	sb_add(&b, s + last, len - last);
	if (b.oom) {
		free(b.p);
		return -1;
	}
	*out = b.p;
	return changes;
}

/* 1 when only spaces separate s[a..b). */
static int
only_spaces(const char *s, size_t a, size_t b)
{
	for (; a < b; a++)
		if (s[a] != ' ')
			return 0;
	return 1;
}

int
sohoa_extract_fix_phrases(const char *s, const char *doubt, const char *learned, char **out)
{
	struct tok t[MAXT];
	const char *fix[MAXT];
	size_t fixn[MAXT], ex0[MAXT], ex1[MAXT], nexact = 0;
	int bad[MAXT], unhy[MAXT];
	size_t nt = 0, pos = 0, a, b, len;
	int changes = 0, rc = -1;
	struct sbuf sb = { 0 };
	char *lcopy = NULL;
	const char **lp = NULL, **op = NULL;
	size_t nl = 0, no = 0, nall;

	*out = NULL;
	if (!s)
		return 0;
	len = strlen(s);
	/* The learned phrases (lexicon.h), one per line, beside the fixed. */
	if (learned && *learned) {
		size_t ll = strlen(learned), cnt = 1;
		for (size_t i = 0; i < ll; i++)
			cnt += learned[i] == '\n';
		if (!(lcopy = malloc(ll + 1)) || !(lp = malloc(cnt * sizeof *lp)) ||
		    !(op = malloc(cnt * sizeof *op))) {
			free(lcopy);
			free(lp);
			return -1;
		}
		memcpy(lcopy, learned, ll + 1);
		for (char *q = lcopy; *q; ) {
			size_t n = strcspn(q, "\n");
			if (q[n])
				q[n++] = '\0';
			if (*q == '?' && q[1])
				op[no++] = q + 1;       /* for an offered reading only */
			else if (*q && *q != '?')
				lp[nl++] = q;
			q += n;
		}
	}
	nall = 2 * (NPHRASES + nl) + NCOMMON;
	while (nt < MAXT && sohoa_vi_next_word(s, len, &pos, &a, &b)) {
		t[nt].a = a;
		t[nt].b = b;
		t[nt].fold = sohoa_vi_fold(s + a, b - a, NULL);
		t[nt].exact = lower(s + a, b - a);
		fix[nt] = NULL;
		fixn[nt] = 0;
		bad[nt] = 0;
		unhy[nt] = 0;
		nt++;
		if (!t[nt - 1].fold || !t[nt - 1].exact)
			goto done;
	}
	/* The phrases read as printed (and the common words), then the
	 * corrections. */
	for (size_t n = 0; n < nall; n++) {
		size_t first = NPHRASES + NCOMMON + nl;  /* the first pass */
		int pass = n >= first;
		size_t m = pass ? n - first : n;
		const char *ph;
		if (!pass)
			ph = m < NPHRASES ? phrases[m] : m < NPHRASES + NCOMMON ?
			    common[m - NPHRASES] : lp[m - NPHRASES - NCOMMON];
		else
			ph = m < NPHRASES ? phrases[m] : lp[m - NPHRASES];
		char *pf[MAXW], *pe[MAXW];
		int k = phrase_syllables(ph, pf, pe);
		if (k < 0)
			goto done;
		for (size_t i = 0; k >= 2 && i + (size_t)k <= nt; i++) {
			int diff = 0, at = -1, j;
			for (j = 0; j < k; j++) {
				if (strcmp(t[i + j].fold, pf[j]))
					break;
				if (strcmp(t[i + j].exact, pe[j])) {
					diff++;
					at = j;
				}
			}
			if (j < k || (diff == 0) == pass)
				continue;
			int hy = 0;
			for (j = 1; j < k; j++) {
				size_t sa = t[i + j - 1].b, sz = t[i + j].a;
				if (sz == sa + 1 && s[sa] == '-')
					hy++;   /* "thu-hoạch": a speck read as a hyphen */
				else if (!only_spaces(s, sa, sz))
					break;
			}
			if (j < k)
				continue;       /* "PHƯƠNG THỨC] hiện": not one phrase */
			if (hy && (diff || pass))
				continue;       /* a hyphen, or a diacritic: not both */
			if (hy) {
				/* Only a phrase alone in its hyphens ("tập-tin-đầu-
				 * vào" is a placeholder, "<đối-tượng>" too) and in
				 * lower case (ĐẦU-RA). */
				size_t e = t[i + (size_t)k - 1].b;
				int caps = 0;
				for (j = 0; j < k; j++)
					caps += cased(s + t[i + j].a, t[i + j].b - t[i + j].a) == 2;
				if (caps || (t[i].a > 0 && strchr("-_<", s[t[i].a - 1])) ||
				    (e < len && strchr("-_>", s[e])))
					continue;
			}
			if (diff == 1) {
				/* The neighbours must be this phrase's alone: a word
				 * that a phrase read as printed explains ("triển khai"
				 * in "triển khai tu bổ") is no context for another
				 * ("khai tử"); nor are names ("Vũ Xuân"). */
				int other = 0, titled = 0;
				for (size_t e = 0; e < nexact; e++)
					if (ex0[e] < i + (size_t)k && ex1[e] > i &&
					    (ex0[e] < i || ex1[e] > i + (size_t)k))
						other = 1;      /* crosses the window */
				for (j = 0; j < k; j++)
					titled += cased(s + t[i + j].a, t[i + j].b - t[i + j].a) == 1;
				if (other || titled == k || !doubtful(t[i + at].exact, doubt))
					continue;
			}
			if (diff == 0) {
				/* The words as read are a phrase: none of them is
				 * to be changed by another. */
				for (j = 0; j < k; j++)
					bad[i + j] = 1;
				/* Vietnamese never joins the syllables of a word
				 * with a hyphen: one between the words of a phrase
				 * read as printed goes ("thu-hoạch" -> "thu hoạch"). */
				for (j = 1; hy && j < k; j++)
					if (s[t[i + j - 1].b] == '-' && t[i + j].a == t[i + j - 1].b + 1)
						unhy[i + j] = 1;
				if (nexact < MAXT) {
					ex0[nexact] = i;
					ex1[nexact++] = i + (size_t)k;
				}
			} else if (diff == 1) {
				size_t w = i + (size_t)at, q = 0, sa = 0, se = 0;
				/* A learned phrase corrects only between two of its
				 * words ("thành viên dự" is no reason for "thành
				 * viên dữ liệu" to change). */
				if (m >= NPHRASES && (at == 0 || at == k - 1))
					continue;
				size_t plen = strlen(ph);
				for (int c = 0; c <= at; c++)
					sohoa_vi_next_word(ph, plen, &q, &sa, &se);
				if (!fix[w]) {
					fix[w] = ph + sa;
					fixn[w] = se - sa;
				} else if (fixn[w] != se - sa || memcmp(fix[w], ph + sa, se - sa)) {
					bad[w] = 1;     /* two phrases disagree */
				}
			}
		}
		for (int j = 0; j < k; j++) {
			free(pf[j]);
			free(pe[j]);
		}
	}
	/* A doubted word with readings the LSTM offered (doubt's "word\talt1
	 * alt2"), between two words of its own: the one offered reading, with
	 * the same letters, that makes a phrase the archive attests (op,
	 * lexicon.h invariant 5). */
	for (size_t i = 1; no && doubt && i + 1 < nt; i++) {
		const char *alts, *pick = NULL;
		size_t an, pickn = 0, q = 0;
		int n = 0;
		/* The neighbours may be words of a phrase read as printed
		 * ("tu bổ nhà" | "bỉa"): they are context, not changed. */
		if (fix[i] || bad[i] ||
		    !only_spaces(s, t[i - 1].b, t[i].a) || !only_spaces(s, t[i].b, t[i + 1].a) ||
		    cased(s + t[i].a, t[i].b - t[i].a) ||
		    !sohoa_extract_word_alts(doubt, t[i].exact, strlen(t[i].exact), &alts, &an))
			continue;
		while (q < an) {
			size_t k = strcspn(alts + q, " \n");
			struct sbuf w = { 0 };
			char *af;
			if (k > an - q)
				k = an - q;
			af = sohoa_vi_fold(alts + q, k, NULL);
			sb_printf(&w, "%s %.*s %s", t[i - 1].exact, (int)k, alts + q, t[i + 1].exact);
			if (!af || w.oom) {
				free(af);
				free(w.p);
				goto done;
			}
			if (!strcmp(af, t[i].fold))
				for (size_t m = 0; m < no; m++)
					if (!strcmp(op[m], w.p) && !(pick && pickn == k &&
					    !memcmp(pick, alts + q, k))) {
						pick = alts + q;
						pickn = k;
						n++;
						break;
					}
			free(af);
			free(w.p);
			q += k + 1;
		}
		if (n == 1) {
			fix[i] = pick;
			fixn[i] = pickn;
		}
	}
	/* Rebuild the value with the corrections. */
	{
		size_t last = 0;
		for (size_t i = 0; i < nt; i++) {
			size_t sl;
			char *syl;
			if (unhy[i]) {
				/* The hyphen before word i becomes a space. */
				sb_add(&sb, s + last, t[i].a - 1 - last);
				sb_add(&sb, " ", 1);
				last = t[i].a;
				changes++;
			}
			if (!fix[i] || bad[i])
				continue;
			sl = fixn[i];
			if (!(syl = malloc(sl + 1)))
				goto done;
			memcpy(syl, fix[i], sl);
			syl[sl] = '\0';
			if (strcmp(syl, t[i].exact)) {
				sb_add(&sb, s + last, t[i].a - last);
				add_cased(&sb, syl, s + t[i].a, t[i].b - t[i].a);
				last = t[i].b;
				changes++;
			}
			free(syl);
		}
		if (changes)
			sb_add(&sb, s + last, len - last);
	}
	if (sb.oom)
		goto done;
	*out = changes ? sb.p : NULL;
	if (!changes)
		free(sb.p);
	sb.p = NULL;
	rc = changes;
done:
	free(sb.p);
	free(lcopy);
	free(lp);
	free(op);
	for (size_t i = 0; i < nt; i++) {
		free(t[i].fold);
		free(t[i].exact);
	}
	return rc;
}
