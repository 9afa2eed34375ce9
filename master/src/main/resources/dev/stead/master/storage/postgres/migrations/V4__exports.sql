-- What each node's last catalog exports (a Catalog holding only node, environment and
-- exports), kept apart from the catalogs so that a compile collecting exported resources
-- reads one environment's exports without loading whole catalogs. Written with the catalog,
-- in its transaction; a node that exports nothing has no row.
CREATE TABLE exports (
  node text COLLATE "C" PRIMARY KEY,
  environment text COLLATE "C" NOT NULL,
  body bytea NOT NULL
);

CREATE INDEX exports_by_environment ON exports (environment, node);
