-- Staged rollouts, kept after they end: the newest of an environment says which code it
-- serves. The body is the Rollout message; the columns beside it serve the ordering.
CREATE TABLE rollouts (
  id text COLLATE "C" PRIMARY KEY,
  environment text COLLATE "C" NOT NULL,
  started_at_ms bigint NOT NULL,
  body bytea NOT NULL
);
