-- Each stored catalog's digest beside its body: a master sharing the database checks on
-- every check-in that the catalog it last stored for a node is still the one stored (another
-- master may have stored a newer one), without reading the catalog. Null for rows written
-- before this column; readers then take the digest from the body.
ALTER TABLE catalogs ADD COLUMN digest text;
