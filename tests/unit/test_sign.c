/*
 * test_sign.c - keys, detached CMS and PDF signatures (sign.h), checked
 * with the tools others use: `openssl cms -verify` for the detached
 * signatures, `pdfsig`, `qpdf --check`, `pdftotext`, `pdffonts` and
 * `pdfinfo -meta` for the PDFs.  A throwaway root CA, intermediate CA and
 * agency certificate are made with the openssl command in each test
 * directory; the time-stamping service is tests/tools/tsa_server.py
 * (`openssl ts -reply` behind python3's http.server).
 */
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdarg.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <leptonica/allheaders.h>

#include "test.h"
#include "sohoa/conf.h"
#include "sohoa/pdfa.h"
#include "sohoa/sign.h"

#define AGENCY "ỦY BAN NHÂN DÂN XÃ VĂN BÌNH"
/* 2025-07-01 10:30:00 +07:00 */
#define WHEN ((time_t)1751340600)

/* The source tree (for tests/tools): $SOHOA_SRC, else where the test started. */
static char src_dir[PATH_MAX] = ".";

/* Runs a shell command (formatted); returns its exit status. */
static int sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int
sh(const char *fmt, ...)
{
	char cmd[4096];
	va_list ap;
	int rc;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof cmd, fmt, ap);
	va_end(ap);
	rc = system(cmd);
	return WIFEXITED(rc) ? WEXITSTATUS(rc) : 255;
}

/*
 * ca.pem (root), inter.pem (intermediate), agency.key + agency.pem (issued
 * by the intermediate, mode 0600), chain.pem = the intermediate.
 */
static int
make_pki(void)
{
	return sh("set -e; exec >/dev/null 2>&1\n"
	    "openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.pem -days 30"
	    " -subj '/C=VN/O=sohoa test/CN=Test Root CA'"
	    " -addext basicConstraints=critical,CA:true -addext keyUsage=critical,keyCertSign\n"
	    "printf 'basicConstraints=critical,CA:true\\nkeyUsage=critical,keyCertSign\\n' > ca.ext\n"
	    "openssl req -newkey rsa:2048 -nodes -keyout inter.key -out inter.csr"
	    " -subj '/C=VN/O=sohoa test/CN=Test Intermediate CA'\n"
	    "openssl x509 -req -in inter.csr -CA ca.pem -CAkey ca.key -CAcreateserial"
	    " -out inter.pem -days 30 -extfile ca.ext\n"
	    "printf 'basicConstraints=CA:false\\nkeyUsage=critical,digitalSignature,nonRepudiation\\n'"
	    " > ee.ext\n"
	    "openssl req -newkey rsa:2048 -nodes -keyout agency.key -out agency.csr -utf8"
	    " -subj '/C=VN/O=UBND xã Văn Bình/CN=" AGENCY "'\n"
	    "openssl x509 -req -in agency.csr -CA inter.pem -CAkey inter.key -CAcreateserial"
	    " -out agency.pem -days 30 -extfile ee.ext\n"
	    "cp inter.pem chain.pem\n"
	    "chmod 600 agency.key\n");
}

static void
conf_for(sohoa_conf *c, const char *key, const char *cert, const char *chain,
    const char *pin, const char *tsa)
{
	char *cwd = getcwd(NULL, 0);
	char path[PATH_MAX];
	sohoa_error err;

	sohoa_conf_init(c);
	sohoa_error_clear(&err);
#define SETP(k, v) do { if ((v) && *(v)) { \
	if (strncmp((v), "pkcs11:", 7) == 0 || (v)[0] == '/') snprintf(path, sizeof path, "%s", (v)); \
	else snprintf(path, sizeof path, "%s/%s", cwd, (v)); \
	sohoa_conf_set(c, k, path, "test", &err); } } while (0)
	SETP("sign_key", key);
	SETP("sign_cert", cert);
	SETP("sign_chain", chain);
	SETP("sign_pin_file", pin);
#undef SETP
	if (tsa)
		sohoa_conf_set(c, "tsa_url", tsa, "test", &err);
	CHECKM(err.status == SOHOA_OK, err.msg);
	free(cwd);
}

static sohoa_signer *
open_signer(const char *key, const char *cert, const char *chain, const char *pin,
    const char *tsa, sohoa_error *err)
{
	sohoa_conf c;
	sohoa_signer *s;

	conf_for(&c, key, cert, chain, pin, tsa);
	sohoa_error_clear(err);
	s = sohoa_signer_open(&c, err);
	sohoa_conf_release(&c);
	return s;
}

static int
write_data(const char *path, size_t size)
{
	FILE *f = fopen(path, "wb");
	unsigned x = 12345;

	if (!f)
		return -1;
	for (size_t i = 0; i < size; i++) {
		x = x * 1103515245u + 12345u;
		fputc((int)(x >> 16) & 0xff, f);
	}
	return fclose(f);
}

static int
flip_byte(const char *path, long off)
{
	FILE *f = fopen(path, "r+b");
	int c;

	if (!f)
		return -1;
	if (off < 0) {
		fseek(f, 0, SEEK_END);
		off += ftell(f);
	}
	fseek(f, off, SEEK_SET);
	c = fgetc(f);
	fseek(f, off, SEEK_SET);
	fputc(c ^ 0x01, f);
	return fclose(f);
}

static const char *const openssl_verify =
	"openssl cms -verify -binary -inform DER -in %s -content %s -CAfile ca.pem"
	" -out /dev/null 2>/dev/null";

/* ---- keys ------------------------------------------------------------- */

static void
test_pem_key_and_subject(void)
{
	sohoa_error err;
	sohoa_signer *s;
	sohoa_conf c;

	CHECK(make_pki() == 0);
	sohoa_conf_init(&c);
	CHECK(!sohoa_signer_configured(&c));
	sohoa_conf_release(&c);
	s = open_signer("agency.key", "agency.pem", "chain.pem", NULL, NULL, &err);
	CHECKM(s != NULL, err.msg);
	if (s)
		CHECK(strstr(sohoa_signer_subject(s), "CN=" AGENCY) != NULL);
	sohoa_signer_free(s);
	sohoa_signer_free(NULL);
	/* The certificate after the key in one PEM file, sign_cert empty. */
	CHECK(sh("cat agency.key agency.pem > both.pem && chmod 600 both.pem") == 0);
	s = open_signer("both.pem", NULL, NULL, NULL, NULL, &err);
	CHECKM(s != NULL, err.msg);
	sohoa_signer_free(s);
	/* A certificate that is not the key's. */
	s = open_signer("agency.key", "inter.pem", NULL, NULL, NULL, &err);
	CHECK(s == NULL);
	CHECKM(strstr(err.msg, "does not match") != NULL, err.msg);
	sohoa_signer_free(s);
}

static void
test_key_permissions_refused(void)
{
	sohoa_error err;
	sohoa_signer *s;

	CHECK(make_pki() == 0);
	CHECK(chmod("agency.key", 0644) == 0);
	s = open_signer("agency.key", "agency.pem", NULL, NULL, NULL, &err);
	CHECK(s == NULL);
	CHECKM(strstr(err.msg, "khóa ký") != NULL, err.msg);
	CHECKM(strstr(err.msg, "is readable by others") != NULL, err.msg);
	CHECK(err.msg[0] == 'k');   /* Vietnamese first */
	CHECK(chmod("agency.key", 0640) == 0);
	s = open_signer("agency.key", "agency.pem", NULL, NULL, NULL, &err);
	CHECK(s == NULL);
	CHECK(chmod("agency.key", 0600) == 0);
	/* The PIN file too. */
	CHECK(sh("echo secret > pin.txt && chmod 644 pin.txt") == 0);
	s = open_signer("agency.key", "agency.pem", NULL, "pin.txt", NULL, &err);
	CHECK(s == NULL);
	CHECKM(strstr(err.msg, "PIN file") != NULL && strstr(err.msg, "readable by others"),
	    err.msg);
	/* A missing key says so. */
	s = open_signer("nothing.key", "agency.pem", NULL, NULL, NULL, &err);
	CHECK(s == NULL);
	CHECKM(strstr(err.msg, "nothing.key") != NULL, err.msg);
}

static void
test_pkcs12_with_pin(void)
{
	sohoa_error err;
	sohoa_signer *s;

	CHECK(make_pki() == 0);
	CHECK(sh("openssl pkcs12 -export -inkey agency.key -in agency.pem -certfile inter.pem"
	    " -passout pass:mật-khẩu -out agency.p12 && chmod 600 agency.p12") == 0);
	CHECK(sh("printf 'mật-khẩu\\n' > pin.txt && chmod 600 pin.txt") == 0);
	s = open_signer("agency.p12", NULL, NULL, "pin.txt", NULL, &err);
	CHECKM(s != NULL, err.msg);
	if (s) {
		CHECK(strstr(sohoa_signer_subject(s), AGENCY) != NULL);
		CHECK(write_data("data.bin", 5000) == 0);
		CHECKM(sohoa_sign_detached(s, "data.bin", "data.p7s", &err) == SOHOA_OK, err.msg);
		/* The intermediate from the PKCS#12 file is in the signature. */
		CHECK(sh(openssl_verify, "data.p7s", "data.bin") == 0);
	}
	sohoa_signer_free(s);
	CHECK(sh("echo wrong > pin.txt") == 0);
	s = open_signer("agency.p12", NULL, NULL, "pin.txt", NULL, &err);
	CHECK(s == NULL);
	CHECKM(strstr(err.msg, "PKCS#12") != NULL, err.msg);
	/* An encrypted PEM key takes the PIN file too. */
	CHECK(sh("openssl pkey -in agency.key -aes256 -passout pass:khoa -out enc.key 2>/dev/null"
	    " && chmod 600 enc.key && echo khoa > pin2.txt && chmod 600 pin2.txt") == 0);
	s = open_signer("enc.key", "agency.pem", "chain.pem", "pin2.txt", NULL, &err);
	CHECKM(s != NULL, err.msg);
	sohoa_signer_free(s);
	s = open_signer("enc.key", "agency.pem", "chain.pem", NULL, NULL, &err);
	CHECK(s == NULL);   /* and never prompts without it */
}

/* ---- detached CMS ----------------------------------------------------------- */

static void
test_detached_verified_by_openssl(void)
{
	sohoa_error err;
	sohoa_signer *s;
	char subj[512];
	struct stat sb;

	CHECK(make_pki() == 0);
	s = open_signer("agency.key", "agency.pem", "chain.pem", NULL, NULL, &err);
	CHECKM(s != NULL, err.msg);
	if (!s)
		return;
	CHECK(write_data("bundle.tar", 3 << 20) == 0);
	CHECKM(sohoa_sign_detached(s, "bundle.tar", "bundle.tar.p7s", &err) == SOHOA_OK, err.msg);
	CHECK(stat("bundle.tar.p7s", &sb) == 0 && sb.st_size > 1000);
	CHECK(sh(openssl_verify, "bundle.tar.p7s", "bundle.tar") == 0);
	/* Detached (no content inside), SHA-256, signing-certificate-v2, signing time. */
	CHECK(sh("openssl cms -cmsout -print -inform DER -in bundle.tar.p7s > p7s.txt") == 0);
	CHECK(sh("grep -q 'eContent: <ABSENT>' p7s.txt") == 0);
	CHECK(sh("grep -q 'algorithm: sha256 ' p7s.txt") == 0);
	CHECK(sh("grep -q 'signingCertificateV2' p7s.txt") == 0);
	CHECK(sh("grep -q 'signingTime' p7s.txt") == 0);
	CHECK(sh("grep -q 'Test Intermediate CA' p7s.txt") == 0);
	CHECK(sh("grep -q timeStampToken p7s.txt") != 0);
	subj[0] = 'x';
	CHECKM(sohoa_verify_detached("bundle.tar", "bundle.tar.p7s", "ca.pem", subj, sizeof subj,
	    &err) == SOHOA_OK, err.msg);
	CHECK(strstr(subj, AGENCY) != NULL);
	sohoa_error_clear(&err);
	CHECKM(sohoa_verify_detached("bundle.tar", "bundle.tar.p7s", NULL, NULL, 0, &err)
	    == SOHOA_OK, err.msg);
	/* Another root: untrusted. */
	CHECK(sh("openssl req -x509 -newkey rsa:2048 -nodes -keyout o.key -out other.pem -days 1"
	    " -subj /CN=other >/dev/null 2>&1") == 0);
	sohoa_error_clear(&err);
	CHECK(sohoa_verify_detached("bundle.tar", "bundle.tar.p7s", "other.pem", NULL, 0, &err)
	    == SOHOA_BAD_INPUT);
	/* One flipped byte in the data: both verifiers refuse. */
	CHECK(flip_byte("bundle.tar", 1 << 20) == 0);
	CHECK(sh(openssl_verify, "bundle.tar.p7s", "bundle.tar") != 0);
	sohoa_error_clear(&err);
	CHECK(sohoa_verify_detached("bundle.tar", "bundle.tar.p7s", "ca.pem", NULL, 0, &err)
	    == SOHOA_BAD_INPUT);
	CHECK(sohoa_verify_detached("bundle.tar", "bundle.tar.p7s", NULL, NULL, 0, &err)
	    == SOHOA_BAD_INPUT);
	CHECK(flip_byte("bundle.tar", 1 << 20) == 0);
	CHECK(sh(openssl_verify, "bundle.tar.p7s", "bundle.tar") == 0);
	/* A flipped byte in the signature value (the last bytes of the DER). */
	CHECK(flip_byte("bundle.tar.p7s", -5) == 0);
	CHECK(sh(openssl_verify, "bundle.tar.p7s", "bundle.tar") != 0);
	sohoa_error_clear(&err);
	CHECK(sohoa_verify_detached("bundle.tar", "bundle.tar.p7s", "ca.pem", NULL, 0, &err)
	    == SOHOA_BAD_INPUT);
	/* A file that cannot be read. */
	sohoa_error_clear(&err);
	CHECK(sohoa_sign_detached(s, "missing", "missing.p7s", &err) == SOHOA_BAD_INPUT);
	CHECK(access("missing.p7s", F_OK) != 0);
	sohoa_signer_free(s);
}

/* Starts the local TSA (https with tls); returns its pid and writes its URL. */
static pid_t
start_tsa_tls(char *url, size_t size, int tls)
{
	char line[64] = "";
	FILE *p;
	int fds[2];
	pid_t pid;

	if (pipe(fds) != 0)
		return -1;
	pid = fork();
	if (pid == 0) {
		char script[PATH_MAX + 64];
		dup2(fds[1], 1);
		close(fds[0]);
		close(fds[1]);
		snprintf(script, sizeof script, "%s/tests/tools/tsa_server.py", src_dir);
		execl("/usr/bin/python3", "python3", script, "tsa", "0", tls ? "--tls" : NULL,
		    (char *)NULL);
		_exit(127);
	}
	close(fds[1]);
	p = fdopen(fds[0], "r");
	if (!p || !fgets(line, sizeof line, p) || strncmp(line, "PORT ", 5) != 0) {
		if (p)
			fclose(p);
		kill(pid, SIGTERM);
		waitpid(pid, NULL, 0);
		return -1;
	}
	fclose(p);
	snprintf(url, size, "%s://127.0.0.1:%d/tsa", tls ? "https" : "http", atoi(line + 5));
	return pid;
}

static pid_t
start_tsa(char *url, size_t size)
{
	return start_tsa_tls(url, size, 0);
}

static void
test_detached_with_timestamp(void)
{
	sohoa_error err;
	sohoa_signer *s;
	char url[128];
	pid_t tsa;

	CHECK(make_pki() == 0);
	tsa = start_tsa(url, sizeof url);
	CHECKM(tsa > 0, "tests/tools/tsa_server.py did not start (run from the source tree)");
	if (tsa <= 0)
		return;
	s = open_signer("agency.key", "agency.pem", "chain.pem", NULL, url, &err);
	CHECKM(s != NULL, err.msg);
	if (s) {
		CHECK(write_data("data.bin", 100000) == 0);
		CHECKM(sohoa_sign_detached(s, "data.bin", "data.p7s", &err) == SOHOA_OK, err.msg);
		CHECK(sh("test \"$(wc -l < tsa/requests)\" -eq 1") == 0);
		CHECK(sh("grep -qx application/timestamp-query tsa/requests") == 0);
		CHECK(sh("openssl cms -cmsout -print -inform DER -in data.p7s > p7s.txt") == 0);
		CHECK(sh("grep -q 'id-smime-aa-timeStampToken' p7s.txt") == 0);
		CHECK(sh(openssl_verify, "data.p7s", "data.bin") == 0);
		sohoa_error_clear(&err);
		CHECKM(sohoa_verify_detached("data.bin", "data.p7s", "ca.pem", NULL, 0, &err)
		    == SOHOA_OK, err.msg);
		/* The token verifies with openssl ts against the TSA's certificate:
		 * it is over the SHA-256 of the signature value. */
		CHECK(sh("openssl cms -cmsout -print -inform DER -in data.p7s"
		    " | grep -q 'sohoa test TSA'") == 0);
	}
	sohoa_signer_free(s);
	kill(tsa, SIGTERM);
	waitpid(tsa, NULL, 0);
	/* Nobody listening: a passing condition, and no file is written. */
	s = open_signer("agency.key", "agency.pem", "chain.pem", NULL, url, &err);
	if (s) {
		sohoa_error_clear(&err);
		CHECK(sohoa_sign_detached(s, "data.bin", "late.p7s", &err) == SOHOA_RETRY);
		CHECKM(strstr(err.msg, "time-stamping") != NULL, err.msg);
		CHECK(access("late.p7s", F_OK) != 0);
	}
	sohoa_signer_free(s);
}

/* ---- PDF --------------------------------------------------------------------- */

/* A one-page PDF/A-2b like the daemon's (image PDF from Leptonica, then
 * sohoa_pdfa_convert). */
static int
make_pdfa(const char *path)
{
	PIX *pix = pixCreate(1240, 1754, 8);
	l_uint8 *data = NULL;
	size_t size = 0;
	FILE *f;
	int ok;
	sohoa_pdfa_info info = { .title = "Quyết định 15/QĐ-UBND", .identifier = "sha256:00",
		.created = 1704139445LL };
	sohoa_error err;

	if (!pix)
		return -1;
	pixSetAll(pix);
	for (int i = 0; i < 30; i++) {
		BOX *b = boxCreate(100 + 7 * i, 200 + 45 * i, 800, 14);
		pixClearInRect(pix, b);
		boxDestroy(&b);
	}
	pixSetResolution(pix, 150, 150);
	ok = pixConvertToPdfData(pix, L_JPEG_ENCODE, 75, &data, &size, 0, 0, 150, "scan", NULL,
	    0) == 0;
	pixDestroy(&pix);
	if (!ok)
		return -1;
	f = fopen("image.pdf", "wb");
	ok = f && fwrite(data, 1, size, f) == size;
	if (f && fclose(f) != 0)
		ok = 0;
	lept_free(data);
	sohoa_error_clear(&err);
	if (!ok || sohoa_pdfa_convert("image.pdf", path, &info, &err) != SOHOA_OK) {
		fprintf(stderr, "  make_pdfa: %s\n", err.msg);
		return -1;
	}
	return 0;
}

static void
check_signed_pdf(const char *pdf, int nsigs)
{
	CHECK(sh("pdfsig %s > sig.txt 2>&1", pdf) == 0);
	CHECK(sh("test $(grep -c 'Signature is Valid' sig.txt) -eq %d", nsigs) == 0);
	CHECK(sh("grep -Eq 'Total document signed|Signature covers the entire document' sig.txt")
	    == 0);
	CHECK(sh("grep -q 'ETSI.CAdES.detached' sig.txt") == 0);
	CHECK(sh("grep -q 'SHA-256' sig.txt") == 0);
	CHECK(sh("qpdf --check %s > /dev/null 2>&1", pdf) == 0);
	/* The visible text, through the embedded font's ToUnicode map. */
	CHECK(sh("pdftotext -enc UTF-8 %s - | grep -qF '" AGENCY "'", pdf) == 0);
	CHECK(sh("pdftotext %s - | grep -qF '2025-07-01T10:30:00+07:00'", pdf) == 0);
	/* Embedded, subset, Identity-H, ToUnicode. */
	CHECK(sh("pdffonts %s | grep LiberationSerif | grep -q 'CID TrueType *Identity-H *yes yes yes'",
	    pdf) == 0);
	CHECK(sh("pdfinfo -meta %s | grep -q '<pdfaid:part>2</pdfaid:part>'", pdf) == 0);
	CHECK(sh("pdfinfo -meta %s | grep -q '<pdfaid:conformance>B</pdfaid:conformance>'", pdf)
	    == 0);
}

static void
test_pdf_signature(void)
{
	sohoa_error err;
	sohoa_signer *s;
	struct stat a, b;

	CHECK(make_pki() == 0);
	CHECK(make_pdfa("doc.pdf") == 0);
	CHECK(sohoa_pdf_is_signed("doc.pdf") == 0);
	CHECK(sohoa_pdf_is_signed("nothing.pdf") == -1);
	sohoa_error_clear(&err);
	CHECK(sohoa_verify_pdf("doc.pdf", NULL, &err) == SOHOA_BAD_INPUT);
	s = open_signer("agency.key", "agency.pem", "chain.pem", NULL, NULL, &err);
	CHECKM(s != NULL, err.msg);
	if (!s)
		return;
	sohoa_error_clear(&err);
	CHECKM(sohoa_sign_pdf(s, "doc.pdf", "signed.pdf", AGENCY, WHEN, &err) == SOHOA_OK,
	    err.msg);
	check_signed_pdf("signed.pdf", 1);
	CHECK(sohoa_pdf_is_signed("signed.pdf") == 1);
	/* An incremental update: the original bytes are the signed file's start. */
	CHECK(stat("doc.pdf", &a) == 0 && stat("signed.pdf", &b) == 0 && b.st_size > a.st_size);
	CHECK(sh("cmp -n %lld doc.pdf signed.pdf", (long long)a.st_size) == 0);
	CHECK(sh("tail -c 200 signed.pdf | grep -q '/Prev'") == 0);
	sohoa_error_clear(&err);
	CHECKM(sohoa_verify_pdf("signed.pdf", "ca.pem", &err) == SOHOA_OK, err.msg);
	sohoa_error_clear(&err);
	CHECKM(sohoa_verify_pdf("signed.pdf", NULL, &err) == SOHOA_OK, err.msg);
	sohoa_error_clear(&err);
	CHECK(sohoa_verify_pdf("signed.pdf", "other-missing.pem", &err) != SOHOA_OK);
	/* No signing-time attribute in the CMS (PAdES: /M says when). */
	CHECK(sh("grep -aq '/M (D:20250701103000+07.00.)' signed.pdf") == 0);
	CHECK(sh("pdfsig -dump signed.pdf >/dev/null 2>&1 && openssl cms -cmsout -print -inform"
	    " DER -in signed.pdf.sig0 > cms.txt && ! grep -q signingTime cms.txt"
	    " && grep -q signingCertificateV2 cms.txt") == 0);

	/* In place (pdf_in == pdf_out), a second signature: both valid. */
	CHECK(sh("cp signed.pdf twice.pdf") == 0);
	sohoa_error_clear(&err);
	CHECKM(sohoa_sign_pdf(s, "twice.pdf", "twice.pdf", AGENCY, WHEN, &err) == SOHOA_OK, err.msg);
	check_signed_pdf("twice.pdf", 2);
	CHECK(sh("grep -aq 'Signature2' twice.pdf") == 0);
	sohoa_error_clear(&err);
	CHECKM(sohoa_verify_pdf("twice.pdf", "ca.pem", &err) == SOHOA_OK, err.msg);
	CHECK(sh("ls -a | grep -q tmp-") != 0);  /* no temporary left (fsutil's .tmp-) */

	/* A flipped byte in the signed range: pdfsig and we refuse. */
	CHECK(sh("cp signed.pdf bad.pdf") == 0);
	CHECK(flip_byte("bad.pdf", 2000) == 0);
	CHECK(sh("pdfsig bad.pdf 2>&1 | grep -q 'Signature is Valid'") != 0);
	sohoa_error_clear(&err);
	CHECK(sohoa_verify_pdf("bad.pdf", "ca.pem", &err) == SOHOA_BAD_INPUT);
	/* Bytes added after the signature: no longer the whole document. */
	CHECK(sh("cp signed.pdf longer.pdf && printf '%%%% more\\n' >> longer.pdf") == 0);
	sohoa_error_clear(&err);
	CHECK(sohoa_verify_pdf("longer.pdf", "ca.pem", &err) == SOHOA_BAD_INPUT);
	CHECKM(strstr(err.msg, "after the last signature") != NULL, err.msg);

	/* A cross-reference stream in the original: the update has one too. */
	CHECK(sh("qpdf --object-streams=generate doc.pdf xs.pdf") == 0);
	sohoa_error_clear(&err);
	CHECKM(sohoa_sign_pdf(s, "xs.pdf", "xs-signed.pdf", AGENCY, WHEN, &err) == SOHOA_OK,
	    err.msg);
	check_signed_pdf("xs-signed.pdf", 1);
	CHECK(sh("tail -c 600 xs-signed.pdf | grep -aq '/Type /XRef'") == 0);

	/* Not a PDF. */
	CHECK(sh("echo 'not a pdf' > junk.pdf") == 0);
	sohoa_error_clear(&err);
	CHECK(sohoa_sign_pdf(s, "junk.pdf", "junk-signed.pdf", AGENCY, WHEN, &err)
	    == SOHOA_BAD_INPUT);
	CHECK(access("junk-signed.pdf", F_OK) != 0);
	sohoa_signer_free(s);
}

/*
 * PAdES B-T: with a TSA, the PDF signature carries a timestamp token over
 * its signature value; sohoa_pdf_timestamp() reads its time, and a
 * signature whose certificate has since expired still verifies, judged at
 * the timestamp's time, when the TSA is trusted - while the same signature
 * without a timestamp (B) no longer does.  The certificate lives a few
 * seconds (openssl ca -enddate): no faked clock needed.
 */
static void
test_pdf_timestamp(void)
{
	sohoa_error err;
	sohoa_signer *s;
	char url[128], when[32];
	pid_t tsa;
	time_t t0 = time(NULL), made;

	CHECK(make_pki() == 0);
	CHECK(make_pdfa("doc.pdf") == 0);
	CHECK(sh("set -e; exec >/dev/null 2>&1\n"
	    "mkdir -p newcerts; : > idx.txt; echo 1000 > serial.txt\n"
	    "printf '[ca]\\ndefault_ca=c\\n[c]\\ndir=.\\ndatabase=idx.txt\\nnew_certs_dir=newcerts\\n"
	    "serial=serial.txt\\ndefault_md=sha256\\npolicy=p\\nx509_extensions=ee\\n"
	    "unique_subject=no\\n[p]\\ncommonName=supplied\\n[ee]\\nbasicConstraints=CA:false\\n"
	    "keyUsage=critical,digitalSignature,nonRepudiation\\n' > ca.cnf\n"
	    "openssl req -newkey rsa:2048 -nodes -keyout short.key -out short.csr"
	    " -subj '/C=VN/CN=Short lived signer'\n"
	    "openssl ca -batch -config ca.cnf -cert inter.pem -keyfile inter.key -in short.csr"
	    " -out short.pem -notext -startdate $(date -u -d '-1 hour' +%%y%%m%%d%%H%%M%%SZ)"
	    " -enddate $(date -u -d '+8 seconds' +%%y%%m%%d%%H%%M%%SZ)\n"
	    "chmod 600 short.key\n") == 0);
	/* It expires 8 s after it was made, which on a loaded machine is well
	 * after t0. */
	made = time(NULL);
	tsa = start_tsa(url, sizeof url);
	CHECKM(tsa > 0, "tests/tools/tsa_server.py did not start (run from the source tree)");
	if (tsa <= 0)
		return;
	/* B-T, and B for comparison, by the short-lived certificate. */
	s = open_signer("short.key", "short.pem", "chain.pem", NULL, url, &err);
	CHECKM(s != NULL, err.msg);
	if (s) {
		sohoa_error_clear(&err);
		CHECKM(sohoa_sign_pdf(s, "doc.pdf", "bt.pdf", AGENCY, time(NULL), &err) == SOHOA_OK,
		    err.msg);
	}
	sohoa_signer_free(s);
	s = open_signer("short.key", "short.pem", "chain.pem", NULL, NULL, &err);
	CHECKM(s != NULL, err.msg);
	if (s) {
		sohoa_error_clear(&err);
		CHECKM(sohoa_sign_pdf(s, "doc.pdf", "b.pdf", AGENCY, time(NULL), &err) == SOHOA_OK,
		    err.msg);
	}
	sohoa_signer_free(s);
	kill(tsa, SIGTERM);
	waitpid(tsa, NULL, 0);
	CHECK(sh("cat ca.pem tsa/tsa.pem > trust.pem") == 0);

	/* The token is in the CMS's unsigned attributes, made by the TSA. */
	CHECK(sh("pdfsig -dump bt.pdf >/dev/null 2>&1 && openssl cms -cmsout -print -inform DER"
	    " -in bt.pdf.sig0 > bt-cms.txt && grep -q id-smime-aa-timeStampToken bt-cms.txt"
	    " && grep -q 'sohoa test TSA' bt-cms.txt") == 0);
	CHECK(sh("pdfsig bt.pdf 2>&1 | grep -q 'Signature is Valid'") == 0);
	CHECK_INT(sohoa_pdf_timestamp("bt.pdf", when, sizeof when), 1);
	{
		struct tm tm = { 0 };
		time_t t;
		CHECKM(strptime(when, "%Y-%m-%dT%H:%M:%SZ", &tm) != NULL, when);
		t = timegm(&tm);
		CHECKM(t >= t0 - 2 && t <= time(NULL) + 2, when);
	}
	CHECK_INT(sohoa_pdf_timestamp("b.pdf", when, sizeof when), 0);
	CHECK_STR(when, "");
	CHECK_INT(sohoa_pdf_timestamp("missing.pdf", when, sizeof when), -1);
	sohoa_error_clear(&err);
	CHECKM(sohoa_verify_pdf("bt.pdf", "trust.pem", &err) == SOHOA_OK, err.msg);
	sohoa_error_clear(&err);
	CHECKM(sohoa_verify_pdf("b.pdf", "ca.pem", &err) == SOHOA_OK, err.msg);

	/* The certificate expires. */
	while (time(NULL) <= made + 10)
		sleep(1);
	sohoa_error_clear(&err);
	CHECK(sohoa_verify_pdf("b.pdf", "trust.pem", &err) == SOHOA_BAD_INPUT);
	CHECKM(strstr(err.msg, "certificate verify error") != NULL, err.msg);
	sohoa_error_clear(&err);
	CHECKM(sohoa_verify_pdf("bt.pdf", "trust.pem", &err) == SOHOA_OK, err.msg);
	/* A TSA the anchors do not trust gives no time: judged now, expired. */
	sohoa_error_clear(&err);
	CHECK(sohoa_verify_pdf("bt.pdf", "ca.pem", &err) == SOHOA_BAD_INPUT);
}

/* A TSA over https: its TLS certificate must chain to tsa_ca_file (here
 * the test server's own) or to the system's CAs, which do not know it. */
static void
test_https_timestamp(void)
{
	sohoa_error err;
	sohoa_signer *s;
	sohoa_conf c;
	char url[128], path[PATH_MAX + 32], *cwd = getcwd(NULL, 0);
	pid_t tsa;

	CHECK(make_pki() == 0);
	tsa = start_tsa_tls(url, sizeof url, 1);
	CHECKM(tsa > 0, "tests/tools/tsa_server.py --tls did not start");
	if (tsa <= 0 || !cwd) {
		free(cwd);
		return;
	}
	CHECK(strncmp(url, "https://", 8) == 0);
	CHECK(write_data("data.bin", 5000) == 0);
	/* Trusted through tsa_ca_file. */
	conf_for(&c, "agency.key", "agency.pem", "chain.pem", NULL, url);
	snprintf(path, sizeof path, "%s/tsa/tls.pem", cwd);
	sohoa_error_clear(&err);
	CHECKM(sohoa_conf_set(&c, "tsa_ca_file", path, "test", &err) == SOHOA_OK, err.msg);
	s = sohoa_signer_open(&c, &err);
	sohoa_conf_release(&c);
	CHECKM(s != NULL, err.msg);
	if (s) {
		sohoa_error_clear(&err);
		CHECKM(sohoa_sign_detached(s, "data.bin", "https.p7s", &err) == SOHOA_OK, err.msg);
		CHECK(sh("openssl cms -cmsout -print -inform DER -in https.p7s"
		    " | grep -q id-smime-aa-timeStampToken") == 0);
		sohoa_error_clear(&err);
		CHECKM(sohoa_verify_detached("data.bin", "https.p7s", "ca.pem", NULL, 0, &err)
		    == SOHOA_OK, err.msg);
		CHECK(make_pdfa("doc.pdf") == 0);
		sohoa_error_clear(&err);
		CHECKM(sohoa_sign_pdf(s, "doc.pdf", "https.pdf", AGENCY, WHEN, &err) == SOHOA_OK,
		    err.msg);
		CHECK_INT(sohoa_pdf_timestamp("https.pdf", path, sizeof path), 1);
	}
	sohoa_signer_free(s);
	/* Not trusted: the system's CAs do not know the test certificate. */
	s = open_signer("agency.key", "agency.pem", "chain.pem", NULL, url, &err);
	CHECKM(s != NULL, err.msg);
	if (s) {
		sohoa_error_clear(&err);
		CHECK(sohoa_sign_detached(s, "data.bin", "untrusted.p7s", &err) != SOHOA_OK);
		CHECK(access("untrusted.p7s", F_OK) != 0);
	}
	sohoa_signer_free(s);
	/* The detached signature, the PDF's signature timestamp and its
	 * document timestamp (B-LT). */
	CHECK(sh("test \"$(wc -l < tsa/requests)\" -eq 3") == 0);
	kill(tsa, SIGTERM);
	waitpid(tsa, NULL, 0);
	free(cwd);
}

/* A free TCP port on 127.0.0.1 (bound and released). */
static int
free_port(void)
{
	struct sockaddr_in a;
	socklen_t len = sizeof a;
	int fd = socket(AF_INET, SOCK_STREAM, 0), port = -1;

	memset(&a, 0, sizeof a);
	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd >= 0 && bind(fd, (struct sockaddr *)&a, sizeof a) == 0
	    && getsockname(fd, (struct sockaddr *)&a, &len) == 0)
		port = ntohs(a.sin_port);
	if (fd >= 0)
		close(fd);
	return port;
}

/* Waits (up to 10 s) until something listens on the port. */
static int
wait_port(int port)
{
	for (int i = 0; i < 100; i++) {
		struct sockaddr_in a;
		int fd = socket(AF_INET, SOCK_STREAM, 0), ok;
		memset(&a, 0, sizeof a);
		a.sin_family = AF_INET;
		a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		a.sin_port = htons((uint16_t)port);
		ok = fd >= 0 && connect(fd, (struct sockaddr *)&a, sizeof a) == 0;
		if (fd >= 0)
			close(fd);
		if (ok)
			return 0;
		usleep(100000);
	}
	return -1;
}

/* The local OCSP responder for the intermediate's certificates (lt/). */
static int
start_ocsp(int port)
{
	/* Not probed with a connection: `openssl ocsp` serves one client at a
	 * time and waits on one that sends nothing.  Its log says when it is up. */
	if (sh("cd lt && (openssl ocsp -port %d -index inter-idx.txt -CA inter.pem"
	    " -rsigner inter.pem -rkey inter.key > ocsp.log 2>&1 & echo $! > ocsp.pid)", port) != 0)
		return -1;
	return sh("for i in $(seq 100); do grep -qi 'waiting for OCSP client' lt/ocsp.log"
	    " 2>/dev/null && exit 0; sleep 0.1; done; exit 1");
}

static sohoa_signer *
open_lt_signer(const char *url, const char *lt, sohoa_error *err)
{
	sohoa_conf c;
	sohoa_signer *s;

	conf_for(&c, "lt/agency.key", "lt/agency.pem", "lt/chain.pem", NULL, url);
	sohoa_error_clear(err);
	if (lt)
		sohoa_conf_set(&c, "sign_lt", lt, "test", err);
	sohoa_conf_set(&c, "ocsp_timeout", "5", "test", err);
	s = sohoa_signer_open(&c, err);
	sohoa_conf_release(&c);
	return s;
}

/*
 * PAdES B-LT with a local CA whose intermediate lives a minute, a
 * local OCSP responder (`openssl ocsp`) named by the agency certificate's
 * AIA, the root's CRL served over HTTP for the intermediate, and the local
 * TSA.  The DSS (read with qpdf) holds the chain, a good OCSP response
 * (checked with `openssl ocsp -respin`) and the CRL; pdfsig lists the
 * document timestamp with its time.  Revoking the certificate afterwards
 * does not change the verdict (the DSS's response, of signing time, is
 * used); a signature made after the revocation is refused.  When the
 * intermediate has expired, the B-LT PDF still verifies with only what is
 * inside it, judged at its timestamp's time, while a B signature does not.
 */
static void
test_pdf_lt(void)
{
	sohoa_error err;
	sohoa_signer *s;
	sohoa_pdf_check chk;
	char url[128];
	int op = free_port(), cp = free_port();
	pid_t tsa;
	time_t t0 = time(NULL);

	CHECK(op > 0 && cp > 0 && op != cp);
	CHECK(make_pdfa("doc.pdf") == 0);
	{
		/* The intermediate's notAfter: t0 + 60 s. */
		time_t end = t0 + 60;
		struct tm tm;
		char e[32];
		gmtime_r(&end, &tm);
		strftime(e, sizeof e, "%y%m%d%H%M%SZ", &tm);
		CHECK(sh("%s/tests/tools/lt_pki.sh \"$PWD/lt\" %d %d %s", src_dir, op, cp, e) == 0);
	}
	CHECK(sh("cat lt/inter.pem lt/ca.pem > lt/chain.pem") == 0);
	CHECK(start_ocsp(op) == 0);
	CHECK(sh("cd lt && (python3 -m http.server %d --bind 127.0.0.1 --directory crl"
	    " > http.log 2>&1 & echo $! > http.pid)", cp) == 0);
	CHECK(wait_port(cp) == 0);
	tsa = start_tsa(url, sizeof url);
	CHECKM(tsa > 0, "tests/tools/tsa_server.py did not start (run from the source tree)");
	if (tsa <= 0)
		return;
	s = open_lt_signer(url, NULL, &err);
	CHECKM(s != NULL, err.msg);
	if (s) {
		sohoa_error_clear(&err);
		CHECKM(sohoa_sign_pdf(s, "doc.pdf", "lt.pdf", AGENCY, time(NULL), &err) == SOHOA_OK,
		    err.msg);
		CHECK_STR(sohoa_signer_level(s), "B-LT");
		CHECK_STR(sohoa_signer_note(s), "");
	}
	sohoa_signer_free(s);
	/* sign_lt = off: B-T only. */
	s = open_lt_signer(url, "off", &err);
	CHECKM(s != NULL, err.msg);
	if (s) {
		sohoa_error_clear(&err);
		CHECKM(sohoa_sign_pdf(s, "doc.pdf", "bt.pdf", AGENCY, time(NULL), &err) == SOHOA_OK,
		    err.msg);
		CHECK_STR(sohoa_signer_level(s), "B-T");
	}
	sohoa_signer_free(s);
	/* B, for the expired-CA comparison. */
	s = open_lt_signer(NULL, NULL, &err);
	CHECKM(s != NULL, err.msg);
	if (s) {
		sohoa_error_clear(&err);
		CHECKM(sohoa_sign_pdf(s, "doc.pdf", "b.pdf", AGENCY, time(NULL), &err) == SOHOA_OK,
		    err.msg);
	}
	sohoa_signer_free(s);
	CHECK(sh("cat lt/ca.pem tsa/tsa.pem > trust.pem") == 0);

	/* The DSS, read with qpdf: the agency, the intermediate, the root and
	 * the TSA; one OCSP response, good for the agency's certificate,
	 * signed by the intermediate; the root's CRL. */
	CHECK(sh("python3 %s/tests/tools/pdf_dss.py lt.pdf dss > dss.txt"
	    " && grep -qx 'certs 4 ocsps 1 crls 1' dss.txt", src_dir) == 0);
	CHECK(sh("python3 %s/tests/tools/pdf_dss.py bt.pdf dss-bt > /dev/null", src_dir) != 0);
	CHECK(sh("for c in dss/cert-*.der; do openssl x509 -inform DER -in $c -noout -subject;"
	    " done > dss-subjects.txt && grep -q 'UBND LT test' dss-subjects.txt"
	    " && grep -q 'Test LT Intermediate CA' dss-subjects.txt"
	    " && grep -q 'Test LT Root CA' dss-subjects.txt"
	    " && grep -q 'sohoa test TSA' dss-subjects.txt") == 0);
	CHECK(sh("openssl ocsp -respin dss/ocsp-0.der -issuer lt/inter.pem -cert lt/agency.pem"
	    " -CAfile lt/ca.pem -no_nonce > ocsp.txt 2>&1 && grep -q 'lt/agency.pem: good' ocsp.txt"
	    " && grep -q 'Response verify OK' ocsp.txt") == 0);
	CHECK(sh("openssl crl -inform DER -in dss/crl-0.der -noout -issuer"
	    " | grep -q 'Test LT Root CA'") == 0);
	CHECK(sh("qpdf --check lt.pdf > /dev/null 2>&1") == 0);
	CHECK(sh("python3 %s/tests/tools/pdfa_structure.py lt.pdf > /dev/null", src_dir) == 0);
	CHECK(sh("pdfinfo -meta lt.pdf | grep -q '<pdfaid:part>2</pdfaid:part>'") == 0);
	/* pdfsig (poppler 22.12 shows no CMS timestamp): the document
	 * timestamp is its second signature, by the TSA, with a time. */
	CHECK(sh("pdfsig lt.pdf > pdfsig.txt 2>&1; grep -q 'Signature Field Name: DocTimeStamp'"
	    " pdfsig.txt && grep -q 'Common Name: sohoa test TSA' pdfsig.txt"
	    " && grep -q \"Signing Time: .* $(date -u +%%Y)\" pdfsig.txt"
	    " && ! grep -q 'Jan 01 1970' pdfsig.txt && grep -q 'Signature is Valid' pdfsig.txt")
	    == 0);

	sohoa_error_clear(&err);
	CHECKM(sohoa_verify_pdf_ex("lt.pdf", "trust.pem", &chk, &err) == SOHOA_OK, err.msg);
	CHECK_STR(chk.level, "B-LTA");
	CHECK_INT(chk.signatures, 1);
	CHECK_INT(chk.doc_timestamps, 1);
	CHECK_INT(chk.revocation, 1);
	CHECK_STR(chk.revocation_src, "OCSP");
	CHECK(chk.judged_at_timestamp == 1 && chk.timestamp[0] && chk.doc_timestamp[0]);
	CHECK(chk.dss_certs == 4 && chk.dss_ocsps == 1 && chk.dss_crls == 1);
	CHECK(strcmp(chk.doc_timestamp, chk.timestamp) >= 0);
	CHECK_INT(chk.doc_timestamp_trusted, 1);
	/* Only the agency's root as anchor: the signature is judged now (its
	 * timestamp's TSA is unknown), the document timestamp is whole but
	 * not trusted: B-LT, not B-LTA. */
	sohoa_error_clear(&err);
	CHECKM(sohoa_verify_pdf_ex("lt.pdf", "lt/ca.pem", &chk, &err) == SOHOA_OK, err.msg);
	CHECK_INT(chk.doc_timestamp_trusted, 0);
	CHECK_INT(chk.judged_at_timestamp, 0);
	CHECK_STR(chk.level, "B-LT");
	sohoa_error_clear(&err);
	CHECKM(sohoa_verify_pdf_ex("bt.pdf", "trust.pem", &chk, &err) == SOHOA_OK, err.msg);
	CHECK_STR(chk.level, "B-T");
	CHECK_INT(chk.dss_certs, 0);
	/* A second B-LT signature: the DSS keeps its items, none twice. */
	s = open_lt_signer(url, NULL, &err);
	CHECKM(s != NULL, err.msg);
	if (s) {
		sohoa_error_clear(&err);
		CHECKM(sohoa_sign_pdf(s, "lt.pdf", "lt2.pdf", AGENCY, time(NULL), &err) == SOHOA_OK,
		    err.msg);
		CHECK_STR(sohoa_signer_level(s), "B-LT");
	}
	sohoa_signer_free(s);
	CHECK(sh("python3 %s/tests/tools/pdf_dss.py lt2.pdf dss2 > dss2.txt"
	    " && grep -qx 'certs 4 ocsps 2 crls 1' dss2.txt", src_dir) == 0);
	CHECK(sh("test $(pdfsig lt2.pdf 2>&1 | grep -c 'Signature is Valid') -eq 2") == 0);
	CHECK(sh("python3 %s/tests/tools/pdfa_structure.py lt2.pdf > /dev/null", src_dir) == 0);
	sohoa_error_clear(&err);
	CHECKM(sohoa_verify_pdf_ex("lt2.pdf", "trust.pem", &chk, &err) == SOHOA_OK, err.msg);
	CHECK(chk.signatures == 2 && chk.doc_timestamps == 2);
	CHECK_STR(chk.level, "B-LTA");
	/* A byte changed in the DSS: the document timestamp no longer covers it. */
	CHECK(sh("cp lt.pdf lt-bad.pdf") == 0);
	{
		FILE *f = popen("grep -abo '/Type /DSS' lt-bad.pdf | cut -d: -f1", "r");
		long off = -1;
		if (f) {
			if (fscanf(f, "%ld", &off) != 1)
				off = -1;
			pclose(f);
		}
		CHECK(off > 0);
		if (off > 0)
			CHECK(flip_byte("lt-bad.pdf", off - 40) == 0);
	}
	sohoa_error_clear(&err);
	CHECK(sohoa_verify_pdf("lt-bad.pdf", "trust.pem", &err) == SOHOA_BAD_INPUT);

	/* The certificate is revoked afterwards: the responder says so now,
	 * but the DSS's response (signing time) still says good. */
	CHECK(sh("cd lt && openssl ca -config inter.cnf -cert inter.pem -keyfile inter.key"
	    " -revoke agency.pem > revoke.log 2>&1 && kill $(cat ocsp.pid)") == 0);
	sleep(1);
	CHECK(start_ocsp(op) == 0);
	CHECK(sh("openssl ocsp -issuer lt/inter.pem -cert lt/agency.pem -url http://127.0.0.1:%d/"
	    " -CAfile lt/ca.pem -no_nonce 2>&1 | grep -q 'agency.pem: revoked'", op) == 0);
	sohoa_error_clear(&err);
	CHECKM(sohoa_verify_pdf_ex("lt.pdf", "trust.pem", &chk, &err) == SOHOA_OK, err.msg);
	CHECK_INT(chk.revocation, 1);
	/* Signed after the revocation: the DSS says revoked before the
	 * timestamp, the signature is refused. */
	s = open_lt_signer(url, NULL, &err);
	CHECKM(s != NULL, err.msg);
	if (s) {
		sohoa_error_clear(&err);
		CHECKM(sohoa_sign_pdf(s, "doc.pdf", "revoked.pdf", AGENCY, time(NULL), &err)
		    == SOHOA_OK, err.msg);
		CHECKM(strstr(sohoa_signer_note(s), "REVOKED") != NULL, sohoa_signer_note(s));
	}
	sohoa_signer_free(s);
	sohoa_error_clear(&err);
	CHECK(sohoa_verify_pdf("revoked.pdf", "trust.pem", &err) == SOHOA_BAD_INPUT);
	CHECKM(strstr(err.msg, "revoked before") != NULL, err.msg);

	/* The responder and the CRL server gone: signing stays B-T and says why. */
	CHECK(sh("kill $(cat lt/ocsp.pid) $(cat lt/http.pid)") == 0);
	s = open_lt_signer(url, NULL, &err);
	CHECKM(s != NULL, err.msg);
	if (s) {
		sohoa_error_clear(&err);
		CHECKM(sohoa_sign_pdf(s, "doc.pdf", "unreachable.pdf", AGENCY, time(NULL), &err)
		    == SOHOA_OK, err.msg);
		CHECK_STR(sohoa_signer_level(s), "B-T");
		CHECKM(strstr(sohoa_signer_note(s), "did not answer") != NULL, sohoa_signer_note(s));
		CHECKM(strstr(sohoa_signer_note(s), "could not be fetched") != NULL,
		    sohoa_signer_note(s));
	}
	sohoa_signer_free(s);
	sohoa_error_clear(&err);
	CHECKM(sohoa_verify_pdf_ex("unreachable.pdf", "trust.pem", &chk, &err) == SOHOA_OK,
	    err.msg);
	CHECK_STR(chk.level, "B-T");
	CHECK_INT(chk.revocation, 0);
	kill(tsa, SIGTERM);
	waitpid(tsa, NULL, 0);

	/* The intermediate CA expires. */
	while (time(NULL) <= t0 + 62)
		sleep(1);
	/* openssl, from the DSS's certificates: invalid now, valid at the
	 * timestamp's time (-attime). */
	CHECK(sh("for c in dss/cert-*.der; do openssl x509 -inform DER -in $c; done > dss.pem") == 0);
	CHECK(sh("openssl verify -CAfile lt/ca.pem -untrusted dss.pem lt/agency.pem 2>&1"
	    " | grep -q 'certificate has expired'") == 0);
	CHECK(sh("openssl verify -attime %lld -CAfile lt/ca.pem -untrusted dss.pem lt/agency.pem"
	    " > /dev/null 2>&1", (long long)t0 + 5) == 0);
	/* sohoa: the B-LT PDF, judged at its timestamp with the DSS's chain and
	 * OCSP response, nothing fetched (the responders are gone). */
	sohoa_error_clear(&err);
	CHECKM(sohoa_verify_pdf_ex("lt.pdf", "trust.pem", &chk, &err) == SOHOA_OK, err.msg);
	CHECK_STR(chk.level, "B-LTA");
	CHECK_INT(chk.revocation, 1);
	sohoa_error_clear(&err);
	CHECK(sohoa_verify_pdf("b.pdf", "trust.pem", &err) == SOHOA_BAD_INPUT);
	CHECKM(strstr(err.msg, "certificate verify error") != NULL, err.msg);
}

int
main(void)
{
	const char *src = getenv("SOHOA_SRC");

	if (src && *src)
		snprintf(src_dir, sizeof src_dir, "%s", src);
	else if (!getcwd(src_dir, sizeof src_dir))
		snprintf(src_dir, sizeof src_dir, ".");
	TEST_RUN(test_pem_key_and_subject);
	TEST_RUN(test_key_permissions_refused);
	TEST_RUN(test_pkcs12_with_pin);
	TEST_RUN(test_detached_verified_by_openssl);
	TEST_RUN(test_detached_with_timestamp);
	TEST_RUN(test_pdf_signature);
	TEST_RUN(test_pdf_timestamp);
	TEST_RUN(test_https_timestamp);
	TEST_RUN(test_pdf_lt);
	return TEST_DONE();
}
