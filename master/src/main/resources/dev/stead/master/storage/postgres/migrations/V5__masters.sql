-- The masters serving from this database, each registering itself with a heartbeat every
-- few seconds (`stead masters`). code_versions: environment name -> code version last
-- compiled, one "name=version" line each, sorted.
CREATE TABLE masters (
  address text COLLATE "C" PRIMARY KEY,
  ca boolean NOT NULL,
  code_versions text NOT NULL,
  started_at_ms bigint NOT NULL,
  last_seen_ms bigint NOT NULL
);
