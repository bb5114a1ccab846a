/*
 * fixity.c - the pieces the audit and the backup share: a copy that hashes
 * what it reads (one pass over the source, nothing held in memory beyond a
 * buffer), and the checksums METS.xml lists for a package's files.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libxml/parser.h>
#include <libxml/tree.h>

#include "fixity_int.h"
#include "sohoa/fsutil.h"
#include "package_int.h"

static sohoa_status
io_fail(sohoa_error *err, int e, const char *step, const char *path)
{
	sohoa_status st = (e == ENOENT || e == EACCES || e == ELOOP || e == EISDIR)
	    ? SOHOA_BAD_INPUT : SOHOA_RETRY;
	return sohoa_error_set(err, st, SOHOA_REASON_NONE, "%s %s: %s", step, path, strerror(e));
}

sohoa_status
fx_copy_hash(const char *src, const char *dst, mode_t mode, char hash[SOHOA_HASH_TEXT_MAX],
    long long *size, sohoa_error *err)
{
	enum { BUFSZ = 1 << 17 };
	unsigned char *buf = malloc(BUFSZ);
	sohoa_hash *h = sohoa_hash_new("sha256");
	long long total = 0;
	int in = -1, out = -1;
	sohoa_status st = SOHOA_OK;

	if (!buf || !h) {
		st = sohoa_error_oom(err);
		goto done;
	}
	if ((in = open(src, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)) < 0) {
		st = io_fail(err, errno, "open", src);
		goto done;
	}
	if ((out = open(dst, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode)) < 0) {
		int e = errno;
		st = sohoa_error_set(err, SOHOA_RETRY, SOHOA_REASON_NONE, "create %s: %s", dst,
		    strerror(e));
		goto done;
	}
	for (;;) {
		ssize_t n = read(in, buf, BUFSZ), off = 0;
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			st = sohoa_error_set(err, SOHOA_BAD_INPUT, SOHOA_REASON_UNREADABLE,
			    "read %s: %s", src, strerror(errno));
			goto done;
		}
		if (n == 0)
			break;
		sohoa_hash_update(h, buf, (size_t)n);
		total += n;
		while (off < n) {
			ssize_t w = write(out, buf + off, (size_t)(n - off));
			if (w < 0 && errno == EINTR)
				continue;
			if (w < 0) {
				st = sohoa_error_set(err, SOHOA_RETRY, SOHOA_REASON_NONE, "write %s: %s",
				    dst, strerror(errno));
				goto done;
			}
			off += w;
		}
	}
	if (fsync(out) != 0) {
		st = sohoa_error_set(err, SOHOA_RETRY, SOHOA_REASON_NONE, "fsync %s: %s", dst,
		    strerror(errno));
		goto done;
	}
	if (sohoa_hash_final(h, hash) != 0)
		st = sohoa_error_set(err, SOHOA_RETRY, SOHOA_REASON_NONE, "digest of %s failed", src);
	if (size)
		*size = total;
done:
	if (in >= 0)
		close(in);
	if (out >= 0 && close(out) != 0 && st == SOHOA_OK)
		st = sohoa_error_set(err, SOHOA_RETRY, SOHOA_REASON_NONE, "close %s: %s", dst,
		    strerror(errno));
	if (st != SOHOA_OK && out >= 0)
		unlink(dst);
	free(buf);
	sohoa_hash_free(h);
	return st;
}

void
fx_mets_release(fx_mets *m)
{
	if (!m)
		return;
	for (int i = 0; i < m->n; i++)
		free(m->files[i].href);
	free(m->files);
	memset(m, 0, sizeof *m);
}

static int
is_mets_el(xmlNodePtr n, const char *name)
{
	return n->type == XML_ELEMENT_NODE && n->ns && !strcmp((const char *)n->ns->href, PKG_METS_NS)
	    && !strcmp((const char *)n->name, name);
}

static int
add_file(fx_mets *m, xmlNodePtr holder, xmlNodePtr loc)
{
	xmlChar *href = xmlGetNsProp(loc, BAD_CAST "href", BAD_CAST PKG_XLINK_NS);
	xmlChar *sum = xmlGetNoNsProp(holder, BAD_CAST "CHECKSUM");
	xmlChar *size = xmlGetNoNsProp(holder, BAD_CAST "SIZE");
	fx_mets_file *nf;
	int rc = -1;

	if (!href)
		goto out;
	nf = realloc(m->files, (size_t)(m->n + 1) * sizeof *nf);
	if (!nf)
		goto out;
	m->files = nf;
	nf += m->n;
	memset(nf, 0, sizeof *nf);
	if (!(nf->href = strdup((const char *)href)))
		goto out;
	if (sum && strlen((const char *)sum) == 64)
		for (int i = 0; i < 64; i++)
			nf->sha256[i] = (char)((sum[i] >= 'A' && sum[i] <= 'F') ? sum[i] - 'A' + 'a'
			    : sum[i]);
	nf->size = size ? strtoll((const char *)size, NULL, 10) : -1;
	m->n++;
	rc = 0;
out:
	xmlFree(href);
	xmlFree(sum);
	xmlFree(size);
	return rc;
}

static int
walk(fx_mets *m, xmlNodePtr n)
{
	for (; n; n = n->next) {
		if (n->type != XML_ELEMENT_NODE)
			continue;
		if (is_mets_el(n, "mdRef")) {
			if (add_file(m, n, n) != 0)
				return -1;
		} else if (is_mets_el(n, "file")) {
			for (xmlNodePtr f = n->children; f; f = f->next)
				if (is_mets_el(f, "FLocat")) {
					if (add_file(m, n, f) != 0)
						return -1;
					break;
				}
		}
		if (walk(m, n->children) != 0)
			return -1;
	}
	return 0;
}

sohoa_status
fx_mets_read(const char *path, fx_mets *m, sohoa_error *err)
{
	xmlParserCtxtPtr pc = xmlNewParserCtxt();
	xmlDocPtr doc;
	sohoa_status st = SOHOA_OK;

	memset(m, 0, sizeof *m);
	if (!pc)
		return sohoa_error_oom(err);
	doc = xmlCtxtReadFile(pc, path, NULL, XML_PARSE_NONET | XML_PARSE_NOERROR
	    | XML_PARSE_NOWARNING);
	if (!doc) {
		struct stat sb;
		st = sohoa_error_set(err, SOHOA_BAD_INPUT, SOHOA_REASON_NONE, "%s: %s", path,
		    lstat(path, &sb) != 0 ? "thiếu tệp / missing" : "không đọc được XML / not well-formed");
	} else if (walk(m, xmlDocGetRootElement(doc)) != 0) {
		st = sohoa_error_oom(err);
		fx_mets_release(m);
	}
	xmlFreeDoc(doc);
	xmlFreeParserCtxt(pc);
	return st;
}

const fx_mets_file *
fx_mets_find(const fx_mets *m, const char *href)
{
	for (int i = 0; i < m->n; i++)
		if (!strcmp(m->files[i].href, href))
			return &m->files[i];
	return NULL;
}

long long
fx_tree_bytes(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	long long total = 0;

	if (!d)
		return 0;
	while ((de = readdir(d)) != NULL) {
		char path[PATH_MAX];
		struct stat sb;
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if ((size_t)snprintf(path, sizeof path, "%s/%s", dir, de->d_name) >= sizeof path
		    || lstat(path, &sb) != 0)
			continue;
		if (S_ISDIR(sb.st_mode))
			total += fx_tree_bytes(path);
		else if (S_ISREG(sb.st_mode))
			total += sb.st_size;
	}
	closedir(d);
	return total;
}

int
fx_hash_equals_hex(const char *h, const char *hex)
{
	const char *colon = h ? strchr(h, ':') : NULL;
	return colon && hex && *hex && !strcasecmp(colon + 1, hex);
}

/* ---- manifests ---- */

void
fx_manifest_release(fx_manifest *m)
{
	free(m->text);
	free(m->path);
	free(m->hex);
	free(m->seen);
	memset(m, 0, sizeof *m);
}

int
fx_manifest_load(const char *file, fx_manifest *m)
{
	size_t len = 0;
	int cap = 0;

	memset(m, 0, sizeof *m);
	if (sohoa_fs_read_file(file, 16u << 20, &m->text, &len, NULL) != SOHOA_OK)
		return -1;
	for (char *line = m->text; line && *line;) {
		char *nl = strchr(line, '\n');
		if (nl)
			*nl = '\0';
		if (strlen(line) > 66 && line[64] == ' ' && line[65] == ' ') {
			if (m->n == cap) {
				cap = cap ? cap * 2 : 16;
				char **np = realloc(m->path, (size_t)cap * sizeof *np);
				if (np)
					m->path = np;
				char **nh = realloc(m->hex, (size_t)cap * sizeof *nh);
				if (nh)
					m->hex = nh;
				int *ns = realloc(m->seen, (size_t)cap * sizeof *ns);
				if (ns)
					m->seen = ns;
				if (!np || !nh || !ns) {
					fx_manifest_release(m);
					return -1;
				}
			}
			line[64] = '\0';
			m->hex[m->n] = line;
			m->path[m->n] = line + 66;
			m->seen[m->n] = 0;
			m->n++;
		}
		line = nl ? nl + 1 : NULL;
	}
	return 0;
}

int
fx_manifest_find(const fx_manifest *m, const char *path)
{
	for (int i = 0; i < m->n; i++)
		if (!strcmp(m->path[i], path))
			return i;
	return -1;
}

