/*
 * test_web.c - sohoa-web's certificate and page images (web.h): a
 * self-signed certificate made once with a private key, its fingerprint as
 * the openssl command gives it, a configured certificate never replaced,
 * and a page of a real PDF (made with cairo here) rendered as a PNG.
 */
#include <sys/stat.h>
#include <cairo.h>
#include <cairo-pdf.h>

#include "test.h"
#include "sohoa/conf.h"
#include "sohoa/web.h"

static void
conf_for(sohoa_conf *c, const char *extra_key, const char *extra_value)
{
	char dir[PATH_MAX + 16];
	sohoa_error err;

	sohoa_conf_init(c);
	sohoa_error_clear(&err);
	snprintf(dir, sizeof dir, "%s/state", test_tmp_root);
	mkdir(dir, 0700);
	CHECKM(sohoa_conf_set(c, "state_dir", dir, "test", &err) == SOHOA_OK, err.msg);
	snprintf(dir, sizeof dir, "%s/inbox", test_tmp_root);
	CHECKM(sohoa_conf_set(c, "inbox", dir, "test", &err) == SOHOA_OK, err.msg);
	if (extra_key)
		CHECKM(sohoa_conf_set(c, extra_key, extra_value, "test", &err) == SOHOA_OK, err.msg);
}

static void
test_self_signed(void)
{
	sohoa_conf c;
	sohoa_error err;
	char *cert = NULL, *key = NULL, *cert2 = NULL, *key2 = NULL, fp[96], line[256] = "";
	char cmd[PATH_MAX + 128];
	size_t cl, kl, cl2, kl2;
	struct stat sb;
	FILE *p;

	conf_for(&c, NULL, NULL);
	sohoa_error_clear(&err);
	CHECKM(sohoa_web_cert_load(&c, &cert, &cl, &key, &kl, &err) == SOHOA_OK, err.msg);
	CHECK(cert && strstr(cert, "-----BEGIN CERTIFICATE-----"));
	CHECK(key && strstr(key, "PRIVATE KEY-----"));
	CHECK(stat("state/web/key.pem", &sb) == 0 && (sb.st_mode & 0777) == 0600);
	CHECK(stat("state/web", &sb) == 0 && (sb.st_mode & 0777) == 0750);   /* the store's group reads the certificate; the key stays 0600 */
	/* Loaded again: the same certificate, not a new one. */
	CHECKM(sohoa_web_cert_load(&c, &cert2, &cl2, &key2, &kl2, &err) == SOHOA_OK, err.msg);
	CHECK(cert && cert2 && cl == cl2 && !memcmp(cert, cert2, cl));
	CHECKM(sohoa_web_cert_fingerprint("state/web/cert.pem", fp, &err) == SOHOA_OK, err.msg);
	CHECK_INT(strlen(fp), 95);
	p = popen("openssl x509 -noout -fingerprint -sha256 -in state/web/cert.pem", "r");
	CHECK(p && fgets(line, sizeof line, p));
	if (p)
		pclose(p);
	CHECKM(strstr(line, fp) != NULL, line);
	/* It names localhost, so that a browser on the server accepts it once trusted. */
	snprintf(cmd, sizeof cmd, "openssl x509 -noout -ext subjectAltName -in state/web/cert.pem"
	    " | grep -q 'DNS:localhost, IP Address:127.0.0.1'");
	CHECK(system(cmd) == 0);
	free(cert);
	free(key);
	free(cert2);
	free(key2);
	sohoa_conf_release(&c);
}

static void
test_configured_missing(void)
{
	sohoa_conf c;
	sohoa_error err;
	char *cert = NULL, *key = NULL, fp[96];
	size_t cl, kl;
	struct stat sb;

	conf_for(&c, "web_cert", "/nonexistent/cert.pem");
	sohoa_error_clear(&err);
	sohoa_conf_set(&c, "web_key", "/nonexistent/key.pem", "test", &err);
	CHECK(sohoa_web_cert_load(&c, &cert, &cl, &key, &kl, &err) == SOHOA_FATAL);
	CHECKM(strstr(err.msg, "/nonexistent/cert.pem") != NULL, err.msg);
	CHECK(cert == NULL && key == NULL);
	CHECK(stat("state/web", &sb) != 0);
	sohoa_error_clear(&err);
	CHECK(sohoa_web_cert_fingerprint("/nonexistent/cert.pem", fp, &err) == SOHOA_BAD_INPUT);
	sohoa_conf_release(&c);
}

static void
test_page_png(void)
{
	cairo_surface_t *s = cairo_pdf_surface_create("two.pdf", 595, 842);
	cairo_t *cr = cairo_create(s);
	unsigned char *png = NULL;
	size_t len = 0;
	sohoa_error err;

	cairo_move_to(cr, 72, 72);
	cairo_show_text(cr, "Trang 1");
	cairo_show_page(cr);
	cairo_move_to(cr, 72, 72);
	cairo_show_text(cr, "Trang 2");
	cairo_destroy(cr);
	cairo_surface_destroy(s);
	/* The fixture's toy font stays in cairo's cache otherwise (valgrind
	 * calls it lost). */
	cairo_debug_reset_static_data();
	sohoa_error_clear(&err);
	CHECKM(sohoa_pdf_page_png("two.pdf", 2, 72, &png, &len, &err) == SOHOA_OK, err.msg);
	CHECK(png && len > 100 && !memcmp(png, "\x89PNG\r\n\x1a\n", 8));
	/* 595 x 842 points at 72 dpi: the IHDR says 596 x 843 (rounded up). */
	if (png && len > 24) {
		unsigned w = (unsigned)png[16] << 24 | png[17] << 16 | png[18] << 8 | png[19];
		CHECK_INT(w, 596);
	}
	free(png);
	png = NULL;
	CHECK(sohoa_pdf_page_png("two.pdf", 3, 72, &png, &len, &err) == SOHOA_BAD_INPUT);
	CHECK(png == NULL);
	sohoa_error_clear(&err);
	CHECK(sohoa_pdf_page_png("two.pdf", 0, 72, &png, &len, &err) == SOHOA_BAD_INPUT);
	sohoa_error_clear(&err);
	CHECK(sohoa_pdf_page_png("missing.pdf", 1, 72, &png, &len, &err) == SOHOA_FATAL);
}

int
main(void)
{
	TEST_RUN(test_self_signed);
	TEST_RUN(test_configured_missing);
	TEST_RUN(test_page_png);
	return TEST_DONE();
}
