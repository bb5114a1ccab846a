/*
 * fields.c - the table of descriptive field names (TT 05/2025, ND 30/2020).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sohoa/fields.h"

static const char *const names[SOHOA_F_COUNT] = {
	[SOHOA_F_CODE_NUMBER] = "codeNumber",
	[SOHOA_F_CODE_NOTATION] = "codeNotation",
	[SOHOA_F_ISSUED_DATE] = "issuedDate",
	[SOHOA_F_TYPE_NAME] = "typeName",
	[SOHOA_F_ORGAN_NAME] = "organName",
	[SOHOA_F_SUBJECT] = "subject",
	[SOHOA_F_LANGUAGE] = "language",
	[SOHOA_F_NUMBER_OF_PAGE] = "numberOfPage",
	[SOHOA_F_KEYWORD] = "keyword",
	[SOHOA_F_MODE] = "mode",
	[SOHOA_F_CONFIDENCE_LEVEL] = "confidenceLevel",
	[SOHOA_F_AUTOGRAPH] = "autograph",
	[SOHOA_F_FORMAT] = "format",
	[SOHOA_F_MAINTENANCE] = "maintenance",
	[SOHOA_F_DESCRIPTION] = "description",
	[SOHOA_F_PLACE_NAME] = "placeName",
	[SOHOA_F_PARENT_ORGAN] = "parentOrgan",
	[SOHOA_F_SIGNER_AUTHORITY] = "signerAuthority",
	[SOHOA_F_SIGNER_POSITION] = "signerPosition",
	[SOHOA_F_SIGNER_NAME] = "signerName",
	[SOHOA_F_RECIPIENTS] = "recipients",
	[SOHOA_F_SECRECY] = "secrecy",
	[SOHOA_F_URGENCY] = "urgency",
	[SOHOA_F_TTHC_CODE] = "tthcCode",
};

const char *
sohoa_field_name(sohoa_field_id id)
{
	return (int)id >= 0 && id < SOHOA_F_COUNT ? names[id] : NULL;
}

sohoa_field_id
sohoa_field_from_name(const char *name)
{
	for (int i = 0; name && i < SOHOA_F_COUNT; i++)
		if (strcmp(names[i], name) == 0)
			return (sohoa_field_id)i;
	return SOHOA_F_COUNT;
}

void
sohoa_fields_init(sohoa_fields *fs)
{
	memset(fs, 0, sizeof *fs);
}

void
sohoa_fields_release(sohoa_fields *fs)
{
	if (!fs)
		return;
	for (int i = 0; i < SOHOA_F_COUNT; i++)
		free(fs->f[i].value);
	memset(fs, 0, sizeof *fs);
}

int
sohoa_fields_set(sohoa_fields *fs, sohoa_field_id id, const char *value, const char *source,
    double confidence)
{
	char *copy = NULL;

	if ((int)id < 0 || id >= SOHOA_F_COUNT)
		return -1;
	if (value && !(copy = strdup(value)))
		return -1;
	free(fs->f[id].value);
	fs->f[id].value = copy;
	snprintf(fs->f[id].source, sizeof fs->f[id].source, "%s", source ? source : "");
	fs->f[id].confidence = confidence;
	return 0;
}
