-- sohoa catalog, version 7: the records flagged as probable duplicates of a
-- record, found at once (a record taken later but described first is
-- flagged when the earlier one is described, and packaged again).
CREATE INDEX records_probable_duplicate ON records(probable_duplicate_of)
	WHERE probable_duplicate_of IS NOT NULL;
