-- Per node, the memo of its last cacheable compile (a CompileMemo: what it read, a digest
-- of what it found there, the catalog's digest): lets any master tell a node its catalog is
-- unchanged without compiling it, after a restart or a failover. Rebuilt by the next compile.
CREATE TABLE compile_memos (
  node text COLLATE "C" PRIMARY KEY,
  body bytea NOT NULL
);
