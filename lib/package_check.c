/*
 * package_check.c - re-checking a package on disk: METS.xml against the
 * hash kept outside the package and against mets.xsd, every referenced
 * file against the SIZE and SHA-256 CHECKSUM METS gives, the XML metadata
 * against its schemas, and no file the METS does not know.
 *
 * Nothing in the package is trusted: hrefs are taken literally (no URL
 * decoding), must be relative, must not climb out with "..", and must lead
 * through real folders (no symbolic links) to a regular file.
 */
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include <libxml/parser.h>

#include "package_int.h"
#include "sohoa/fsutil.h"

/* Largest XML document of a package read into memory. */
#define PKG_XML_MAX (64u << 20)

void
sohoa_package_report_init(sohoa_package_report *rep)
{
	memset(rep, 0, sizeof *rep);
}

void
sohoa_package_report_release(sohoa_package_report *rep)
{
	if (!rep)
		return;
	free(rep->problems);
	memset(rep, 0, sizeof *rep);
}

typedef struct pkg_checker {
	const char *dir;
	const sohoa_package_schemas *sch;
	sohoa_package_report *rep;
	sohoa_error *err;
	int found;                 /* problems found, even if not stored */
	char **known;              /* paths METS references */
	int nknown, capknown;
	int oom;
} pkg_checker;

static void problem(pkg_checker *c, const char *file, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
problem(pkg_checker *c, const char *file, const char *fmt, ...)
{
	sohoa_package_problem *p;
	char msg[sizeof p->msg];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	c->found++;
	sohoa_error_set(c->err, SOHOA_BAD_INPUT, SOHOA_REASON_NONE, "%s: %s", file, msg);
	p = realloc(c->rep->problems, (size_t)(c->rep->nproblems + 1) * sizeof *p);
	if (!p) {
		c->oom = 1;
		return;
	}
	c->rep->problems = p;
	p += c->rep->nproblems++;
	snprintf(p->file, sizeof p->file, "%s", file);
	snprintf(p->msg, sizeof p->msg, "%s", msg);
}

static void
remember(pkg_checker *c, const char *path)
{
	if (c->nknown == c->capknown) {
		int cap = c->capknown ? 2 * c->capknown : 32;
		char **k = realloc(c->known, (size_t)cap * sizeof *k);
		if (!k) {
			c->oom = 1;
			return;
		}
		c->known = k;
		c->capknown = cap;
	}
	if (!(c->known[c->nknown] = strdup(path)))
		c->oom = 1;
	else
		c->nknown++;
}

static int
is_known(const pkg_checker *c, const char *path)
{
	for (int i = 0; i < c->nknown; i++)
		if (!strcmp(c->known[i], path))
			return 1;
	return 0;
}

/* 1 when href is a plain relative path leading, without symbolic links,
 * to a regular file inside dir; else a problem is recorded and 0. */
static int
safe_target(pkg_checker *c, const char *href, char *path, size_t size)
{
	const char *p = href;
	size_t n;
	struct stat st;

	if (!*href || *href == '/' || strstr(href, "://") || strlen(href) > 1000) {
		problem(c, href, "đường dẫn không hợp lệ / not a relative path inside the package");
		return 0;
	}
	for (;;) {
		const char *slash = strchr(p, '/');
		size_t len = slash ? (size_t)(slash - p) : strlen(p);
		if (len == 0 || (len == 1 && p[0] == '.') || (len == 2 && p[0] == '.' && p[1] == '.')) {
			problem(c, href, "đường dẫn không hợp lệ / path with an empty, . or .. part");
			return 0;
		}
		n = (size_t)snprintf(path, size, "%s/%.*s", c->dir, (int)((p + len) - href), href);
		if (n >= size) {
			problem(c, href, "path too long");
			return 0;
		}
		if (lstat(path, &st) != 0) {
			problem(c, href, "thiếu tệp / missing (%s)", strerror(errno));
			return 0;
		}
		if (!slash)
			break;
		if (!S_ISDIR(st.st_mode)) {
			problem(c, href, "%.*s is not a folder", (int)((p + len) - href), href);
			return 0;
		}
		p = slash + 1;
	}
	if (!S_ISREG(st.st_mode)) {
		problem(c, href, "không phải tệp thường / not a regular file");
		return 0;
	}
	return 1;
}

static const char *
attr(xmlNodePtr n, const char *name, const char *ns, char *buf, size_t size)
{
	xmlChar *v = ns ? xmlGetNsProp(n, BAD_CAST name, BAD_CAST ns)
	    : xmlGetNoNsProp(n, BAD_CAST name);

	if (!v)
		return NULL;
	snprintf(buf, size, "%s", (const char *)v);
	xmlFree(v);
	return buf;
}

/* Checks one file METS references from node n (an mdRef or a file whose
 * FLocat gives the href).  schema < 0: no XML validation. */
static void
check_ref(pkg_checker *c, xmlNodePtr n, const char *href, int schema)
{
	char path[PATH_MAX], size_s[32], sum[160], type[32];
	char got[SOHOA_HASH_TEXT_MAX];
	long long size = -1;
	sohoa_error e;

	sohoa_error_clear(&e);
	if (is_known(c, href)) {
		problem(c, href, "METS.xml references this file twice");
		return;
	}
	remember(c, href);
	if (!attr(n, "CHECKSUM", NULL, sum, sizeof sum)
	    || !attr(n, "CHECKSUMTYPE", NULL, type, sizeof type)
	    || !attr(n, "SIZE", NULL, size_s, sizeof size_s)) {
		problem(c, href, "METS.xml gives no CHECKSUM, CHECKSUMTYPE or SIZE for it");
		return;
	}
	if (strcmp(type, "SHA-256")) {
		problem(c, href, "CHECKSUMTYPE %s is not SHA-256", type);
		return;
	}
	if (!safe_target(c, href, path, sizeof path))
		return;
	if (schema >= 0) {
		char *buf = NULL;
		size_t len = 0;
		sohoa_hash *h;

		if (sohoa_fs_read_file(path, PKG_XML_MAX, &buf, &len, &e) != SOHOA_OK) {
			problem(c, href, "%s", e.msg);
			return;
		}
		h = sohoa_hash_new("sha256");
		if (!h || sohoa_hash_update(h, buf, len) != 0 || sohoa_hash_final(h, got) != 0) {
			c->oom = 1;
			got[0] = '\0';
		}
		sohoa_hash_free(h);
		size = (long long)len;
		sohoa_error_clear(&e);
		if (pkg_validate_buffer(c->sch, (pkg_schema_id)schema, href, buf, len, &e)
		    != SOHOA_OK)
			problem(c, href, "%s", e.msg);
		else
			c->rep->xml_validated++;
		free(buf);
	} else if (sohoa_hash_file(path, "sha256", got, &size, &e) != SOHOA_OK) {
		problem(c, href, "%s", e.msg);
		return;
	}
	c->rep->files_checked++;
	if (size != strtoll(size_s, NULL, 10))
		problem(c, href, "kích thước %lld byte, METS.xml ghi %s / size differs from METS",
		    size, size_s);
	if (got[0] && strcasecmp(got + strlen("sha256:"), sum))
		problem(c, href, "SHA-256 khác với METS.xml / checksum differs from METS "
		    "(%s, expected %s)", got + strlen("sha256:"), sum);
}

static int
is_mets(xmlNodePtr n, const char *name)
{
	return n->type == XML_ELEMENT_NODE && n->ns && !strcmp((const char *)n->ns->href, PKG_METS_NS)
	    && !strcmp((const char *)n->name, name);
}

/* Every mdRef and file of the METS tree under n. */
static void
walk_mets(pkg_checker *c, xmlNodePtr n, int seen[PKG_SCHEMA_COUNT])
{
	char href[1024], mdtype[64], other[64];

	for (; n; n = n->next) {
		if (n->type != XML_ELEMENT_NODE)
			continue;
		if (is_mets(n, "mdRef")) {
			int schema = -1;
			if (!attr(n, "href", PKG_XLINK_NS, href, sizeof href)) {
				problem(c, PKG_METS, "an mdRef without xlink:href (line %ld)",
				    xmlGetLineNo(n));
				continue;
			}
			if (!attr(n, "MDTYPE", NULL, mdtype, sizeof mdtype))
				mdtype[0] = '\0';
			if (!attr(n, "OTHERMDTYPE", NULL, other, sizeof other))
				other[0] = '\0';
			if (!strcmp(mdtype, "PREMIS"))
				schema = PKG_SCHEMA_PREMIS;
			else if (!strcmp(mdtype, "OTHER") && !strcmp(other, PKG_MDTYPE_EAD))
				schema = PKG_SCHEMA_EAD;
			else if (!strcmp(mdtype, "OTHER") && !strcmp(other, PKG_MDTYPE_EAD_DOC))
				schema = PKG_SCHEMA_EAD_DOC;
			if (schema >= 0)
				seen[schema]++;
			check_ref(c, n, href, schema);
		} else if (is_mets(n, "file")) {
			xmlNodePtr f;
			for (f = n->children; f && !is_mets(f, "FLocat"); f = f->next)
				;
			if (!f || !attr(f, "href", PKG_XLINK_NS, href, sizeof href))
				problem(c, PKG_METS, "a file without FLocat/@xlink:href (line %ld)",
				    xmlGetLineNo(n));
			else
				/* The representation's METS is validated too. */
				check_ref(c, n, href, !strcmp(href, PKG_REP_METS) ? PKG_SCHEMA_METS : -1);
		}
		walk_mets(c, n->children, seen);
	}
}

/* Every entry of the package tree that METS does not account for. */
static void
walk_disk(pkg_checker *c, const char *rel)
{
	char path[PATH_MAX];
	DIR *d;
	struct dirent *de;

	snprintf(path, sizeof path, "%s%s%s", c->dir, rel[0] ? "/" : "", rel);
	if (!(d = opendir(path))) {
		problem(c, rel[0] ? rel : ".", "cannot open folder: %s", strerror(errno));
		return;
	}
	while ((de = readdir(d)) != NULL) {
		char sub[PATH_MAX], full[PATH_MAX * 2];
		struct stat st;

		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if ((size_t)snprintf(sub, sizeof sub, "%s%s%s", rel, rel[0] ? "/" : "", de->d_name)
		    >= sizeof sub)
			continue;
		snprintf(full, sizeof full, "%s/%s", c->dir, sub);
		if (lstat(full, &st) != 0)
			continue;
		if (S_ISDIR(st.st_mode))
			walk_disk(c, sub);
		else if (!S_ISREG(st.st_mode))
			problem(c, sub, "không phải tệp thường / not a regular file");
		else if (strcmp(sub, PKG_METS) && !is_known(c, sub))
			problem(c, sub, "tệp không có trong METS.xml / not listed in METS.xml");
	}
	closedir(d);
}

sohoa_status
sohoa_package_check(const char *dir, const sohoa_package_schemas *schemas,
    const char *mets_hash, sohoa_package_report *rep, sohoa_error *err)
{
	pkg_checker c = { 0 };
	sohoa_package_schemas *own = NULL;
	sohoa_error local, e;
	char path[PATH_MAX], objid[256], name[256], got[SOHOA_HASH_TEXT_MAX];
	char *buf = NULL;
	size_t len = 0;
	xmlParserCtxtPtr pc = NULL;
	xmlDocPtr doc = NULL;
	xmlNodePtr root;
	int seen[PKG_SCHEMA_COUNT] = { 0 };
	const char *base;
	sohoa_status st = SOHOA_OK;

	if (!err) {
		sohoa_error_clear(&local);
		err = &local;
	}
	sohoa_error_clear(&e);
	c.dir = dir;
	c.rep = rep;
	c.err = err;
	if (!schemas) {
		snprintf(path, sizeof path, "%s/schemas", dir);
		if (!(own = pkg_schemas_open(path, 0, &e))) {
			problem(&c, "schemas", "%s", e.msg);
			return SOHOA_BAD_INPUT;
		}
		schemas = own;
	}
	c.sch = schemas;

	snprintf(path, sizeof path, "%s/%s", dir, PKG_METS);
	if (sohoa_fs_read_file(path, PKG_XML_MAX, &buf, &len, &e) != SOHOA_OK) {
		problem(&c, PKG_METS, "%s", e.msg);
		goto out;
	}
	{
		sohoa_hash *h = sohoa_hash_new("sha256");
		if (!h || sohoa_hash_update(h, buf, len) != 0 || sohoa_hash_final(h, got) != 0)
			c.oom = 1;
		sohoa_hash_free(h);
	}
	if (mets_hash && mets_hash[0] && !c.oom) {
		rep->mets_hash_checked = 1;
		if (strcasecmp(got, mets_hash))
			problem(&c, PKG_METS, "SHA-256 khác với bản ghi trong danh mục / differs from "
			    "the catalog's (%s, expected %s)", got, mets_hash);
	}
	sohoa_error_clear(&e);
	if (pkg_validate_buffer(schemas, PKG_SCHEMA_METS, PKG_METS, buf, len, &e) != SOHOA_OK)
		problem(&c, PKG_METS, "%s", e.msg);
	else
		rep->xml_validated++;
	rep->files_checked++;

	pc = xmlNewParserCtxt();
	doc = pc ? xmlCtxtReadMemory(pc, buf, (int)len, PKG_METS, "UTF-8",
	    XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING) : NULL;
	if (!doc) {
		if (!pc)
			c.oom = 1;
		goto out;   /* not well-formed: already reported */
	}
	root = xmlDocGetRootElement(doc);
	if (!root || !is_mets(root, "mets")) {
		problem(&c, PKG_METS, "the root element is not mets:mets");
		goto out;
	}
	/* The folder is named after the OBJID. */
	base = strrchr(dir, '/');
	base = base && base[1] ? base + 1 : dir;
	if (attr(root, "OBJID", NULL, objid, sizeof objid)) {
		for (size_t i = 0; i <= strlen(objid) && i < sizeof name; i++)
			name[i] = (char)(objid[i] && !(objid[i] >= 'A' && objid[i] <= 'Z')
			    && !(objid[i] >= 'a' && objid[i] <= 'z') && !(objid[i] >= '0'
			    && objid[i] <= '9') && objid[i] != '.' && objid[i] != '_' && objid[i] != '-'
			    ? '_' : objid[i]);
		name[sizeof name - 1] = '\0';
		if (strcmp(name, base))
			problem(&c, PKG_METS, "OBJID %s does not match the folder name %s", objid,
			    base);
	} else {
		problem(&c, PKG_METS, "no OBJID");
	}
	walk_mets(&c, root, seen);
	if (seen[PKG_SCHEMA_EAD] != 1)
		problem(&c, PKG_EAD, "METS.xml must reference EAD.xml once (found %d)",
		    seen[PKG_SCHEMA_EAD]);
	/* A SIP of a whole hồ sơ has one EAD_doc per document (package.h). */
	if (seen[PKG_SCHEMA_EAD_DOC] < 1)
		problem(&c, PKG_EAD_DOC, "METS.xml references no EAD_doc document");
	if (seen[PKG_SCHEMA_PREMIS] < 1)
		problem(&c, PKG_PREMIS, "METS.xml references no PREMIS document");
	walk_disk(&c, "");
out:
	if (c.oom && !c.found)
		st = sohoa_error_set(err, SOHOA_RETRY, SOHOA_REASON_NONE,
		    "package check: out of memory");
	else if (c.found)
		st = SOHOA_BAD_INPUT;
	xmlFreeDoc(doc);
	xmlFreeParserCtxt(pc);
	free(buf);
	for (int i = 0; i < c.nknown; i++)
		free(c.known[i]);
	free(c.known);
	sohoa_package_schemas_free(own);
	return st;
}
