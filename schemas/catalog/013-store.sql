-- sohoa catalog, version 13: a store that can move (lib/store.c).  The
-- catalog keeps no absolute path into the store: a package is kept by the
-- name of its folder, which lies in package_dir (the migration keeps only
-- the last component of the paths written before), and an export bundle by
-- its path relative to the store when the outbox lies in it (store_dir() is
-- the folder of this catalog file: the store).  The store's identity
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

UPDATE export_bundles
   SET path = CASE WHEN path = store_dir() THEN '.'
                   ELSE substr(path, length(store_dir()) + 2) END
 WHERE store_dir() IS NOT NULL
   AND (path = store_dir() OR substr(path, 1, length(store_dir()) + 1) = store_dir() || '/');
