/*
 * error.c - the caller-owned error structure and the table of quarantine
 * reasons with their texts for archivists (Vietnamese first, English below).
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "sohoa/sohoa.h"

struct reason_text {
	const char *key;
	const char *vi, *en;
	const char *advice_vi, *advice_en;
};

static const struct reason_text reasons[SOHOA_REASON_COUNT] = {
	[SOHOA_REASON_NONE] = { "none", "Không có lỗi.", "No error.", "", "" },
	[SOHOA_REASON_EMPTY] = { "empty",
		"Tệp rỗng (0 byte): không có nội dung nào để số hóa.",
		"The file is empty (0 bytes): there is nothing to digitize.",
		"Hãy quét lại tài liệu hoặc sao chép lại tệp từ máy quét, rồi đặt vào thư mục nhận.",
		"Scan the document again or copy the file from the scanner again, then put it in the inbox." },
	[SOHOA_REASON_TRUNCATED] = { "truncated",
		"Tệp quét (ảnh hoặc PDF) bị cắt cụt: dữ liệu kết thúc giữa chừng (có thể do sao chép bị gián đoạn).",
		"The scan (image or PDF) is truncated: its data ends early (perhaps an interrupted copy).",
		"Hãy sao chép lại tệp từ máy quét hoặc quét lại tài liệu.",
		"Copy the file from the scanner again or scan the document again." },
	[SOHOA_REASON_CORRUPT] = { "corrupt",
		"Tệp quét (ảnh hoặc PDF) bị hỏng, không đọc được nội dung.",
		"The scan (image or PDF) is damaged; its content cannot be decoded.",
		"Hãy mở thử tệp trên máy tính; nếu không mở được, hãy quét lại tài liệu.",
		"Try opening the file on a computer; if it does not open, scan the document again." },
	[SOHOA_REASON_NOT_IMAGE] = { "not-image",
		"Tệp không phải là bản quét (nội dung không phải TIFF, PNG, JPEG hay PDF dù tên tệp có đuôi như vậy).",
		"The file is not a scan (its content is not TIFF, PNG, JPEG or PDF, whatever its name says).",
		"Chỉ đặt vào thư mục nhận các tệp quét dạng TIFF, PNG, JPEG hoặc PDF.",
		"Put only scans in TIFF, PNG, JPEG or PDF format in the inbox." },
	[SOHOA_REASON_UNSUPPORTED] = { "unsupported",
		"Định dạng tệp này chưa được hỗ trợ.",
		"This file format is not supported.",
		"Hãy lưu bản quét dưới dạng TIFF, PNG, JPEG hoặc PDF rồi đặt lại vào thư mục nhận.",
		"Save the scan as TIFF, PNG, JPEG or PDF and put it in the inbox again." },
	[SOHOA_REASON_TOO_LARGE] = { "too-large",
		"Ảnh quá lớn (vượt giới hạn số điểm ảnh, số trang hoặc dung lượng cho phép).",
		"The image is too large (over the allowed number of pixels, pages or bytes).",
		"Hãy quét lại với độ phân giải 300 dpi, hoặc chia tài liệu thành nhiều tệp nhỏ hơn.",
		"Scan again at 300 dpi, or split the document into smaller files." },
	[SOHOA_REASON_UNREADABLE] = { "unreadable",
		"Không đọc được tệp (không có quyền đọc hoặc lỗi đọc đĩa).",
		"The file cannot be read (no read permission or a disk read error).",
		"Hãy nhờ cán bộ tin học kiểm tra quyền truy cập của tệp, rồi dùng lệnh 'sohoa retry'.",
		"Ask the IT officer to check the file's permissions, then use 'sohoa retry'." },
	[SOHOA_REASON_SYMLINK] = { "symlink",
		"Đây là một liên kết tượng trưng (symlink), không phải tệp thật; hệ thống không đi theo liên kết.",
		"This is a symbolic link, not a real file; links are never followed.",
		"Hãy sao chép chính tệp quét (không phải lối tắt) vào thư mục nhận.",
		"Copy the scan itself (not a shortcut) into the inbox." },
	[SOHOA_REASON_DUPLICATE] = { "duplicate",
		"Tệp này giống hệt từng byte một tài liệu đã được số hóa trước đó.",
		"This file is byte-for-byte identical to a document already digitized.",
		"Không cần làm gì: tài liệu đã có trong kho. Nếu đây là tài liệu khác, hãy kiểm tra lại bản quét.",
		"Nothing to do: the document is already in the archive. If it is a different document, check the scan." },
	[SOHOA_REASON_OCR_FAILED] = { "ocr-failed",
		"Nhận dạng chữ (OCR) thất bại nhiều lần với tệp này.",
		"Text recognition (OCR) failed repeatedly on this file.",
		"Hãy kiểm tra chất lượng bản quét; quét lại rõ hơn nếu cần, rồi dùng lệnh 'sohoa retry'.",
		"Check the quality of the scan; scan it more clearly if needed, then use 'sohoa retry'." },
	[SOHOA_REASON_NOT_REGULAR] = { "not-regular",
		"Đây không phải là một tệp thông thường (thiết bị, socket hoặc đường ống).",
		"This is not a regular file (a device, socket or pipe).",
		"Hãy gỡ mục này khỏi thư mục nhận.",
		"Remove this entry from the inbox." },
	[SOHOA_REASON_ENCRYPTED] = { "encrypted",
		"Tệp PDF được đặt mật khẩu (mã hóa): không mở được để số hóa.",
		"The PDF file is protected by a password (encrypted): it cannot be opened to digitize it.",
		"Hãy lưu lại tệp PDF không đặt mật khẩu (hoặc quét lại tài liệu), rồi đặt vào thư mục nhận.",
		"Save the PDF again without a password (or scan the document again), then put it in the inbox." },
	[SOHOA_REASON_NO_PAGES] = { "no-pages",
		"Tệp PDF không có trang nào.",
		"The PDF file has no pages.",
		"Hãy kiểm tra lại tệp trên máy tính; quét lại tài liệu nếu cần.",
		"Check the file on a computer; scan the document again if needed." },
	[SOHOA_REASON_PAGE_SIZE] = { "page-size",
		"Tệp PDF có trang với kích thước bất thường (quá nhỏ hoặc quá lớn so với một trang giấy).",
		"The PDF file has a page of an impossible size (far smaller or larger than a sheet of paper).",
		"Hãy quét lại tài liệu theo khổ giấy thật (A4, A3...) rồi đặt vào thư mục nhận.",
		"Scan the document again at its real paper size (A4, A3...), then put it in the inbox." },
	[SOHOA_REASON_MISSING_PAGE] = { "missing-page",
		"Thư mục tài liệu (có tệp tailieu.txt) thiếu tệp trang được ghi trong tailieu.txt, hoặc không có tệp trang nào.",
		"The document folder (with a tailieu.txt file) lacks a page file that tailieu.txt lists, or has no page file at all.",
		"Hãy chép đủ các tệp trang vào thư mục (hoặc sửa danh sách tên tệp trong tailieu.txt), rồi đặt lại thư mục vào thư mục nhận.",
		"Copy every page file into the folder (or correct the list of file names in tailieu.txt), then put the folder in the inbox again." },
};

void
sohoa_error_clear(sohoa_error *e)
{
	if (!e)
		return;
	e->status = SOHOA_OK;
	e->reason = SOHOA_REASON_NONE;
	e->msg[0] = '\0';
}

sohoa_status
sohoa_error_set(sohoa_error *e, sohoa_status st, sohoa_reason r, const char *fmt, ...)
{
	va_list ap;

	if (!e || e->status != SOHOA_OK)
		return st;
	e->status = st;
	e->reason = r;
	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof e->msg, fmt, ap);
	va_end(ap);
	return st;
}

sohoa_status
sohoa_error_oom(sohoa_error *e)
{
	return sohoa_error_set(e, SOHOA_RETRY, SOHOA_REASON_NONE, "out of memory");
}

static const struct reason_text *
reason_get(sohoa_reason r)
{
	if ((int)r < 0 || r >= SOHOA_REASON_COUNT)
		r = SOHOA_REASON_NONE;
	return &reasons[r];
}

const char *sohoa_reason_key(sohoa_reason r) { return reason_get(r)->key; }
const char *sohoa_reason_vi(sohoa_reason r) { return reason_get(r)->vi; }
const char *sohoa_reason_en(sohoa_reason r) { return reason_get(r)->en; }
const char *sohoa_reason_advice_vi(sohoa_reason r) { return reason_get(r)->advice_vi; }
const char *sohoa_reason_advice_en(sohoa_reason r) { return reason_get(r)->advice_en; }

sohoa_reason
sohoa_reason_from_key(const char *key)
{
	if (!key)
		return SOHOA_REASON_NONE;
	for (int i = 0; i < SOHOA_REASON_COUNT; i++)
		if (strcmp(reasons[i].key, key) == 0)
			return (sohoa_reason)i;
	return SOHOA_REASON_NONE;
}
