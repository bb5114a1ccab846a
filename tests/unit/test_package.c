/*
 * test_package.c - TT 05/2025 packages (package.h) on real files: the
 * layout, validation by xmllint against the official METS schema and the
 * project's XSDs, checksums against sha256sum, sohoa_package_check() on
 * intact and damaged packages, invalid fields, reproducibility and
 * atomic replacement.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <leptonica/allheaders.h>
#include <libxml/parser.h>

#include "test.h"
#include "fixture.h"
#include "sohoa/package.h"
#include "sohoa/fsutil.h"

#define UUID "3f2b8c1e-5d4a-4e6b-9c7d-0a1b2c3d4e5f"
#define FOLDER "urn_VB01_uuid_" UUID

static char schemas_dir[PATH_MAX];       /* <source>/schemas/xml */
static char official_mets[PATH_MAX];     /* the reference copy, if this machine has it */
static sohoa_package_schemas *sch;

/* ---- fixtures --------------------------------------------------------- */

typedef struct fixture {
	sohoa_fields doc;
	sohoa_hoso hoso;
	sohoa_package_agency agency;
	sohoa_package_file files[2];
	sohoa_package_event events[3];
	sohoa_package_input in;
} fixture;

static void
write_bytes(const char *path, const char *data, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);

	CHECKM(fd >= 0, strerror(errno));
	if (fd < 0)
		return;
	CHECK(write(fd, data, len) == (ssize_t)len);
	close(fd);
}

/* A small grey PNG made by Leptonica, and a stand-in for the PDF/A. */
static void
make_scan_files(void)
{
	PIX *pix = pixCreate(64, 48, 8);
	static const char pdf[] = "%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj << >> endobj\n%%EOF\n";

	CHECK(pix != NULL);
	pixSetAllArbitrary(pix, 200);
	pixSetPixel(pix, 3, 4, 0);
	CHECK(pixWrite("scan.png", pix, IFF_PNG) == 0);
	pixDestroy(&pix);
	write_bytes("doc.pdf", pdf, sizeof pdf - 1);
}

static void
fixture_init(fixture *fx)
{
	sohoa_error err;

	memset(fx, 0, sizeof *fx);
	make_scan_files();
	sohoa_fields_init(&fx->doc);
	sohoa_hoso_init(&fx->hoso);
	sohoa_fields_set(&fx->doc, SOHOA_F_CODE_NUMBER, "15", "ocr", 0.98);
	sohoa_fields_set(&fx->doc, SOHOA_F_CODE_NOTATION, "QĐ-UBND", "ocr", 0.97);
	sohoa_fields_set(&fx->doc, SOHOA_F_ISSUED_DATE, "2024-03-05", "ocr", 0.95);
	sohoa_fields_set(&fx->doc, SOHOA_F_TYPE_NAME, "02", "ocr", 0.99);
	sohoa_fields_set(&fx->doc, SOHOA_F_ORGAN_NAME, "Ủy ban nhân dân xã Văn Bình", "ocr", 0.9);
	sohoa_fields_set(&fx->doc, SOHOA_F_SUBJECT,
	    "Về việc giao đất ở cho hộ gia đình <Nguyễn Văn A> & bà \"Trần Thị B\"", "ocr", 0.9);
	sohoa_fields_set(&fx->doc, SOHOA_F_NUMBER_OF_PAGE, "2", "ocr", 1);
	sohoa_fields_set(&fx->doc, SOHOA_F_SIGNER_NAME, "Lê Văn C", "ocr", 0.8);
	sohoa_error_clear(&err);
	CHECK(sohoa_hoso_set(&fx->hoso, SOHOA_H_FILE_CODE, "000.00.01.H26.2024.01", "sidecar", &err)
	    == SOHOA_OK);
	CHECK(sohoa_hoso_set(&fx->hoso, SOHOA_H_TITLE, "Hồ sơ giao đất năm 2024", "sidecar", &err)
	    == SOHOA_OK);
	CHECK(sohoa_hoso_set(&fx->hoso, SOHOA_H_MAINTENANCE, "Vĩnh viễn", "sidecar", &err)
	    == SOHOA_OK);
	CHECK(sohoa_hoso_set(&fx->hoso, SOHOA_H_MODE, "01", "config", &err) == SOHOA_OK);
	CHECK(sohoa_hoso_set(&fx->hoso, SOHOA_H_LANGUAGE, "01", "config", &err) == SOHOA_OK);
	CHECK(sohoa_hoso_set(&fx->hoso, SOHOA_H_START_DATE, "02/01/2024", "sidecar", &err)
	    == SOHOA_OK);
	CHECK(sohoa_hoso_set(&fx->hoso, SOHOA_H_CONFIDENCE_LEVEL, "02", "config", &err)
	    == SOHOA_OK);
	CHECK(sohoa_hoso_set(&fx->hoso, SOHOA_H_PAPER_FILE_CODE, "H26.K1/G2/H3.15", "sidecar", &err)
	    == SOHOA_OK);
	CHECK(sohoa_hoso_set(&fx->hoso, SOHOA_H_RISK_RECOVERY, "0", "config", &err) == SOHOA_OK);
	CHECK(sohoa_hoso_set(&fx->hoso, SOHOA_H_TOTAL_DOC, "3", "folder", &err) == SOHOA_OK);
	CHECK(sohoa_hoso_set(&fx->hoso, SOHOA_H_NUMBER_OF_PAPER, "4", "folder", &err) == SOHOA_OK);
	CHECK(sohoa_hoso_set(&fx->hoso, SOHOA_H_NUMBER_OF_PAGE, "4", "folder", &err) == SOHOA_OK);
	CHECKM(err.status == SOHOA_OK, err.msg);

	fx->agency.agency_name = "UBND xã Văn Bình";
	fx->agency.agency_code = "000.00.01.H26";
	fx->agency.fonds_code = "VB01";
	fx->files[0] = (sohoa_package_file){ "scan.png", "scan.png", "image/png", "preservation",
		"Quyết định 15.png" };
	fx->files[1] = (sohoa_package_file){ "doc.pdf", "VB01.2024.000042.pdf", "application/pdf",
		"access", NULL };
	fx->events[0] = (sohoa_package_event){ "ingestion", "2024-03-06T08:00:00.000Z",
		"sohoad 0.1.0", "success", "inbox/Hồ sơ 1/Quyết định 15.png" };
	fx->events[1] = (sohoa_package_event){ "message digest calculation",
		"2024-03-06T08:00:00.100Z", "sohoad 0.1.0", "success", NULL };
	fx->events[2] = (sohoa_package_event){ "ocr", "2024-03-06T08:00:09+07:00",
		"Nguyễn Thị Lưu Trữ", "success", "vie+eng, mean confidence 91" };
	fx->in.kind = SOHOA_PACKAGE_AIP;
	fx->in.record_id = 42;
	fx->in.doc_id = "VB01.2024.000042";
	fx->in.doc_seq = 3;
	fx->in.doc = &fx->doc;
	fx->in.hoso = &fx->hoso;
	fx->in.files = fx->files;
	fx->in.nfiles = 2;
	fx->in.events = fx->events;
	fx->in.nevents = 3;
	fx->in.agency = &fx->agency;
	fx->in.software = "sohoa 0.1.0";
	fx->in.created = "2024-03-06T08:01:00+07:00";
	fx->in.uuid = UUID;
}

static void
fixture_release(fixture *fx)
{
	sohoa_fields_release(&fx->doc);
	sohoa_hoso_release(&fx->hoso);
}

/* Writes the fixture's package under parent (created); the result in res. */
static sohoa_status
write_pkg(fixture *fx, const char *parent, sohoa_package_result *res, sohoa_error *err)
{
	sohoa_error_clear(err);
	mkdir(parent, 0755);
	return sohoa_package_write(&fx->in, sch, parent, res, err);
}

/* ---- helpers ---------------------------------------------------------- */

/* Runs a shell command; its exit status. */
static int
run(const char *fmt, const char *a, const char *b)
{
	char cmd[PATH_MAX * 3];

	snprintf(cmd, sizeof cmd, fmt, a, b);
	return system(cmd);
}

/* The hex SHA-256 of path by the sha256sum command, into out (65 bytes). */
static int
sha256sum(const char *path, char out[65])
{
	char cmd[PATH_MAX + 32];
	FILE *p;
	int ok;

	snprintf(cmd, sizeof cmd, "sha256sum '%s'", path);
	p = popen(cmd, "r");
	if (!p)
		return -1;
	ok = fscanf(p, "%64s", out) == 1;
	pclose(p);
	return ok ? 0 : -1;
}

/* Flips one bit of the byte at offset (from the end when negative; the
 * middle byte when the file is shorter). */
static void
flip_byte(const char *path, long offset)
{
	int fd;
	struct stat st;
	unsigned char c;

	chmod(path, 0644);
	fd = open(path, O_RDWR);
	CHECKM(fd >= 0, path);
	if (fd < 0)
		return;
	fstat(fd, &st);
	if (offset < 0)
		offset += st.st_size;
	if (offset >= st.st_size)
		offset = st.st_size / 2;
	CHECK(pread(fd, &c, 1, offset) == 1);
	c ^= 0x01;
	CHECK(pwrite(fd, &c, 1, offset) == 1);
	close(fd);
}

static int
has_problem(const sohoa_package_report *rep, const char *file)
{
	for (int i = 0; i < rep->nproblems; i++)
		if (!strcmp(rep->problems[i].file, file))
			return 1;
	return 0;
}

static void
print_problems(const sohoa_package_report *rep)
{
	for (int i = 0; i < rep->nproblems; i++)
		fprintf(stderr, "    problem: %s: %s\n", rep->problems[i].file, rep->problems[i].msg);
}

static int
count_entries(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	int n = 0;

	if (!d)
		return -1;
	while ((de = readdir(d)) != NULL)
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
			n++;
	closedir(d);
	return n;
}

/* ---- tests ------------------------------------------------------------ */

static void
test_layout_and_xmllint(void)
{
	fixture fx;
	sohoa_package_result res;
	sohoa_error err;
	static const char *const files[] = { "METS.xml", "metadata/descriptive/EAD.xml",
		"metadata/descriptive/EAD_doc.xml", "metadata/preservation/PREMIS.xml",
		"representations/rep1/data/scan.png",
		"representations/rep1/data/VB01.2024.000042.pdf", "schemas/mets.xsd",
		"schemas/xlink.xsd", "schemas/EAD.xsd", "schemas/EAD_doc.xsd",
		"schemas/TT05-types.xsd", "schemas/premis-v3.xsd",
		"schemas/DILCISExtensionMETS.xsd", "schemas/DILCISExtensionSIPMETS.xsd",
		"representations/rep1/METS.xml", "documentation/sohoa-mets-profile.md", NULL };
	char path[PATH_MAX * 2], xsd[PATH_MAX * 2];

	fixture_init(&fx);
	CHECKM(write_pkg(&fx, "out", &res, &err) == SOHOA_OK, err.msg);
	CHECK(strstr(res.dir, "out/" FOLDER) != NULL);
	CHECK_STR(res.objid, "urn:VB01:uuid:" UUID);
	CHECK(strncmp(res.mets_hash, "sha256:", 7) == 0 && strlen(res.mets_hash) == 71);
	for (int i = 0; files[i]; i++) {
		struct stat st;
		snprintf(path, sizeof path, "%s/%s", res.dir, files[i]);
		CHECKM(stat(path, &st) == 0 && S_ISREG(st.st_mode), files[i]);
	}
	/* METS against the official METS 1.12.1 (the reference copy when this
	 * machine has it, else the project's copy of it). */
	snprintf(path, sizeof path, "%s/METS.xml", res.dir);
	CHECK(run("xmllint --nonet --noout --schema '%s' '%s'", official_mets, path) == 0);
	snprintf(xsd, sizeof xsd, "%s/mets.xsd", schemas_dir);
	CHECK(run("xmllint --nonet --noout --schema '%s' '%s'", xsd, path) == 0);
	/* The descriptive and preservation documents against the project's XSDs. */
	snprintf(xsd, sizeof xsd, "%s/EAD.xsd", schemas_dir);
	snprintf(path, sizeof path, "%s/metadata/descriptive/EAD.xml", res.dir);
	CHECK(run("xmllint --nonet --noout --schema '%s' '%s'", xsd, path) == 0);
	snprintf(xsd, sizeof xsd, "%s/EAD_doc.xsd", schemas_dir);
	snprintf(path, sizeof path, "%s/metadata/descriptive/EAD_doc.xml", res.dir);
	CHECK(run("xmllint --nonet --noout --schema '%s' '%s'", xsd, path) == 0);
	snprintf(xsd, sizeof xsd, "%s/premis-v3.xsd", schemas_dir);
	snprintf(path, sizeof path, "%s/metadata/preservation/PREMIS.xml", res.dir);
	CHECK(run("xmllint --nonet --noout --schema '%s' '%s'", xsd, path) == 0);
	/* ... and against the copies the package ships. */
	snprintf(path, sizeof path, "cd '%s' && xmllint --nonet --noout --schema schemas/EAD_doc.xsd "
	    "metadata/descriptive/EAD_doc.xml && xmllint --nonet --noout --schema schemas/mets.xsd "
	    "METS.xml && xmllint --nonet --noout --schema schemas/mets.xsd "
	    "representations/rep1/METS.xml && xmllint --nonet --noout --schema "
	    "schemas/premis-v3.xsd metadata/preservation/PREMIS.xml", res.dir);
	CHECK(system(path) == 0);
	fixture_release(&fx);
}

static void
test_descriptive_content(void)
{
	fixture fx;
	sohoa_package_result res;
	sohoa_error err;
	char path[PATH_MAX * 2], *x;
	size_t len;

	fixture_init(&fx);
	CHECKM(write_pkg(&fx, "out", &res, &err) == SOHOA_OK, err.msg);
	snprintf(path, sizeof path, "%s/metadata/descriptive/EAD_doc.xml", res.dir);
	x = fx_slurp(path, &len);
	CHECK(x != NULL);
	if (x) {
		CHECK(strstr(x, "<docId>VB01.2024.000042</docId>") != NULL);
		/* The AIP shape: arcFileCode and docOrdinal (TT 05). */
		CHECK(strstr(x, "<arcFileCode>000.00.01.H26.2024.01</arcFileCode>") != NULL);
		CHECK(strstr(x, "<fileCode>") == NULL);
		CHECK(strstr(x, "<docCode>000.00.01.H26.2024.01.0000003</docCode>") != NULL);
		CHECK(strstr(x, "<docOrdinal>3</docOrdinal>") != NULL);
		{
			/* ... and the SIP shape made of it for an export. */
			char *y = NULL;
			size_t ylen = 0;
			sohoa_error_clear(&err);
			CHECKM(sohoa_package_sip_shape(sch, 1, x, len, &y, &ylen, &err) == SOHOA_OK,
			    err.msg);
			if (y) {
				CHECK(strstr(y, "<fileCode>000.00.01.H26.2024.01</fileCode>") != NULL);
				CHECK(strstr(y, "arcFileCode") == NULL);
				CHECK(strstr(y, "docOrdinal") == NULL);
				CHECK(strstr(y, "<docCode>000.00.01.H26.2024.01.0000003</docCode>")
				    != NULL);
				CHECK(strstr(y, "<issuedDate>05/03/2024</issuedDate>") != NULL);
				free(y);
			}
			CHECK(sohoa_package_sip_shape(sch, 0, x, len, &y, &ylen, &err)
			    == SOHOA_BAD_INPUT);
		}
		CHECK(strstr(x, "<issuedDate>05/03/2024</issuedDate>") != NULL);
		CHECK(strstr(x, "<typeName>02</typeName>") != NULL);
		CHECK(strstr(x, "<codeNotation>QĐ-UBND</codeNotation>") != NULL);
		CHECK(strstr(x, "&lt;Nguyễn Văn A&gt; &amp; bà \"Trần Thị B\"") != NULL);
		CHECK(strstr(x, "<maintenance>01</maintenance>") != NULL);   /* from the hồ sơ */
		CHECK(strstr(x, "<title>") == NULL);                         /* hồ sơ only */
		CHECK(strstr(x, "signerName") == NULL);                      /* not TT 05 */
		free(x);
	}
	snprintf(path, sizeof path, "%s/metadata/descriptive/EAD.xml", res.dir);
	x = fx_slurp(path, &len);
	CHECK(x != NULL);
	if (x) {
		CHECK(strstr(x, "<title>Hồ sơ giao đất năm 2024</title>") != NULL);
		CHECK(strstr(x, "<startDate>02/01/2024</startDate>") != NULL);
		CHECK(strstr(x, "<paperFileCode>H26.K1/G2/H3.15</paperFileCode>") != NULL);
		CHECK(strstr(x, "<arcFileCode>000.00.01.H26.2024.01</arcFileCode>") != NULL);
		free(x);
	}
	snprintf(path, sizeof path, "%s/metadata/preservation/PREMIS.xml", res.dir);
	x = fx_slurp(path, &len);
	CHECK(x != NULL);
	if (x) {
		CHECK(strstr(x, "<premis:eventType>message digest calculation</premis:eventType>")
		    != NULL);
		CHECK(strstr(x, "<premis:agentVersion>0.1.0</premis:agentVersion>") != NULL);
		CHECK(strstr(x, "<premis:agentName>Nguyễn Thị Lưu Trữ</premis:agentName>") != NULL);
		CHECK(strstr(x, "<premis:originalName>Quyết định 15.png</premis:originalName>")
		    != NULL);
		CHECK(strstr(x, "<premis:agentIdentifierValue>000.00.01.H26<") != NULL);
		/* PRONOM: the PNG scan, the PDF/A-2b; the representation object;
		 * the PDF/A derived from the scan by its creation event. */
		CHECK(strstr(x, "<premis:formatRegistryKey>fmt/13</premis:formatRegistryKey>") != NULL);
		CHECK(strstr(x, "<premis:formatName>PDF/A-2b</premis:formatName>\n"
		    "          <premis:formatVersion>2b</premis:formatVersion>") != NULL);
		CHECK(strstr(x, "<premis:formatRegistryKey>fmt/477</premis:formatRegistryKey>") != NULL);
		CHECK(strstr(x, "xsi:type=\"premis:representation\"") != NULL);
		CHECK(strstr(x, "<premis:relationshipSubType>has source</premis:relationshipSubType>\n"
		    "      <premis:relatedObjectIdentifier>\n"
		    "        <premis:relatedObjectIdentifierType>local</premis:relatedObjectIdentifierType>\n"
		    "        <premis:relatedObjectIdentifierValue>representations/rep1/data/scan.png<")
		    != NULL);
		CHECK(strstr(x, "<premis:eventType>creation</premis:eventType>") != NULL);
		CHECK(strstr(x, "<premis:linkingObjectRole>source</premis:linkingObjectRole>") != NULL);
		CHECK(strstr(x, "<premis:linkingObjectRole>outcome</premis:linkingObjectRole>") != NULL);
		free(x);
	}
	snprintf(path, sizeof path, "%s/METS.xml", res.dir);
	x = fx_slurp(path, &len);
	CHECK(x != NULL);
	if (x) {
		CHECK(strstr(x, "OBJID=\"urn:VB01:uuid:" UUID "\"") != NULL);
		CHECK(strstr(x, "CREATEDATE=\"2024-03-06T08:01:00+07:00\"") != NULL);
		CHECK(strstr(x, "OTHERTYPE=\"SOFTWARE\"") != NULL);
		CHECK(strstr(x, "csip:OAISPACKAGETYPE=\"AIP\"") != NULL);
		CHECK(strstr(x, "<name>UBND xã Văn Bình</name>") != NULL);
		/* E-ARK CSIP: the content category, the content information type,
		 * the representation's fileGrp and its METS behind an mptr. */
		CHECK(strstr(x, "TYPE=\"Textual works \xE2\x80\x93 Digital\"") != NULL);
		CHECK(strstr(x, "csip:CONTENTINFORMATIONTYPE=\"OTHER\"") != NULL);
		CHECK(strstr(x, "csip:OTHERCONTENTINFORMATIONTYPE=\"TT05/2025/TT-BNV\"") != NULL);
		CHECK(strstr(x, "USE=\"Representations\"") != NULL);
		CHECK(strstr(x, "LABEL=\"Representations\"") != NULL);
		CHECK(strstr(x, "<mptr LOCTYPE=\"URL\" xlink:type=\"simple\" "
		    "xlink:href=\"representations/rep1/METS.xml\"") != NULL);
		CHECK(strstr(x, "LASTMODDATE") == NULL);
		free(x);
	}
	fixture_release(&fx);
}

/* A rewritten package keeps the first CREATEDATE (read back from the old
 * METS.xml) and says when it changed (E-ARK CSIP8). */
static void
test_rewrite_lastmoddate(void)
{
	fixture fx;
	sohoa_package_result res;
	sohoa_error err;
	char first[40], path[PATH_MAX * 2], *x;
	size_t len = 0;

	fixture_init(&fx);
	CHECKM(write_pkg(&fx, "out", &res, &err) == SOHOA_OK, err.msg);
	sohoa_package_createdate(res.dir, first, sizeof first);
	CHECK_STR(first, "2024-03-06T08:01:00+07:00");
	fx.in.first_created = first;
	fx.in.created = "2024-04-01T09:00:00+07:00";
	CHECKM(write_pkg(&fx, "out", &res, &err) == SOHOA_OK, err.msg);
	snprintf(path, sizeof path, "%s/METS.xml", res.dir);
	x = fx_slurp(path, &len);
	CHECK(x != NULL);
	if (x) {
		CHECK(strstr(x, "CREATEDATE=\"2024-03-06T08:01:00+07:00\" "
		    "LASTMODDATE=\"2024-04-01T09:00:00+07:00\"") != NULL);
		free(x);
	}
	sohoa_package_createdate("no-such-folder", first, sizeof first);
	CHECK_STR(first, "");
	fixture_release(&fx);
}

/* What TT 05 requires is required: an EAD without totalDoc is refused
 * before anything is written, naming the element. */
static void
test_required_elements(void)
{
	fixture fx;
	sohoa_package_result res;
	sohoa_error err;
	struct stat sb;

	fixture_init(&fx);
	free(fx.hoso.v[SOHOA_H_TOTAL_DOC]);
	fx.hoso.v[SOHOA_H_TOTAL_DOC] = NULL;
	CHECK_INT(write_pkg(&fx, "req", &res, &err), SOHOA_BAD_INPUT);
	CHECKM(strstr(err.msg, "Tổng số tài liệu") != NULL || strstr(err.msg, "totalDoc") != NULL,
	    err.msg);
	CHECK(stat("req/" FOLDER, &sb) != 0);
	fixture_release(&fx);
}

static void
test_checksums_match_sha256sum(void)
{
	fixture fx;
	sohoa_package_result res;
	sohoa_error err;
	static const char *const files[] = { "metadata/descriptive/EAD.xml",
		"metadata/descriptive/EAD_doc.xml", "metadata/preservation/PREMIS.xml",
		"representations/rep1/data/scan.png", "representations/rep1/data/VB01.2024.000042.pdf",
		"schemas/mets.xsd", "schemas/EAD.xsd", "documentation/sohoa-mets-profile.md", NULL };
	char path[PATH_MAX * 2], hex[65], want[160], *mets;
	size_t len;

	fixture_init(&fx);
	CHECKM(write_pkg(&fx, "out", &res, &err) == SOHOA_OK, err.msg);
	snprintf(path, sizeof path, "%s/METS.xml", res.dir);
	mets = fx_slurp(path, &len);
	CHECK(mets != NULL);
	CHECK(sha256sum(path, hex) == 0);
	CHECK_STR(res.mets_hash + 7, hex);
	for (int i = 0; mets && files[i]; i++) {
		struct stat st;
		char *at, *end;
		snprintf(path, sizeof path, "%s/%s", res.dir, files[i]);
		CHECK(sha256sum(path, hex) == 0);
		CHECK(stat(path, &st) == 0);
		/* The element that references the file carries its checksum and size. */
		snprintf(want, sizeof want, "xlink:href=\"%s\"", files[i]);
		at = strstr(mets, want);
		CHECKM(at != NULL, files[i]);
		if (!at)
			continue;
		while (at > mets && at[-1] != '<')
			at--;
		end = strchr(at, '>');
		CHECK(end != NULL);
		if (!end)
			continue;
		if (strncmp(at, "mdRef", 5) != 0) {   /* file/FLocat: attributes on <file> */
			char *f = at - 1;
			while (f > mets && strncmp(f, "<file ", 6) != 0)
				f--;
			at = f;
		}
		snprintf(want, sizeof want, "CHECKSUM=\"%s\"", hex);
		CHECKM(strstr(at, want) != NULL && strstr(at, want) < end, files[i]);
		snprintf(want, sizeof want, "SIZE=\"%lld\"", (long long)st.st_size);
		CHECKM(strstr(at, want) != NULL && strstr(at, want) < end, files[i]);
		CHECK(strstr(at, "CHECKSUMTYPE=\"SHA-256\"") != NULL);
	}
	free(mets);
	fixture_release(&fx);
}

static void
test_check_fresh_package_passes(void)
{
	fixture fx;
	sohoa_package_result res;
	sohoa_package_report rep;
	sohoa_error err;
	sohoa_status st;

	fixture_init(&fx);
	CHECKM(write_pkg(&fx, "out", &res, &err) == SOHOA_OK, err.msg);
	sohoa_package_report_init(&rep);
	sohoa_error_clear(&err);
	st = sohoa_package_check(res.dir, sch, res.mets_hash, &rep, &err);
	CHECKM(st == SOHOA_OK, err.msg);
	print_problems(&rep);
	CHECK_INT(rep.nproblems, 0);
	CHECK_INT(rep.mets_hash_checked, 1);
	CHECK_INT(rep.files_checked, 16);     /* METS + 3 metadata + rep METS + 2 data + 8 schemas + 1 doc */
	CHECK_INT(rep.xml_validated, 5);     /* METS, EAD, EAD_doc, PREMIS, the representation METS */
	sohoa_package_report_release(&rep);
	/* With the package's own schemas instead of the trusted ones. */
	sohoa_package_report_init(&rep);
	sohoa_error_clear(&err);
	CHECKM(sohoa_package_check(res.dir, NULL, res.mets_hash, &rep, &err) == SOHOA_OK, err.msg);
	sohoa_package_report_release(&rep);
	fixture_release(&fx);
}

/* One damaged package: flips a byte of file at offset, then checks. */
static void
expect_flip_reported(fixture *fx, const char *parent, const char *file, long offset)
{
	sohoa_package_result res;
	sohoa_package_report rep;
	sohoa_error err;
	char path[PATH_MAX * 2];
	sohoa_status st;

	CHECKM(write_pkg(fx, parent, &res, &err) == SOHOA_OK, err.msg);
	snprintf(path, sizeof path, "%s/%s", res.dir, file);
	flip_byte(path, offset);
	sohoa_package_report_init(&rep);
	sohoa_error_clear(&err);
	st = sohoa_package_check(res.dir, sch, res.mets_hash, &rep, &err);
	CHECKM(st == SOHOA_BAD_INPUT, file);
	CHECKM(has_problem(&rep, file), file);
	CHECKM(strstr(err.msg, file) != NULL, err.msg);
	if (!has_problem(&rep, file))
		print_problems(&rep);
	sohoa_package_report_release(&rep);
}

static void
test_check_reports_flipped_byte_in_every_file(void)
{
	fixture fx;
	static const char *const files[] = { "representations/rep1/data/scan.png",
		"representations/rep1/data/VB01.2024.000042.pdf", "metadata/descriptive/EAD.xml",
		"metadata/descriptive/EAD_doc.xml", "metadata/preservation/PREMIS.xml", "METS.xml",
		"schemas/EAD_doc.xsd", "documentation/sohoa-mets-profile.md", NULL };
	char parent[32];

	fixture_init(&fx);
	for (int i = 0; files[i]; i++) {
		snprintf(parent, sizeof parent, "p%d", i);
		expect_flip_reported(&fx, parent, files[i], 200);
		snprintf(parent, sizeof parent, "q%d", i);
		expect_flip_reported(&fx, parent, files[i], -3);
	}
	fixture_release(&fx);
}

/* A change to METS.xml that keeps it valid is caught only by the hash kept
 * outside the package. */
static void
test_check_valid_mets_change_needs_stored_hash(void)
{
	fixture fx;
	sohoa_package_result res;
	sohoa_package_report rep;
	sohoa_error err;
	char path[PATH_MAX * 2], *x, *at;
	size_t len;

	fixture_init(&fx);
	CHECKM(write_pkg(&fx, "out", &res, &err) == SOHOA_OK, err.msg);
	snprintf(path, sizeof path, "%s/METS.xml", res.dir);
	x = fx_slurp(path, &len);
	CHECK(x && (at = strstr(x, "<name>UBND")) != NULL);
	if (!x || !at) {
		free(x);
		fixture_release(&fx);
		return;
	}
	flip_byte(path, (long)(at - x) + 6);    /* "UBND" -> "UCND" */
	free(x);
	sohoa_package_report_init(&rep);
	sohoa_error_clear(&err);
	CHECK(sohoa_package_check(res.dir, sch, NULL, &rep, &err) == SOHOA_OK);
	CHECK_INT(rep.mets_hash_checked, 0);
	sohoa_package_report_release(&rep);
	sohoa_package_report_init(&rep);
	sohoa_error_clear(&err);
	CHECK(sohoa_package_check(res.dir, sch, res.mets_hash, &rep, &err) == SOHOA_BAD_INPUT);
	CHECK(has_problem(&rep, "METS.xml"));
	CHECK_INT(rep.nproblems, 1);
	sohoa_package_report_release(&rep);
	fixture_release(&fx);
}

static void
test_check_missing_truncated_and_extra_files(void)
{
	fixture fx;
	sohoa_package_result res;
	sohoa_package_report rep;
	sohoa_error err;
	char path[PATH_MAX * 2];

	fixture_init(&fx);
	CHECKM(write_pkg(&fx, "out", &res, &err) == SOHOA_OK, err.msg);
	snprintf(path, sizeof path, "%s/representations/rep1/data/scan.png", res.dir);
	CHECK(unlink(path) == 0);
	snprintf(path, sizeof path, "%s/metadata/preservation/PREMIS.xml", res.dir);
	chmod(path, 0644);
	CHECK(truncate(path, 100) == 0);
	snprintf(path, sizeof path, "%s/representations/rep1/data/extra.txt", res.dir);
	write_bytes(path, "x", 1);
	snprintf(path, sizeof path, "%s/schemas/xlink.xsd", res.dir);
	chmod(path, 0644);
	CHECK(truncate(path, 0) == 0);
	sohoa_package_report_init(&rep);
	sohoa_error_clear(&err);
	CHECK(sohoa_package_check(res.dir, sch, res.mets_hash, &rep, &err) == SOHOA_BAD_INPUT);
	CHECK(has_problem(&rep, "representations/rep1/data/scan.png"));
	CHECK(has_problem(&rep, "metadata/preservation/PREMIS.xml"));
	CHECK(has_problem(&rep, "representations/rep1/data/extra.txt"));
	CHECK(has_problem(&rep, "schemas/xlink.xsd"));
	CHECK(!has_problem(&rep, "metadata/descriptive/EAD.xml"));
	for (int i = 0; i < rep.nproblems; i++)
		if (!strcmp(rep.problems[i].file, "representations/rep1/data/scan.png"))
			CHECKM(strstr(rep.problems[i].msg, "missing") != NULL, rep.problems[i].msg);
	sohoa_package_report_release(&rep);
	fixture_release(&fx);
}

/* A bad value is refused with a message naming its element, and nothing
 * is written. */
static void
expect_rejected(fixture *fx, const char *element)
{
	sohoa_package_result res;
	sohoa_error err;

	CHECK(write_pkg(fx, "rej", &res, &err) == SOHOA_BAD_INPUT);
	CHECKM(strstr(err.msg, element) != NULL, err.msg);
	CHECK_INT(count_entries("rej"), 0);
}

static void
test_invalid_fields_rejected(void)
{
	fixture fx;
	char subject[2048];
	char *saved;

	fixture_init(&fx);
	memset(subject, 'a', 600);
	subject[600] = '\0';
	sohoa_fields_set(&fx.doc, SOHOA_F_SUBJECT, subject, "person", 1);
	expect_rejected(&fx, "subject");
	/* 500 Vietnamese characters (more than 500 bytes) are fine. */
	subject[0] = '\0';
	for (int i = 0; i < 500; i++)
		strcat(subject, i % 2 ? "ệ" : "a");
	{
		sohoa_package_result res;
		sohoa_error err;
		sohoa_fields_set(&fx.doc, SOHOA_F_SUBJECT, subject, "person", 1);
		CHECKM(write_pkg(&fx, "ok500", &res, &err) == SOHOA_OK, err.msg);
	}
	sohoa_fields_set(&fx.doc, SOHOA_F_SUBJECT, "Về việc giao đất", "person", 1);

	sohoa_fields_set(&fx.doc, SOHOA_F_ISSUED_DATE, "2024-02-31", "person", 1);
	expect_rejected(&fx, "issuedDate");
	sohoa_fields_set(&fx.doc, SOHOA_F_ISSUED_DATE, "31/02/2024", "person", 1);
	expect_rejected(&fx, "issuedDate");
	sohoa_fields_set(&fx.doc, SOHOA_F_ISSUED_DATE, "5/3/2024", "person", 1);
	expect_rejected(&fx, "issuedDate");
	sohoa_fields_set(&fx.doc, SOHOA_F_ISSUED_DATE, "29/02/2024", "person", 1);  /* leap year */
	{
		sohoa_package_result res;
		sohoa_error err;
		CHECKM(write_pkg(&fx, "leap", &res, &err) == SOHOA_OK, err.msg);
	}

	sohoa_fields_set(&fx.doc, SOHOA_F_TYPE_NAME, "99", "person", 1);
	expect_rejected(&fx, "typeName");
	sohoa_fields_set(&fx.doc, SOHOA_F_TYPE_NAME, "02", "person", 1);

	sohoa_fields_set(&fx.doc, SOHOA_F_CODE_NUMBER, "123456789012", "person", 1);
	expect_rejected(&fx, "codeNumber");
	sohoa_fields_set(&fx.doc, SOHOA_F_CODE_NUMBER, "15", "person", 1);

	sohoa_fields_set(&fx.doc, SOHOA_F_NUMBER_OF_PAGE, "12a", "person", 1);
	expect_rejected(&fx, "numberOfPage");
	sohoa_fields_set(&fx.doc, SOHOA_F_NUMBER_OF_PAGE, "2", "person", 1);

	/* A hồ sơ date that slipped past hoso.c is still refused. */
	saved = fx.hoso.v[SOHOA_H_START_DATE];
	fx.hoso.v[SOHOA_H_START_DATE] = (char *)"31/02/2024";
	expect_rejected(&fx, "startDate");
	fx.hoso.v[SOHOA_H_START_DATE] = saved;

	/* A control character is no reason to refuse (test_hostile_text). */
	sohoa_fields_set(&fx.doc, SOHOA_F_ORGAN_NAME, "UBND\x01xã", "person", 1);
	{
		sohoa_package_result res;
		sohoa_error err;
		CHECKM(write_pkg(&fx, "ctl", &res, &err) == SOHOA_OK, err.msg);
	}
	sohoa_fields_set(&fx.doc, SOHOA_F_ORGAN_NAME, "UBND xã", "person", 1);

	fx.in.uuid = "not-a-uuid";
	expect_rejected(&fx, "UUID");
	fx.in.uuid = UUID;
	fx.agency.fonds_code = NULL;
	expect_rejected(&fx, "mã phông");
	fx.agency.fonds_code = "VB01";
	fx.files[1].name = "../evil.pdf";
	expect_rejected(&fx, "evil");
	fixture_release(&fx);
}

static void
test_nfc_and_sip(void)
{
	fixture fx;
	sohoa_package_result res;
	sohoa_error err;
	char path[PATH_MAX * 2], *x;
	size_t len;

	fixture_init(&fx);
	/* "Về việc" decomposed: e + combining grave, e + combining dot below + circumflex */
	sohoa_fields_set(&fx.doc, SOHOA_F_SUBJECT, "Ve\xcc\x82\xcc\x80 vie\xcc\xa3\xcc\x82" "c",
	    "person", 1);
	fx.in.kind = SOHOA_PACKAGE_SIP;
	fx.agency.fonds_code = NULL;            /* not needed for a SIP */
	CHECKM(write_pkg(&fx, "out", &res, &err) == SOHOA_OK, err.msg);
	CHECK_STR(res.objid, "uuid-3F2B8C1E-5D4A-4E6B-9C7D-0A1B2C3D4E5F");
	CHECK(strstr(res.dir, "/uuid-3F2B8C1E-5D4A-4E6B-9C7D-0A1B2C3D4E5F") != NULL);
	snprintf(path, sizeof path, "%s/metadata/descriptive/EAD_doc.xml", res.dir);
	x = fx_slurp(path, &len);
	CHECK(x && strstr(x, "<subject>Về việc</subject>") != NULL);
	free(x);
	snprintf(path, sizeof path, "%s/METS.xml", res.dir);
	x = fx_slurp(path, &len);
	CHECK(x && strstr(x, "csip:OAISPACKAGETYPE=\"SIP\"") != NULL);
	CHECK(x && strstr(x, "LABEL=\"Về việc\"") != NULL);
	free(x);
	fixture_release(&fx);
}

/* Parses path with libxml2 on its own (no recovery): 1 if well-formed. */
static int
well_formed(const char *path)
{
	xmlDocPtr d = xmlReadFile(path, NULL, XML_PARSE_NONET | XML_PARSE_NOERROR
	    | XML_PARSE_NOWARNING);
	int ok = d != NULL;

	xmlFreeDoc(d);
	return ok;
}

/*
 * A file name holding U+FFFE, U+FFFF, a noncharacter, ESC and BEL bytes, an
 * invalid byte and a lone surrogate encoded in UTF-8, and OCR fields holding
 * C0 controls: the package is written (not refused), every XML document of
 * it is well-formed when parsed back by libxml2 and valid against the
 * schemas (sohoa_package_check), and each bad character is U+FFFD.
 */
static void
test_hostile_text(void)
{
	static const char name[] = "Quy\xe1\xba\xbft \xef\xbf\xbe\xef\xbf\xbf\xef\xb7\x90"
	    "\x1b]0;pwned\x07\x1b[2J \xff\xed\xa0\x80.png";
	fixture fx;
	sohoa_package_result res;
	sohoa_package_report rep;
	sohoa_error err;
	char path[PATH_MAX * 2], *x;
	size_t len;
	static const char *const docs[] = { "METS.xml", "metadata/descriptive/EAD.xml",
		"metadata/descriptive/EAD_doc.xml", "metadata/preservation/PREMIS.xml", NULL };

	fixture_init(&fx);
	fx.files[0].original_name = name;
	fx.events[0].detail = name;
	sohoa_fields_set(&fx.doc, SOHOA_F_SUBJECT, "V\xe1\xbb\x81 vi\xe1\xbb\x87" "c\x01\x1b"
	    "[31m gi\xef\xbf\xbf", "ocr", 0.9);
	fx.hoso.v[SOHOA_H_TITLE][0] = '\x0b';          /* vertical tab */
	sohoa_error_clear(&err);
	CHECKM(write_pkg(&fx, "out", &res, &err) == SOHOA_OK, err.msg);
	for (int i = 0; docs[i]; i++) {
		snprintf(path, sizeof path, "%s/%s", res.dir, docs[i]);
		CHECKM(well_formed(path), docs[i]);
		x = fx_slurp(path, &len);
		CHECKM(x && !memchr(x, 0x1b, len) && !memchr(x, 0x07, len) && !memchr(x, 0x01, len)
		    && !memchr(x, 0x0b, len) && !strstr(x, "\xef\xbf\xbe")
		    && !strstr(x, "\xef\xbf\xbf") && !strstr(x, "\xef\xb7\x90"), docs[i]);
		free(x);
	}
	snprintf(path, sizeof path, "%s/metadata/preservation/PREMIS.xml", res.dir);
	x = fx_slurp(path, &len);
	CHECK(x && strstr(x, "Quyết \xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd]0;pwned"
	    "\xef\xbf\xbd\xef\xbf\xbd[2J \xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd.png"));
	free(x);
	snprintf(path, sizeof path, "%s/metadata/descriptive/EAD_doc.xml", res.dir);
	x = fx_slurp(path, &len);
	CHECK(x && strstr(x, "<subject>Về việc\xef\xbf\xbd\xef\xbf\xbd[31m gi\xef\xbf\xbd</subject>"));
	free(x);
	sohoa_package_report_init(&rep);
	sohoa_error_clear(&err);
	CHECKM(sohoa_package_check(res.dir, sch, res.mets_hash, &rep, &err) == SOHOA_OK,
	    rep.nproblems ? rep.problems[0].msg : err.msg);
	CHECK(rep.xml_validated >= 4);
	sohoa_package_report_release(&rep);
	fixture_release(&fx);
}

static void
test_reproducible(void)
{
	fixture fx;
	sohoa_package_result a, b;
	sohoa_error err;

	fixture_init(&fx);
	CHECKM(write_pkg(&fx, "one", &a, &err) == SOHOA_OK, err.msg);
	CHECKM(write_pkg(&fx, "two", &b, &err) == SOHOA_OK, err.msg);
	CHECK_STR(a.mets_hash, b.mets_hash);
	CHECK(run("diff -r '%s' '%s' >/dev/null", a.dir, b.dir) == 0);
	/* Writing again over the same place gives the same bytes too. */
	CHECKM(write_pkg(&fx, "one", &b, &err) == SOHOA_OK, err.msg);
	CHECK_STR(a.mets_hash, b.mets_hash);
	CHECK(run("diff -r '%s' '%s' >/dev/null", a.dir, "two/" FOLDER) == 0);
	fixture_release(&fx);
}

static void
test_replace_existing_package(void)
{
	fixture fx;
	sohoa_package_result a, b;
	sohoa_package_report rep;
	sohoa_error err;
	char path[PATH_MAX * 2], *x;
	size_t len;
	struct stat st1, st2;

	fixture_init(&fx);
	CHECKM(write_pkg(&fx, "out", &a, &err) == SOHOA_OK, err.msg);
	CHECK(stat(a.dir, &st1) == 0);
	sohoa_fields_set(&fx.doc, SOHOA_F_SUBJECT, "Về việc điều chỉnh quyết định", "person", 1);
	CHECKM(write_pkg(&fx, "out", &b, &err) == SOHOA_OK, err.msg);
	CHECK_STR(a.dir, b.dir);
	CHECK(strcmp(a.mets_hash, b.mets_hash) != 0);
	CHECK(stat(b.dir, &st2) == 0);
	CHECK(st1.st_ino != st2.st_ino);        /* a new folder, renamed in */
	CHECK_INT(count_entries("out"), 1);     /* no temp or old folder left */
	snprintf(path, sizeof path, "%s/metadata/descriptive/EAD_doc.xml", b.dir);
	x = fx_slurp(path, &len);
	CHECK(x && strstr(x, "điều chỉnh") != NULL);
	free(x);
	sohoa_package_report_init(&rep);
	sohoa_error_clear(&err);
	CHECKM(sohoa_package_check(b.dir, sch, b.mets_hash, &rep, &err) == SOHOA_OK, err.msg);
	sohoa_package_report_release(&rep);
	/* The old hash no longer matches: the catalog must be updated with the new one. */
	sohoa_package_report_init(&rep);
	sohoa_error_clear(&err);
	CHECK(sohoa_package_check(b.dir, sch, a.mets_hash, &rep, &err) == SOHOA_BAD_INPUT);
	sohoa_package_report_release(&rep);

	/* A failed rewrite (bad field) leaves the existing package untouched. */
	sohoa_fields_set(&fx.doc, SOHOA_F_TYPE_NAME, "99", "person", 1);
	CHECK(write_pkg(&fx, "out", &a, &err) == SOHOA_BAD_INPUT);
	sohoa_package_report_init(&rep);
	sohoa_error_clear(&err);
	CHECKM(sohoa_package_check(b.dir, sch, b.mets_hash, &rep, &err) == SOHOA_OK, err.msg);
	sohoa_package_report_release(&rep);
	/* A failed rewrite after the temp folder exists (a missing source) too. */
	sohoa_fields_set(&fx.doc, SOHOA_F_TYPE_NAME, "02", "person", 1);
	fx.files[0].src_path = "no-such-scan.png";
	CHECK(write_pkg(&fx, "out", &a, &err) != SOHOA_OK);
	CHECK_INT(count_entries("out"), 1);
	sohoa_package_report_init(&rep);
	sohoa_error_clear(&err);
	CHECKM(sohoa_package_check(b.dir, sch, b.mets_hash, &rep, &err) == SOHOA_OK, err.msg);
	sohoa_package_report_release(&rep);
	fixture_release(&fx);
}

static void
test_recover_after_crash(void)
{
	sohoa_error err;
	struct stat st;

	mkdir("pk", 0755);
	/* Crash while building: a temp folder, no package. */
	mkdir("pk/.urn_A_uuid_x.tmp-abc123", 0755);
	mkdir("pk/.urn_A_uuid_x.tmp-abc123/metadata", 0755);
	/* Crash between "old aside" and "new in": put the old one back. */
	mkdir("pk/.urn_B_uuid_y.old-000000", 0755);
	write_bytes("pk/.urn_B_uuid_y.old-000000/METS.xml", "<mets/>", 7);
	/* Crash after "new in": the old one just goes. */
	mkdir("pk/urn_C_uuid_z", 0755);
	mkdir("pk/.urn_C_uuid_z.old-000000", 0755);
	mkdir("pk/urn_D_uuid_w", 0755);        /* an ordinary package stays */
	mkdir("pk/.other.tmp-1", 0755);        /* not ours: stays */
	sohoa_error_clear(&err);
	CHECKM(sohoa_package_recover("pk", &err) == SOHOA_OK, err.msg);
	CHECK(stat("pk/.urn_A_uuid_x.tmp-abc123", &st) != 0);
	CHECK(stat("pk/urn_B_uuid_y/METS.xml", &st) == 0);
	CHECK(stat("pk/urn_C_uuid_z", &st) == 0);
	CHECK(stat("pk/urn_D_uuid_w", &st) == 0);
	CHECK(stat("pk/.other.tmp-1", &st) == 0);
	CHECK_INT(count_entries("pk"), 4);
}

static void
test_schemas_open_errors(void)
{
	sohoa_error err;
	sohoa_package_schemas *s;

	sohoa_error_clear(&err);
	s = sohoa_package_schemas_open("no-such-dir", &err);
	CHECK(s == NULL);
	CHECK(err.status == SOHOA_FATAL && strstr(err.msg, "mets.xsd") != NULL);
	CHECK_STR(sohoa_package_schemas_dir(sch), schemas_dir);
	sohoa_package_schemas_free(NULL);
}

int
main(void)
{
	char cwd[PATH_MAX];
	sohoa_error err;
	struct stat st;

	if (!getcwd(cwd, sizeof cwd))
		return 2;
	snprintf(schemas_dir, sizeof schemas_dir, "%s/schemas/xml", cwd);
	snprintf(official_mets, sizeof official_mets, "%s/../shared/reference-schemas/mets.xsd", cwd);
	if (stat(official_mets, &st) != 0)
		snprintf(official_mets, sizeof official_mets, "%s/mets.xsd", schemas_dir);
	sohoa_error_clear(&err);
	sch = sohoa_package_schemas_open(schemas_dir, &err);
	if (!sch) {
		fprintf(stderr, "cannot open schemas: %s\n", err.msg);
		return 1;
	}
	TEST_RUN(test_layout_and_xmllint);
	TEST_RUN(test_descriptive_content);
	TEST_RUN(test_rewrite_lastmoddate);
	TEST_RUN(test_required_elements);
	TEST_RUN(test_checksums_match_sha256sum);
	TEST_RUN(test_check_fresh_package_passes);
	TEST_RUN(test_check_reports_flipped_byte_in_every_file);
	TEST_RUN(test_check_valid_mets_change_needs_stored_hash);
	TEST_RUN(test_check_missing_truncated_and_extra_files);
	TEST_RUN(test_invalid_fields_rejected);
	TEST_RUN(test_nfc_and_sip);
	TEST_RUN(test_hostile_text);
	TEST_RUN(test_reproducible);
	TEST_RUN(test_replace_existing_package);
	TEST_RUN(test_recover_after_crash);
	TEST_RUN(test_schemas_open_errors);
	sohoa_package_schemas_free(sch);
	return TEST_DONE();
}
