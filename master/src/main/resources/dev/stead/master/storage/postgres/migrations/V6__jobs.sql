-- Runs on demand across masters. A job and each node's state in it (the bodies are the
-- protobuf JobStatus, without node states, and JobNode); the columns beside them serve the
-- queries. A run request waits here for the master that holds the node's stream; that master
-- takes it (deletes it) and pushes the run down the stream. Masters record the streams they
-- hold and a heartbeat: a stream counts only while its master's heartbeat is recent.
CREATE TABLE jobs (
  id text COLLATE "C" PRIMARY KEY,
  started_at_ms bigint NOT NULL,
  done boolean NOT NULL,
  body bytea NOT NULL
);
CREATE INDEX jobs_unfinished ON jobs (started_at_ms) WHERE NOT done;

CREATE TABLE job_nodes (
  job_id text COLLATE "C" NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
  node text COLLATE "C" NOT NULL,
  state integer NOT NULL,
  body bytea NOT NULL,
  PRIMARY KEY (job_id, node)
);
-- The nodes a job waits for (TRIGGERED = 2): what a report, a dropped stream or a second job
-- looks up by node.
CREATE INDEX job_nodes_waiting ON job_nodes (node) WHERE state = 2;

CREATE TABLE run_requests (
  seq bigserial PRIMARY KEY,
  master text COLLATE "C" NOT NULL,
  body bytea NOT NULL
);
CREATE INDEX run_requests_by_master ON run_requests (master, seq);

CREATE TABLE job_masters (
  id text COLLATE "C" PRIMARY KEY,
  heartbeat_ms bigint NOT NULL
);

CREATE TABLE agent_streams (
  node text COLLATE "C" PRIMARY KEY,
  master text COLLATE "C" NOT NULL
);
CREATE INDEX agent_streams_by_master ON agent_streams (master);
