-- The master's state. Values are the protobuf messages the RocksDB store keeps, as bytea;
-- the columns beside them are what queries select and sort on. Text keys sort in byte order
-- (COLLATE "C"), as RocksDB's keys do.

CREATE TABLE facts (
  node text COLLATE "C" PRIMARY KEY,
  body bytea NOT NULL
);

CREATE TABLE catalogs (
  node text COLLATE "C" PRIMARY KEY,
  body bytea NOT NULL
);

CREATE TABLE nodes (
  name text COLLATE "C" PRIMARY KEY,
  body bytea NOT NULL
);

-- One partition per UTC day of started_at_ms (reports_YYYYMMDD), created on first use;
-- retention drops whole partitions. An id is unique across partitions: inserts take an
-- advisory lock on the id and look for it first (a primary key must include the partition
-- key, so it cannot say this).
CREATE TABLE reports (
  id text COLLATE "C" NOT NULL,
  node text COLLATE "C" NOT NULL,
  started_at_ms bigint NOT NULL,
  status integer NOT NULL,
  resources text[] COLLATE "C" NOT NULL,
  body bytea NOT NULL
) PARTITION BY RANGE (started_at_ms);

CREATE INDEX reports_by_id ON reports (id);
CREATE INDEX reports_by_time ON reports (started_at_ms DESC, id);
CREATE INDEX reports_by_node ON reports (node, started_at_ms DESC, id);
CREATE INDEX reports_by_status ON reports (status, started_at_ms DESC, id);
CREATE INDEX reports_by_resource ON reports USING gin (resources);

-- Issued certificates (state SIGNED or REVOKED, with the PEM) or pending requests (state
-- PENDING, with one CSR PEM per key that asked for the name).
CREATE TABLE certificates (
  certname text COLLATE "C" PRIMARY KEY,
  state integer NOT NULL,
  certificate_pem text NOT NULL,
  csr_pems text[] NOT NULL
);

-- Revoked serials (upper-case hex); they outlive the certificate record.
CREATE TABLE revocations (
  serial text COLLATE "C" PRIMARY KEY,
  body bytea NOT NULL
);

CREATE TABLE classifications (
  node text COLLATE "C" PRIMARY KEY,
  body bytea NOT NULL
);

-- Kept after they expire: the audit trail.
CREATE TABLE drift_exceptions (
  node text COLLATE "C" NOT NULL,
  id text COLLATE "C" NOT NULL,
  body bytea NOT NULL,
  PRIMARY KEY (node, id)
);

-- Operators' decisions that leave no other record; kept like the audit trail.
CREATE TABLE decisions (
  seq bigserial PRIMARY KEY,
  time_ms bigint NOT NULL,
  node text COLLATE "C" NOT NULL,
  body bytea NOT NULL
);
CREATE INDEX decisions_by_time ON decisions (time_ms DESC, node, seq);
