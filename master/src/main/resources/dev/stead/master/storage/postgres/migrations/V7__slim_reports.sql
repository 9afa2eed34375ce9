-- Most reports are quiet (status UNCHANGED = 1, no resource listed), and their index entries
-- took more room than their rows. Each index now holds only what its queries need:
--  * by status: only reports that are not quiet; a query for quiet reports reads the time
--    (or node) index and filters;
--  * by resource: only rows that list resources; a quiet report stores NULL rather than an
--    empty array (rows written before keep theirs: the index takes them as it did). Without
--    fastupdate: a report's keys go straight into the index's compressed lists, rather than
--    into a pending list of whole entries kept until the next vacuum (134 bytes a changed
--    report instead of 14, measured);
--  * by time, node and status: without the trailing id; the rare reports that share a start
--    time are put in id order after the index scan. The indexes by time and by status are
--    ascending (and read backwards): reports arrive in time order, and ascending they fill
--    the rightmost page, which splits leaving its left half full, where descending they split
--    leftmost pages in half.
-- The body no longer repeats the columns (id, node, started_at_ms, status): reads put them
-- back, and a body written before that still holds them reads the same.
-- Indexes dropped and made on the parent are dropped and made on every partition.
ALTER TABLE reports ALTER COLUMN resources DROP NOT NULL;

DROP INDEX reports_by_status;
CREATE INDEX reports_by_status ON reports (status, started_at_ms) WHERE status <> 1;

DROP INDEX reports_by_resource;
CREATE INDEX reports_by_resource ON reports USING gin (resources) WITH (fastupdate = off)
  WHERE resources IS NOT NULL;

DROP INDEX reports_by_time;
CREATE INDEX reports_by_time ON reports (started_at_ms);

DROP INDEX reports_by_node;
CREATE INDEX reports_by_node ON reports (node, started_at_ms DESC);
