/*
 * package.c - writing a TT 05/2025 package: checks the input, builds and
 * validates the descriptive documents before touching the disk, then
 * assembles the package in a hidden temp folder beside its final place and
 * swaps it in.
 *
 * Crash-safety invariants:
 *   1. dest_parent/<name> is at any instant either absent, the complete old
 *      package or the complete new one: it is only ever changed by a
 *      rename() of a fully written, fsync()ed folder.
 *   2. Every file of a package and every folder in it is fsync()ed before
 *      the folder is renamed into place, and dest_parent is fsync()ed after.
 *      Inside the temp folder files are created under their final names
 *      (nobody sees them before the folder's rename) and synced together in
 *      one pass at the end (sohoa_fs_batch_sync()): a journal commit or so
 *      per package instead of two per file.
 *   3. A crash leaves at most a ".<name>.tmp-*" folder (never referenced;
 *      sohoa_package_recover() removes it) or, on filesystems without
 *      RENAME_EXCHANGE, a ".<name>.old-*" folder which recover puts back
 *      if the new package did not arrive.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libxml/parser.h>

#include "package_int.h"
#include "sohoa/fault.h"
#include "sohoa/fsutil.h"

/* Files are read-only; folders are the group's too, so that sohoa-web (in
 * the store's group) can rewrite a package sohoad wrote and back
 * (SECURITY.md, "sohoa-web's own user"); others cannot reach them. */
#define PKG_FILE_MODE 0444
#define PKG_DIR_MODE 0770

/* Folders of a package, parents first. */
static const char *const pkg_dirs[] = { "metadata", "metadata/descriptive",
	"metadata/preservation", "representations", "representations/rep1", PKG_REP_DATA,
	"schemas", "documentation", NULL };

static int
valid_uuid(const char *u)
{
	if (!u || strlen(u) != 36)
		return 0;
	for (int i = 0; i < 36; i++) {
		if (i == 8 || i == 13 || i == 18 || i == 23) {
			if (u[i] != '-')
				return 0;
		} else if (!isxdigit((unsigned char)u[i])) {
			return 0;
		}
	}
	return 1;
}

/* A name that is safe as one path component everywhere (Windows shares
 * included): [A-Za-z0-9._-], not starting with '.'. */
static int
safe_name(const char *s)
{
	if (!s || !*s || *s == '.' || strlen(s) > 200)
		return 0;
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && *s != '.' && *s != '_' && *s != '-')
			return 0;
	return 1;
}

sohoa_status
sohoa_package_objid(const sohoa_package_input *in, char *out, size_t size, char *name,
    size_t name_size, sohoa_error *err)
{
	char uuid[37];
	int n;

	if (!valid_uuid(in->uuid))
		return sohoa_error_set(err, SOHOA_BAD_INPUT, SOHOA_REASON_NONE,
		    "package: \"%s\" is not a UUID", in->uuid ? in->uuid : "(null)");
	for (int i = 0; i < 37; i++)
		uuid[i] = (char)(in->kind == SOHOA_PACKAGE_SIP ? toupper((unsigned char)in->uuid[i])
		    : tolower((unsigned char)in->uuid[i]));
	if (in->kind == SOHOA_PACKAGE_SIP) {
		n = snprintf(out, size, "uuid-%s", uuid);
	} else {
		const char *fonds = in->agency ? in->agency->fonds_code : NULL;
		if (!safe_name(fonds))
			return sohoa_error_set(err, SOHOA_BAD_INPUT, SOHOA_REASON_NONE,
			    "package: mã phông \"%s\" is missing or holds characters other than "
			    "A-Z a-z 0-9 . _ - (needed for the AIP OBJID)", fonds ? fonds : "");
		n = snprintf(out, size, "urn:%s:uuid:%s", fonds, uuid);
	}
	if (n < 0 || (size_t)n >= size)
		return sohoa_error_set(err, SOHOA_BAD_INPUT, SOHOA_REASON_NONE,
		    "package: OBJID too long");
	if (name) {
		if ((size_t)n >= name_size)
			return sohoa_error_set(err, SOHOA_BAD_INPUT, SOHOA_REASON_NONE,
			    "package: OBJID too long");
		for (int i = 0; i <= n; i++)
			name[i] = (char)(out[i] && !isalnum((unsigned char)out[i]) && out[i] != '.'
			    && out[i] != '_' && out[i] != '-' ? '_' : out[i]);
	}
	return SOHOA_OK;
}

static sohoa_status
check_input(const sohoa_package_input *in, sohoa_error *err)
{
	if (!in->doc_id || !in->doc_id[0])
		return sohoa_error_set(err, SOHOA_BAD_INPUT, SOHOA_REASON_NONE,
		    "package: docId (Mã định danh tài liệu) is required");
	if (!in->agency || !in->agency->agency_name || !in->agency->agency_name[0])
		return sohoa_error_set(err, SOHOA_BAD_INPUT, SOHOA_REASON_NONE,
		    "package: the agency name (tên cơ quan) is required");
	if (!in->software || !in->software[0] || !in->created || !in->created[0])
		return sohoa_error_set(err, SOHOA_BAD_INPUT, SOHOA_REASON_NONE,
		    "package: software and created are required");
	if (in->nfiles < 1 || !in->files)
		return sohoa_error_set(err, SOHOA_BAD_INPUT, SOHOA_REASON_NONE,
		    "package: a package needs at least one file");
	if (in->nevents < 0 || (in->nevents > 0 && !in->events))
		return sohoa_error_set(err, SOHOA_BAD_INPUT, SOHOA_REASON_NONE,
		    "package: bad event list");
	for (int i = 0; i < in->nfiles; i++) {
		const sohoa_package_file *f = &in->files[i];
		if (!f->src_path || !safe_name(f->name) || !f->mimetype || !f->mimetype[0])
			return sohoa_error_set(err, SOHOA_BAD_INPUT, SOHOA_REASON_NONE,
			    "package: file %d: needs a source, a MIME type and a name of "
			    "A-Z a-z 0-9 . _ - (got \"%s\")", i + 1, f->name ? f->name : "");
		for (int j = 0; j < i; j++)
			if (!strcmp(in->files[j].name, f->name))
				return sohoa_error_set(err, SOHOA_BAD_INPUT, SOHOA_REASON_NONE,
				    "package: two files named %s", f->name);
	}
	for (int i = 0; i < in->nevents; i++)
		if (!in->events[i].type || !in->events[i].type[0] || !in->events[i].at)
			return sohoa_error_set(err, SOHOA_BAD_INPUT, SOHOA_REASON_NONE,
			    "package: event %d needs a type and a time", i + 1);
	return SOHOA_OK;
}

/* Serializes and validates one document; the bytes go to *buf (caller frees). */
static sohoa_status
render(const sohoa_package_schemas *sch, pkg_schema_id id, const char *what, xmlDocPtr doc,
    char **buf, size_t *len, sohoa_error *err)
{
	sohoa_status st;

	*buf = NULL;
	if (!doc)
		return err && err->status != SOHOA_OK ? err->status : SOHOA_FATAL;
	*buf = pkg_serialize(doc, len);
	xmlFreeDoc(doc);
	if (!*buf)
		return sohoa_error_oom(err);
	st = pkg_validate_buffer(sch, id, what, *buf, *len, err);
	if (st != SOHOA_OK) {
		free(*buf);
		*buf = NULL;
	}
	return st;
}

static sohoa_status
hash_buffer(const char *buf, size_t len, pkg_entry *e, sohoa_error *err)
{
	sohoa_hash *h = sohoa_hash_new("sha256");

	if (!h)
		return sohoa_error_oom(err);
	sohoa_hash_update(h, buf, len);
	if (sohoa_hash_final(h, e->hash) != 0) {
		sohoa_hash_free(h);
		return sohoa_error_set(err, SOHOA_FATAL, SOHOA_REASON_NONE, "digest failed");
	}
	sohoa_hash_free(h);
	e->size = (long long)len;
	return SOHOA_OK;
}

/* Writes buf as root/rel (durable at sohoa_fs_batch_sync()) and records it
 * in e. */
static sohoa_status
store(sohoa_fs_batch *b, const char *root, const char *rel, const char *buf, size_t len,
    const char *mimetype, pkg_entry *e, sohoa_error *err)
{
	char path[PATH_MAX];

	if ((size_t)snprintf(path, sizeof path, "%s/%s", root, rel) >= sizeof path)
		return sohoa_error_set(err, SOHOA_FATAL, SOHOA_REASON_NONE, "%s: path too long", rel);
	snprintf(e->path, sizeof e->path, "%s", rel);
	e->mimetype = mimetype;
	e->use = NULL;
	if (hash_buffer(buf, len, e, err) != SOHOA_OK)
		return err->status;
	return sohoa_fs_batch_write(b, path, buf, len, PKG_FILE_MODE, err);
}

/* Copies src to root/rel (durable at sohoa_fs_batch_sync()) and records it
 * in e, with the digest of the bytes written, taken as they are copied. */
static sohoa_status
copy_in(sohoa_fs_batch *b, const char *root, const char *rel, const char *src,
    const char *mimetype, const char *use, pkg_entry *e, sohoa_error *err)
{
	char path[PATH_MAX];
	sohoa_hash *h;
	sohoa_status st;

	if ((size_t)snprintf(path, sizeof path, "%s/%s", root, rel) >= sizeof path)
		return sohoa_error_set(err, SOHOA_FATAL, SOHOA_REASON_NONE, "%s: path too long", rel);
	snprintf(e->path, sizeof e->path, "%s", rel);
	e->mimetype = mimetype;
	e->use = use;
	if (!(h = sohoa_hash_new("sha256")))
		return sohoa_error_oom(err);
	st = sohoa_fs_batch_copy(b, src, path, PKG_FILE_MODE, h, &e->size, err);
	if (st == SOHOA_OK && sohoa_hash_final(h, e->hash) != 0)
		st = sohoa_error_set(err, SOHOA_FATAL, SOHOA_REASON_NONE, "digest failed");
	sohoa_hash_free(h);
	return st;
}

/* The final step: tmp becomes dest, replacing whatever was there
 * (fsutil.h's folder swap).  Where the filesystem cannot exchange, the old
 * package is set aside as .<name>.old-NNNNNN, which
 * sohoa_package_recover() knows. */
static sohoa_status
swap_in(const char *parent, const char *tmp, const char *dest, const char *name,
    sohoa_error *err)
{
	char old[PATH_MAX];
	struct stat st;

	for (int i = 0;; i++) {
		if ((size_t)snprintf(old, sizeof old, "%s/.%s.old-%06d", parent, name, i)
		    >= sizeof old)
			return sohoa_error_set(err, SOHOA_FATAL, SOHOA_REASON_NONE, "path too long");
		if (lstat(old, &st) != 0)
			break;
	}
	return sohoa_fs_swap_dir(tmp, dest, old, err);
}

sohoa_status
sohoa_package_write(const sohoa_package_input *in, const sohoa_package_schemas *sch,
    const char *dest_parent, sohoa_package_result *res, sohoa_error *err)
{
	char name[160], tmp[PATH_MAX], dest[PATH_MAX], rel[PATH_MAX];
	char *ead = NULL, *ead_doc = NULL, *premis = NULL, *mets = NULL, *rep_mets = NULL;
	size_t ead_len = 0, ead_doc_len = 0, premis_len = 0, mets_len = 0, rep_mets_len = 0;
	pkg_entry meta[3], *rep = NULL, *shipped = NULL, mets_entry, rep_mets_entry;
	pkg_entry docs[8], schemas[8];
	int ndocs = 0, nschemas = 0, made_tmp = 0;
	sohoa_fs_batch *batch = NULL;
	sohoa_status st;
	sohoa_error local;

	if (!err) {
		sohoa_error_clear(&local);
		err = &local;
	}
	memset(res, 0, sizeof *res);
	if (!sch)
		return sohoa_error_set(err, SOHOA_FATAL, SOHOA_REASON_NONE, "package: no schemas");
	if ((st = check_input(in, err)) != SOHOA_OK)
		return st;
	if ((st = sohoa_package_objid(in, res->objid, sizeof res->objid, name, sizeof name,
	    err)) != SOHOA_OK)
		return st;

	/* The descriptive documents depend on nothing on disk: a bad field is
	 * refused before anything is written. */
	if ((st = render(sch, PKG_SCHEMA_EAD, "EAD.xml", pkg_build_ead(in, err), &ead, &ead_len,
	    err)) != SOHOA_OK)
		goto out;
	if ((st = render(sch, PKG_SCHEMA_EAD_DOC, "EAD_doc.xml", pkg_build_ead_doc(in, err),
	    &ead_doc, &ead_doc_len, err)) != SOHOA_OK)
		goto out;

	if ((size_t)snprintf(dest, sizeof dest, "%s/%s", dest_parent, name) >= sizeof dest
	    || (size_t)snprintf(tmp, sizeof tmp, "%s/.%s.tmp-XXXXXX", dest_parent, name)
	    >= sizeof tmp) {
		st = sohoa_error_set(err, SOHOA_FATAL, SOHOA_REASON_NONE, "package: path too long");
		goto out;
	}
	if (!mkdtemp(tmp)) {
		st = sohoa_error_set(err, errno == ENOSPC || errno == EDQUOT ? SOHOA_RETRY
		    : SOHOA_FATAL, SOHOA_REASON_NONE, "create %s: %s", tmp, strerror(errno));
		goto out;
	}
	made_tmp = 1;
	if (sohoa_fs_chmod_shared(tmp, PKG_DIR_MODE) != 0) {
		st = sohoa_error_set(err, SOHOA_FATAL, SOHOA_REASON_NONE, "chmod %s: %s", tmp,
		    strerror(errno));
		goto out;
	}
	if (!(batch = sohoa_fs_batch_new())) {
		st = sohoa_error_oom(err);
		goto out;
	}
	if ((st = sohoa_fs_batch_add_dir(batch, tmp, err)) != SOHOA_OK)
		goto out;
	for (int i = 0; pkg_dirs[i]; i++) {
		snprintf(rel, sizeof rel, "%s/%s", tmp, pkg_dirs[i]);
		if ((st = sohoa_fs_batch_mkdir(batch, rel, PKG_DIR_MODE, err)) != SOHOA_OK)
			goto out;
	}

	rep = calloc((size_t)in->nfiles, sizeof *rep);
	shipped = calloc((size_t)pkg_nshipped, sizeof *shipped);
	if (!rep || !shipped) {
		st = sohoa_error_oom(err);
		goto out;
	}
	for (int i = 0; i < in->nfiles; i++) {
		const sohoa_package_file *f = &in->files[i];
		snprintf(rel, sizeof rel, "%s/%s", PKG_REP_DATA, f->name);
		if ((st = copy_in(batch, tmp, rel, f->src_path, f->mimetype, f->use, &rep[i], err))
		    != SOHOA_OK)
			goto out;
	}
	/* The shipped files come from memory (read and hashed once, when the
	 * schemas were opened). */
	for (int i = 0; i < pkg_nshipped; i++) {
		const pkg_shipped *s = &pkg_shipped_files[i];
		const pkg_shipped_copy *c = &sch->shipped[i];
		char path[PATH_MAX];
		pkg_entry *e = &shipped[i];

		if (!c->data) {
			st = sohoa_error_set(err, SOHOA_FATAL, SOHOA_REASON_NONE,
			    "package: %s not loaded (schemas not opened for writing)", s->name);
			goto out;
		}
		snprintf(e->path, sizeof e->path, "%s/%s", s->folder, s->name);
		snprintf(e->hash, sizeof e->hash, "%s", c->hash);
		e->size = (long long)c->len;
		e->mimetype = s->mimetype;
		e->use = NULL;
		snprintf(path, sizeof path, "%s/%s", tmp, e->path);
		if ((st = sohoa_fs_batch_write(batch, path, c->data, c->len, PKG_FILE_MODE, err))
		    != SOHOA_OK)
			goto out;
		*(!strcmp(s->folder, "documentation") ? &docs[ndocs++] : &schemas[nschemas++]) = *e;
	}

	if ((st = store(batch, tmp, PKG_EAD, ead, ead_len, "text/xml", &meta[0], err))
	    != SOHOA_OK
	    || (st = store(batch, tmp, PKG_EAD_DOC, ead_doc, ead_doc_len, "text/xml", &meta[1],
	    err)) != SOHOA_OK)
		goto out;
	if ((st = render(sch, PKG_SCHEMA_PREMIS, "PREMIS.xml",
	    pkg_build_premis(in, rep, in->nfiles, err), &premis, &premis_len, err)) != SOHOA_OK
	    || (st = store(batch, tmp, PKG_PREMIS, premis, premis_len, "text/xml", &meta[2],
	    err)) != SOHOA_OK)
		goto out;
	/* The representation's own METS (CSIP109, CSIPSTR12), which METS.xml
	 * lists and points at. */
	if ((st = render(sch, PKG_SCHEMA_METS, PKG_REP_METS,
	    pkg_build_rep_mets(res->objid, in->kind == SOHOA_PACKAGE_SIP, in->software, in->created,
	    rep, in->nfiles, err), &rep_mets, &rep_mets_len, err)) != SOHOA_OK
	    || (st = store(batch, tmp, PKG_REP_METS, rep_mets, rep_mets_len, "text/xml",
	    &rep_mets_entry, err)) != SOHOA_OK)
		goto out;
	if ((st = render(sch, PKG_SCHEMA_METS, "METS.xml",
	    pkg_build_mets(in, res->objid, meta, docs, ndocs, schemas, nschemas, rep, in->nfiles,
	    &rep_mets_entry, err), &mets, &mets_len, err)) != SOHOA_OK
	    || (st = store(batch, tmp, PKG_METS, mets, mets_len, "text/xml", &mets_entry, err))
	    != SOHOA_OK)
		goto out;

	/* Every file, then every folder (deepest first, the root last), in
	 * one pass: invariant 2. */
	if ((st = sohoa_fs_batch_sync(batch, err)) != SOHOA_OK)
		goto out;
	if ((st = swap_in(dest_parent, tmp, dest, name, err)) != SOHOA_OK)
		goto out;
	made_tmp = 0;
	snprintf(res->dir, sizeof res->dir, "%s", dest);
	snprintf(res->mets_hash, sizeof res->mets_hash, "%s", mets_entry.hash);
	st = SOHOA_OK;
out:
	/* Closed before the temp folder goes. */
	sohoa_fs_batch_free(batch);
	if (made_tmp) {
		sohoa_error scratch;
		sohoa_error_clear(&scratch);
		sohoa_fs_remove_tree(tmp, &scratch);
	}
	free(ead);
	free(ead_doc);
	free(premis);
	free(mets);
	free(rep_mets);
	free(rep);
	free(shipped);
	return st;
}

void
sohoa_package_createdate(const char *dir, char *out, size_t size)
{
	char path[PATH_MAX];
	xmlDocPtr doc;
	xmlNodePtr n;

	if (size)
		out[0] = '\0';
	if (!dir || (size_t)snprintf(path, sizeof path, "%s/%s", dir, PKG_METS) >= sizeof path)
		return;
	doc = xmlReadFile(path, NULL, XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	if (!doc)
		return;
	for (n = xmlDocGetRootElement(doc); n && n->children; ) {
		xmlNodePtr c = n->children;
		while (c && !(c->type == XML_ELEMENT_NODE && !xmlStrcmp(c->name, BAD_CAST "metsHdr")))
			c = c->next;
		if (c) {
			xmlChar *v = xmlGetProp(c, BAD_CAST "CREATEDATE");
			if (v && size)
				snprintf(out, size, "%s", (const char *)v);
			xmlFree(v);
		}
		break;
	}
	xmlFreeDoc(doc);
}

/* ".<name>.<kind>-<suffix>" -> name, for kind "tmp" or "old". */
static int
leftover(const char *entry, const char *kind, char *name, size_t size)
{
	char marker[16];
	const char *p;

	if (entry[0] != '.')
		return 0;
	snprintf(marker, sizeof marker, ".%s-", kind);
	p = strstr(entry + 1, marker);
	if (!p || p == entry + 1)
		return 0;
	if ((size_t)(p - entry - 1) >= size)
		return 0;
	snprintf(name, size, "%.*s", (int)(p - entry - 1), entry + 1);
	return 1;
}

sohoa_status
sohoa_package_recover(const char *dest_parent, sohoa_error *err)
{
	DIR *d = opendir(dest_parent);
	struct dirent *de;
	sohoa_status st = SOHOA_OK;

	if (!d)
		return sohoa_error_set(err, errno == ENOENT ? SOHOA_OK : SOHOA_FATAL,
		    SOHOA_REASON_NONE, "open %s: %s", dest_parent, strerror(errno));
	while ((de = readdir(d)) != NULL) {
		char name[256], path[PATH_MAX], dest[PATH_MAX];
		struct stat sb;
		sohoa_status r = SOHOA_OK;

		if ((size_t)snprintf(path, sizeof path, "%s/%s", dest_parent, de->d_name)
		    >= sizeof path)
			continue;
		/* Only folders named like packages are touched: dest_parent may
		 * hold other things. */
		if (lstat(path, &sb) != 0 || !S_ISDIR(sb.st_mode)
		    || (strncmp(de->d_name, ".urn_", 5) && strncmp(de->d_name, ".uuid-", 6)))
			continue;
		if (leftover(de->d_name, "tmp", name, sizeof name)) {
			r = sohoa_fs_remove_tree(path, err);
		} else if (leftover(de->d_name, "old", name, sizeof name)) {
			snprintf(dest, sizeof dest, "%s/%s", dest_parent, name);
			if (lstat(dest, &sb) == 0)
				r = sohoa_fs_remove_tree(path, err);
			else
				r = sohoa_fs_rename(path, dest, err);
		}
		if (r != SOHOA_OK && st == SOHOA_OK)
			st = r;
	}
	closedir(d);
	return st;
}
