/*
 * web.c - sohoa-web's certificate (made self-signed with OpenSSL when none
 * is configured) and PNG page images rendered from a record's signed PDF
 * with poppler and cairo (web.h).
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cairo.h>
#include <glib.h>
#include <poppler.h>
#include <openssl/bio.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "sohoa/fsutil.h"
#include "sohoa/web.h"

void
sohoa_web_cert_paths(const sohoa_conf *conf, char *cert, char *key, size_t size)
{
	if (conf->web_cert[0]) {
		snprintf(cert, size, "%s", conf->web_cert);
		snprintf(key, size, "%s", conf->web_key);
	} else {
		snprintf(cert, size, "%s/web/cert.pem", conf->state_dir);
		snprintf(key, size, "%s/web/key.pem", conf->state_dir);
	}
}

static sohoa_status
ossl_error(sohoa_error *err, const char *what)
{
	char buf[256] = "";
	unsigned long e = ERR_get_error();

	if (e)
		ERR_error_string_n(e, buf, sizeof buf);
	ERR_clear_error();
	return sohoa_error_set(err, SOHOA_FATAL, SOHOA_REASON_NONE, "%s: %s", what,
	    buf[0] ? buf : "OpenSSL error");
}

/* PEM text of what write() puts into a memory BIO, malloc'd. */
static char *
bio_text(BIO *b, size_t *len)
{
	char *p = NULL, *r;
	long n = BIO_get_mem_data(b, &p);

	if (n <= 0 || !(r = malloc((size_t)n + 1)))
		return NULL;
	memcpy(r, p, (size_t)n);
	r[n] = '\0';
	*len = (size_t)n;
	return r;
}

static sohoa_status
make_self_signed(const char *dir, const char *cert_path, const char *key_path, sohoa_error *err)
{
	EVP_PKEY *pkey = NULL;
	X509 *x = NULL;
	X509_EXTENSION *ext = NULL;
	X509V3_CTX ctx;
	BIO *kb = NULL, *cb = NULL;
	char host[256] = "sohoa", san[400], *kpem = NULL, *cpem = NULL;
	unsigned char serial[16];
	size_t klen = 0, clen = 0;
	sohoa_status rc = SOHOA_FATAL;
	BIGNUM *bn = NULL;

	if (gethostname(host, sizeof host - 1) != 0 || !host[0])
		snprintf(host, sizeof host, "sohoa");
	host[sizeof host - 1] = '\0';
	for (char *p = host; *p; p++)
		if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-", *p))
			*p = '-';
	/* 0750: sohoad and sohoa (the store's group) read the certificate for the
	 * fingerprint "sohoa status" prints; the key stays 0600. */
	if ((rc = sohoa_fs_mkdirs(dir, 0750, err)) != SOHOA_OK)
		return rc;
	rc = SOHOA_FATAL;
	if (!(pkey = EVP_EC_gen("P-256"))) {
		ossl_error(err, "web certificate key");
		goto out;
	}
	if (!(x = X509_new()) || !X509_set_version(x, 2)
	    || RAND_bytes(serial, sizeof serial) != 1) {
		ossl_error(err, "web certificate");
		goto out;
	}
	serial[0] &= 0x7f;
	bn = BN_bin2bn(serial, sizeof serial, NULL);
	if (!bn || !BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(x))
	    || !X509_gmtime_adj(X509_getm_notBefore(x), -3600)
	    || !X509_gmtime_adj(X509_getm_notAfter(x), 10L * 365 * 86400)
	    || !X509_set_pubkey(x, pkey)
	    || !X509_NAME_add_entry_by_txt(X509_get_subject_name(x), "O", MBSTRING_UTF8,
	    (const unsigned char *)"sohoa-web", -1, -1, 0)
	    || !X509_NAME_add_entry_by_txt(X509_get_subject_name(x), "CN", MBSTRING_UTF8,
	    (const unsigned char *)host, -1, -1, 0)
	    || !X509_set_issuer_name(x, X509_get_subject_name(x))) {
		ossl_error(err, "web certificate");
		goto out;
	}
	snprintf(san, sizeof san, "DNS:%s,DNS:localhost,IP:127.0.0.1,IP:::1", host);
	X509V3_set_ctx(&ctx, x, x, NULL, NULL, 0);
	if (!(ext = X509V3_EXT_conf_nid(NULL, &ctx, NID_subject_alt_name, san))
	    || !X509_add_ext(x, ext, -1) || !X509_sign(x, pkey, EVP_sha256())) {
		ossl_error(err, "web certificate");
		goto out;
	}
	kb = BIO_new(BIO_s_mem());
	cb = BIO_new(BIO_s_mem());
	if (!kb || !cb || !PEM_write_bio_PrivateKey(kb, pkey, NULL, NULL, 0, NULL, NULL)
	    || !PEM_write_bio_X509(cb, x) || !(kpem = bio_text(kb, &klen))
	    || !(cpem = bio_text(cb, &clen))) {
		ossl_error(err, "web certificate");
		goto out;
	}
	/* The key first: a certificate on disk always has its key. */
	if ((rc = sohoa_fs_write_file(key_path, kpem, klen, 0600, err)) == SOHOA_OK)
		rc = sohoa_fs_write_file(cert_path, cpem, clen, 0644, err);
out:
	if (kpem)
		OPENSSL_cleanse(kpem, klen);
	free(kpem);
	free(cpem);
	BIO_free(kb);
	BIO_free(cb);
	BN_free(bn);
	X509_EXTENSION_free(ext);
	X509_free(x);
	EVP_PKEY_free(pkey);
	return rc;
}

sohoa_status
sohoa_web_cert_load(const sohoa_conf *conf, char **cert, size_t *cert_len, char **key,
    size_t *key_len, sohoa_error *err)
{
	char cpath[PATH_MAX], kpath[PATH_MAX], dir[PATH_MAX];
	sohoa_status rc;

	*cert = *key = NULL;
	sohoa_web_cert_paths(conf, cpath, kpath, sizeof cpath);
	if (!conf->web_cert[0] && access(cpath, F_OK) != 0) {
		snprintf(dir, sizeof dir, "%s/web", conf->state_dir);
		if ((rc = make_self_signed(dir, cpath, kpath, err)) != SOHOA_OK)
			return rc;
	}
	if ((rc = sohoa_fs_read_file(cpath, 1 << 20, cert, cert_len, err)) != SOHOA_OK)
		return rc == SOHOA_OK ? rc : SOHOA_FATAL;
	if ((rc = sohoa_fs_read_file(kpath, 1 << 20, key, key_len, err)) != SOHOA_OK) {
		free(*cert);
		*cert = NULL;
		return SOHOA_FATAL;
	}
	return SOHOA_OK;
}

sohoa_status
sohoa_web_cert_fingerprint(const char *path, char out[96], sohoa_error *err)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int n = 0;
	X509 *x = NULL;
	FILE *fp = fopen(path, "r");

	out[0] = '\0';
	if (!fp)
		return sohoa_error_set(err, SOHOA_BAD_INPUT, SOHOA_REASON_NONE, "%s: %s", path,
		    strerror(errno));
	x = PEM_read_X509(fp, NULL, NULL, NULL);
	fclose(fp);
	if (!x || !X509_digest(x, EVP_sha256(), md, &n)) {
		X509_free(x);
		return ossl_error(err, path);
	}
	X509_free(x);
	for (unsigned i = 0; i < n && i < 32; i++)
		snprintf(out + 3 * i, 4, i + 1 < n ? "%02X:" : "%02X", md[i]);
	return SOHOA_OK;
}

struct png_buf {
	unsigned char *p;
	size_t len, cap;
};

static cairo_status_t
png_write(void *closure, const unsigned char *data, unsigned int n)
{
	struct png_buf *b = closure;

	if (b->len + n > b->cap) {
		size_t cap = b->cap ? b->cap * 2 : 65536;
		unsigned char *p;
		while (cap < b->len + n)
			cap *= 2;
		if (!(p = realloc(b->p, cap)))
			return CAIRO_STATUS_NO_MEMORY;
		b->p = p;
		b->cap = cap;
	}
	memcpy(b->p + b->len, data, n);
	b->len += n;
	return CAIRO_STATUS_SUCCESS;
}

sohoa_status
sohoa_pdf_page_png(const char *path, int page_no, int dpi, unsigned char **png, size_t *len,
    sohoa_error *err)
{
	GError *gerr = NULL;
	PopplerDocument *doc;
	PopplerPage *page = NULL;
	cairo_surface_t *surf = NULL;
	cairo_t *cr;
	struct png_buf b = { 0 };
	double w = 0, h = 0, scale;
	char *uri;
	sohoa_status rc = SOHOA_OK;

	*png = NULL;
	*len = 0;
	if (dpi < 36 || dpi > 300)
		dpi = 100;
	{
		/* A URI needs an absolute path. */
		gchar *abs = g_canonicalize_filename(path, NULL);
		uri = g_filename_to_uri(abs, NULL, &gerr);
		g_free(abs);
	}
	if (!uri) {
		rc = sohoa_error_set(err, SOHOA_FATAL, SOHOA_REASON_NONE, "%s: %s", path,
		    gerr ? gerr->message : "bad path");
		g_clear_error(&gerr);
		return rc;
	}
	doc = poppler_document_new_from_file(uri, NULL, &gerr);
	g_free(uri);
	if (!doc) {
		rc = sohoa_error_set(err, SOHOA_FATAL, SOHOA_REASON_NONE, "%s: %s", path,
		    gerr ? gerr->message : "cannot open");
		g_clear_error(&gerr);
		return rc;
	}
	if (page_no < 1 || page_no > poppler_document_get_n_pages(doc)
	    || !(page = poppler_document_get_page(doc, page_no - 1))) {
		g_object_unref(doc);
		return sohoa_error_set(err, SOHOA_BAD_INPUT, SOHOA_REASON_NONE,
		    "Không có trang %d / no page %d", page_no, page_no);
	}
	poppler_page_get_size(page, &w, &h);
	scale = dpi / 72.0;
	if (w <= 0 || h <= 0 || w * scale > 8000 || h * scale > 8000)
		scale = 8000 / (w > h ? w : h > 0 ? h : 1);
	surf = cairo_image_surface_create(CAIRO_FORMAT_RGB24, (int)(w * scale) + 1,
	    (int)(h * scale) + 1);
	if (cairo_surface_status(surf) != CAIRO_STATUS_SUCCESS) {
		rc = sohoa_error_set(err, SOHOA_RETRY, SOHOA_REASON_NONE, "page image: %s",
		    cairo_status_to_string(cairo_surface_status(surf)));
		goto out;
	}
	cr = cairo_create(surf);
	cairo_set_source_rgb(cr, 1, 1, 1);
	cairo_paint(cr);
	cairo_scale(cr, scale, scale);
	poppler_page_render_for_printing(page, cr);
	cairo_destroy(cr);
	if (cairo_surface_write_to_png_stream(surf, png_write, &b) != CAIRO_STATUS_SUCCESS) {
		free(b.p);
		rc = sohoa_error_set(err, SOHOA_RETRY, SOHOA_REASON_NONE, "page image: out of memory");
		goto out;
	}
	*png = b.p;
	*len = b.len;
out:
	if (surf)
		cairo_surface_destroy(surf);
	g_object_unref(page);
	g_object_unref(doc);
	return rc;
}
