-- sohoa catalog, version 13: a store that can move (lib/store.c).  The
-- catalog keeps no absolute path into the store: a package is kept by the
-- name of its folder, which lies in package_dir (the migration keeps only
-- the last component of the paths written before).  The store's identity
-- and the folder it was last opened in are kept here, beside the marker
-- file <state_dir>/sohoa-store.id.

CREATE TABLE store_meta (
	name  TEXT PRIMARY KEY,      -- 'id' (the store's UUID), 'path' (state_dir last opened)
	value TEXT NOT NULL
) WITHOUT ROWID;

UPDATE records
   SET package_path = replace(package_path,
                              rtrim(package_path, replace(package_path, '/', '')), '')
 WHERE package_path LIKE '%/%';
