/*
 * test_export.c - the parts of lib/export.c that need no catalog: months in
 * Vietnam time, the METS of a SIP of several documents (package.h), and
 * verification refusing what is not a bundle.  The whole export is tested
 * end to end by tests/e2e/t_export.sh.
 */
#include <fcntl.h>
#include <time.h>

#include "sohoa/export.h"
#include "test.h"

static char schemas_dir[PATH_MAX];

static time_t
utc(int y, int mo, int d, int h, int mi, int s)
{
	struct tm tm = { 0 };
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = s;
	return timegm(&tm);
}

static void
test_month_last(void)
{
	char m[8];
	sohoa_error err;

	sohoa_error_clear(&err);
	/* 2025-08-01 00:30 in Hà Nội is still 31 July in UTC. */
	CHECK_INT(sohoa_export_parse_month("last", utc(2025, 7, 31, 17, 30, 0), m, &err), SOHOA_OK);
	CHECK_STR(m, "2025-07");
	/* One second before midnight of 1 August in Hà Nội: July is not over. */
	CHECK_INT(sohoa_export_parse_month("last", utc(2025, 7, 31, 16, 59, 59), m, &err), SOHOA_OK);
	CHECK_STR(m, "2025-06");
	/* January: last month is December of the year before. */
	CHECK_INT(sohoa_export_parse_month("last", utc(2026, 1, 10, 3, 0, 0), m, &err), SOHOA_OK);
	CHECK_STR(m, "2025-12");
	/* 1 January 00:10 in Hà Nội is 31 December in UTC. */
	CHECK_INT(sohoa_export_parse_month("last", utc(2025, 12, 31, 17, 10, 0), m, &err), SOHOA_OK);
	CHECK_STR(m, "2025-12");
}

static void
test_month_text(void)
{
	char m[8];
	sohoa_error err;
	static const char *const bad[] = { "2025-13", "2025-00", "2025-7", "25-07", "2025-07x",
		"2025/07", "", "last month", "1899-12", NULL };

	sohoa_error_clear(&err);
	CHECK_INT(sohoa_export_parse_month("2025-07", 0, m, &err), SOHOA_OK);
	CHECK_STR(m, "2025-07");
	for (int i = 0; bad[i]; i++) {
		sohoa_error_clear(&err);
		CHECKM(sohoa_export_parse_month(bad[i], 0, m, &err) == SOHOA_BAD_INPUT, bad[i]);
		CHECK(strstr(err.msg, "YYYY-MM") != NULL);
	}
}

static void
test_month_bounds(void)
{
	time_t s, e;
	char last[32];

	CHECK_INT(sohoa_export_month_bounds("2025-07", &s, &e, last), 0);
	CHECK_INT(s, utc(2025, 6, 30, 17, 0, 0));
	CHECK_INT(e, utc(2025, 7, 31, 17, 0, 0));
	CHECK_STR(last, "2025-07-31T23:59:59+07:00");
	CHECK_INT(sohoa_export_month_bounds("2024-02", &s, &e, last), 0);
	CHECK_STR(last, "2024-02-29T23:59:59+07:00");
	CHECK_INT(sohoa_export_month_bounds("2025-12", &s, &e, last), 0);
	CHECK_INT(e, utc(2025, 12, 31, 17, 0, 0));
	CHECK_STR(last, "2025-12-31T23:59:59+07:00");
	CHECK_INT(sohoa_export_month_bounds("2025-1", &s, &e, last), -1);
}

#define SUM "2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae"

static sohoa_sip_file
sf(const char *path, const char *mime, const char *use)
{
	return (sohoa_sip_file){ path, mime, use, SUM, 3 };
}

static void
test_sip_mets(void)
{
	sohoa_package_schemas *sch;
	sohoa_error err;
	sohoa_package_agency ag = { "UBND xã Văn Bình", "000.00.01.H26", "VB01" };
	sohoa_sip_file rep1[2] = { sf("representations/rep1/data/A.tif", "image/tiff", "preservation"),
		sf("representations/rep1/data/A.pdf", "application/pdf", "access") };
	sohoa_sip_file rep2[1] = { sf("representations/rep1/data/B.png", "image/png", "preservation") };
	sohoa_sip_doc docs[2] = {
		{ 1, "A", sf("metadata/descriptive/EAD_doc-A.xml", "text/xml", NULL),
		  sf("metadata/preservation/PREMIS-A.xml", "text/xml", NULL), rep1, 2 },
		{ 2, "B", sf("metadata/descriptive/EAD_doc-B.xml", "text/xml", NULL),
		  sf("metadata/preservation/PREMIS-B.xml", "text/xml", NULL), rep2, 1 },
	};
	sohoa_sip_file sch_files[1] = { sf("schemas/mets.xsd", "text/xml", NULL) };
	sohoa_sip_input in = { "0f8fad5b-d9cb-469f-a165-70867728950e", "Hồ sơ đất đai",
		"2025-07-31T23:59:59+07:00", &ag, "sohoa 0.1.0",
		sf("metadata/descriptive/EAD.xml", "text/xml", NULL), docs, 2, NULL, 0, sch_files, 1, { NULL, NULL, NULL, NULL, 0 } };
	char objid[160], name[160], *mets = NULL, *again = NULL;
	size_t len = 0, len2 = 0;

	sohoa_error_clear(&err);
	sch = sohoa_package_schemas_open(schemas_dir, &err);
	CHECKM(sch != NULL, err.msg);
	if (!sch)
		return;
	CHECKM(sohoa_package_sip_mets(&in, sch, objid, name, &mets, &len, &err) == SOHOA_OK,
	    err.msg);
	CHECK_STR(objid, "uuid-0F8FAD5B-D9CB-469F-A165-70867728950E");
	CHECK_STR(name, objid);
	CHECK(mets && strstr(mets, "csip:OAISPACKAGETYPE=\"SIP\""));
	CHECK(mets && strstr(mets, "ID=\"dmd-ead-doc-2\""));
	CHECK(mets && strstr(mets, "ID=\"digiprov-premis-1\""));
	CHECK(mets && strstr(mets, "DMDID=\"dmd-ead dmd-ead-doc-1 dmd-ead-doc-2\""));
	CHECK(mets && strstr(mets, "LABEL=\"Hồ sơ đất đai\""));
	/* B's file points at B's sections. */
	CHECK(mets && strstr(mets, "ID=\"file-rep1-3\""));
	CHECK(mets && strstr(mets, "<div ID=\"div-doc-2\" LABEL=\"B\""));
	/* Same input, same bytes. */
	CHECK_INT(sohoa_package_sip_mets(&in, sch, objid, name, &again, &len2, &err), SOHOA_OK);
	CHECK(mets && again && len == len2 && !memcmp(mets, again, len));
	free(again);
	again = NULL;

	/* One document: the ids of an AIP's METS, no suffix. */
	in.ndocs = 1;
	CHECKM(sohoa_package_sip_mets(&in, sch, objid, name, &again, &len2, &err) == SOHOA_OK,
	    err.msg);
	CHECK(again && strstr(again, "ID=\"dmd-ead-doc\"") && !strstr(again, "div-doc-1"));
	free(again);
	again = NULL;

	/* A checksum that is no SHA-256 is refused, naming the document. */
	rep2[0].checksum = "abc";
	in.ndocs = 2;
	sohoa_error_clear(&err);
	CHECK_INT(sohoa_package_sip_mets(&in, sch, objid, name, &again, &len2, &err),
	    SOHOA_BAD_INPUT);
	CHECK(strstr(err.msg, "(B)") != NULL);
	CHECK(again == NULL);
	free(mets);
	sohoa_package_schemas_free(sch);
}

static void
test_verify_garbage(void)
{
	sohoa_verify_report rep;
	sohoa_error err;
	FILE *f = fopen("junk.tar", "wb");

	fputs("this is not a tar file at all\n", f);
	fclose(f);
	sohoa_verify_report_init(&rep);
	sohoa_error_clear(&err);
	CHECK_INT(sohoa_export_verify("junk.tar", NULL, NULL, NULL, &rep, &err), SOHOA_BAD_INPUT);
	CHECK(rep.nproblems >= 2);
	CHECK(!rep.signature_ok);
	/* The missing signature is named. */
	CHECK(rep.nproblems > 0 && !strcmp(rep.problems[0].where, "junk.tar.p7s"));
	sohoa_verify_report_release(&rep);

	sohoa_verify_report_init(&rep);
	sohoa_error_clear(&err);
	CHECK_INT(sohoa_export_verify("missing.tar", NULL, NULL, NULL, &rep, &err), SOHOA_FATAL);
	CHECK_INT(err.reason, SOHOA_REASON_UNREADABLE);
	sohoa_verify_report_release(&rep);
}

int
main(void)
{
	char cwd[PATH_MAX];

	if (!getcwd(cwd, sizeof cwd))
		return 2;
	snprintf(schemas_dir, sizeof schemas_dir, "%s/schemas/xml", cwd);
	TEST_RUN(test_month_last);
	TEST_RUN(test_month_text);
	TEST_RUN(test_month_bounds);
	TEST_RUN(test_sip_mets);
	TEST_RUN(test_verify_garbage);
	return TEST_DONE();
}
