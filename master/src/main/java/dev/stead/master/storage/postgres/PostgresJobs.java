package dev.stead.master.storage.postgres;

import static dev.stead.master.storage.postgres.Sql.execute;
import static dev.stead.master.storage.postgres.Sql.parse;
import static dev.stead.master.storage.postgres.Sql.prepare;
import static dev.stead.master.storage.postgres.Sql.transaction;

import dev.stead.master.storage.JobStore;
import dev.stead.master.storage.StoreException;
import dev.stead.proto.v1.JobNode;
import dev.stead.proto.v1.JobNodeState;
import dev.stead.proto.v1.JobStatus;
import dev.stead.proto.v1.RunRequest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * {@link JobStore} on the tables of migration V6, for {@link PostgresStore}. The conditional
 * steps are single statements (a move is an {@code UPDATE ... WHERE state = ANY(...)}), or, for
 * a run request, a transaction holding an advisory lock on the node's name, so two masters
 * asking the same node for two jobs at once see each other.
 */
final class PostgresJobs implements JobStore {
  /** Advisory lock key (first half) for a node's run requests; the second is the name's hash. */
  private static final int RUN_REQUEST_LOCK = 0x5354524e; // "STRN"
  private static final String UNIQUE_VIOLATION = "23505";

  private final Sql db;

  PostgresJobs(Sql db) {
    this.db = db;
  }

  @Override
  public void createJob(JobStatus job) {
    if (job.getId().isEmpty() || job.getMaster().isEmpty()) {
      throw new IllegalArgumentException("a job needs an id and a master");
    }
    try {
      db.run("store job " + job.getId(), connection -> transaction(connection, () -> {
        execute(connection, "INSERT INTO jobs (id, started_at_ms, done, body) VALUES (?, ?, ?, ?)",
            job.getId(), job.getStartedAtMs(), job.getDone(),
            job.toBuilder().clearNodeStates().build().toByteArray());
        try (PreparedStatement insert = connection.prepareStatement(
            "INSERT INTO job_nodes (job_id, node, state, body) VALUES (?, ?, ?, ?)")) {
          for (JobNode node : job.getNodeStatesList()) {
            insert.setString(1, job.getId());
            insert.setString(2, node.getNode());
            insert.setInt(3, node.getStateValue());
            insert.setBytes(4, node.toByteArray());
            insert.addBatch();
          }
          insert.executeBatch();
        }
        return null;
      }));
    } catch (StoreException e) {
      if (e.getCause() instanceof SQLException sql
          && UNIQUE_VIOLATION.equals(sql.getSQLState())) {
        throw new IllegalArgumentException("a job with id " + job.getId() + " exists", e);
      }
      throw e;
    }
  }

  @Override
  public Optional<JobStatus> job(String id) {
    return db.run("read job " + id, connection -> {
      JobStatus.Builder job;
      try (PreparedStatement query = prepare(connection, "SELECT body FROM jobs WHERE id = ?",
              id);
          ResultSet rows = query.executeQuery()) {
        if (!rows.next()) {
          return Optional.<JobStatus>empty();
        }
        job = parse(rows.getBytes(1), JobStatus.parser()).toBuilder();
      }
      try (PreparedStatement query = prepare(connection,
              "SELECT body FROM job_nodes WHERE job_id = ? ORDER BY node", id);
          ResultSet rows = query.executeQuery()) {
        while (rows.next()) {
          job.addNodeStates(parse(rows.getBytes(1), JobNode.parser()));
        }
      }
      return Optional.of(job.build());
    });
  }

  @Override
  public List<JobStatus> unfinishedJobs() {
    return db.list("SELECT body FROM jobs WHERE NOT done ORDER BY started_at_ms, id",
        JobStatus.parser());
  }

  @Override
  public boolean moveJobNode(String jobId, JobNode next, Set<JobNodeState> from) {
    Integer[] states = from.stream().map(JobNodeState::getNumber).toArray(Integer[]::new);
    return db.run("move node " + next.getNode() + " of job " + jobId, connection -> {
      try (PreparedStatement update = connection.prepareStatement("UPDATE job_nodes SET "
          + "state = ?, body = ? WHERE job_id = ? AND node = ? AND state = ANY (?)")) {
        update.setInt(1, next.getStateValue());
        update.setBytes(2, next.toByteArray());
        update.setString(3, jobId);
        update.setString(4, next.getNode());
        update.setArray(5, connection.createArrayOf("integer", states));
        return update.executeUpdate() == 1;
      }
    });
  }

  @Override
  public void finishJob(String id) {
    db.run("finish job " + id, connection -> {
      execute(connection, "UPDATE jobs SET done = true, body = ? WHERE id = ?",
          doneBody(connection, id), id);
      return null;
    });
  }

  /** The stored job with done set, so the body and the column agree. */
  private byte[] doneBody(Connection connection, String id) throws SQLException {
    try (PreparedStatement query = prepare(connection, "SELECT body FROM jobs WHERE id = ?", id);
        ResultSet rows = query.executeQuery()) {
      return rows.next() ? parse(rows.getBytes(1), JobStatus.parser()).toBuilder().setDone(true)
          .build().toByteArray() : new byte[0];
    }
  }

  @Override
  public List<String> jobsWaitingFor(String node) {
    return db.run("find the jobs waiting for " + node, connection -> waiting(connection, node));
  }

  private static List<String> waiting(Connection connection, String node) throws SQLException {
    List<String> out = new ArrayList<>();
    try (PreparedStatement query = prepare(connection, "SELECT n.job_id FROM job_nodes n "
            + "JOIN jobs j ON j.id = n.job_id WHERE n.node = ? AND n.state = ? AND NOT j.done "
            + "ORDER BY n.job_id", node, JobNodeState.TRIGGERED_VALUE);
        ResultSet rows = query.executeQuery()) {
      while (rows.next()) {
        out.add(rows.getString(1));
      }
    }
    return List.copyOf(out);
  }

  @Override
  public Optional<String> requestRun(RunRequest request, JobNode triggered) {
    return db.run("request a run of " + request.getNode(), connection ->
        transaction(connection, () -> {
          execute(connection, "SELECT pg_advisory_xact_lock(?, hashtext(?))", RUN_REQUEST_LOCK,
              request.getNode());
          for (String other : waiting(connection, request.getNode())) {
            if (!other.equals(request.getJobId())) {
              return Optional.of(other);
            }
          }
          int moved = execute(connection, "UPDATE job_nodes SET state = ?, body = ? "
              + "WHERE job_id = ? AND node = ? AND state = ?", triggered.getStateValue(),
              triggered.toByteArray(), request.getJobId(), request.getNode(),
              JobNodeState.QUEUED_VALUE);
          if (moved == 1) {
            execute(connection, "INSERT INTO run_requests (master, body) VALUES (?, ?)",
                request.getMaster(), request.toByteArray());
          }
          return Optional.<String>empty();
        }));
  }

  @Override
  public List<RunRequest> takeRunRequests(String master) {
    return db.run("take the run requests of master " + master, connection -> {
      Map<Long, RunRequest> bySeq = new TreeMap<>();
      try (PreparedStatement delete = prepare(connection,
              "DELETE FROM run_requests WHERE master = ? RETURNING seq, body", master);
          ResultSet rows = delete.executeQuery()) {
        while (rows.next()) {
          bySeq.put(rows.getLong(1), parse(rows.getBytes(2), RunRequest.parser()));
        }
      }
      return List.copyOf(bySeq.values());
    });
  }

  @Override
  public void masterAlive(String master, long nowMs) {
    db.run("record the heartbeat of master " + master, connection -> execute(connection,
        "INSERT INTO job_masters (id, heartbeat_ms) VALUES (?, ?) ON CONFLICT (id) DO UPDATE SET "
            + "heartbeat_ms = EXCLUDED.heartbeat_ms", master, nowMs));
  }

  @Override
  public Map<String, Long> streamMasters() {
    return db.run("read the masters' heartbeats", connection -> {
      Map<String, Long> out = new TreeMap<>();
      try (PreparedStatement query = connection.prepareStatement(
              "SELECT id, heartbeat_ms FROM job_masters");
          ResultSet rows = query.executeQuery()) {
        while (rows.next()) {
          out.put(rows.getString(1), rows.getLong(2));
        }
      }
      return Collections.unmodifiableMap(out);
    });
  }

  @Override
  public void holdStream(String node, String master) {
    db.run("record the stream of " + node, connection -> execute(connection,
        "INSERT INTO agent_streams (node, master) VALUES (?, ?) ON CONFLICT (node) DO UPDATE "
            + "SET master = EXCLUDED.master", node, master));
  }

  @Override
  public void releaseStream(String node, String master) {
    db.run("forget the stream of " + node, connection -> execute(connection,
        "DELETE FROM agent_streams WHERE node = ? AND master = ?", node, master));
  }

  @Override
  public Map<String, String> streamHolders(long aliveSinceMs) {
    return db.run("read the agents' streams", connection -> {
      Map<String, String> out = new TreeMap<>();
      try (PreparedStatement query = prepare(connection, "SELECT s.node, s.master FROM "
              + "agent_streams s JOIN job_masters m ON m.id = s.master WHERE m.heartbeat_ms >= ?",
              aliveSinceMs);
          ResultSet rows = query.executeQuery()) {
        while (rows.next()) {
          out.put(rows.getString(1), rows.getString(2));
        }
      }
      return Collections.unmodifiableMap(out);
    });
  }

  @Override
  public void forgetMaster(String master) {
    db.run("forget master " + master, connection -> transaction(connection, () -> {
      execute(connection, "DELETE FROM agent_streams WHERE master = ?", master);
      execute(connection, "DELETE FROM run_requests WHERE master = ?", master);
      return execute(connection, "DELETE FROM job_masters WHERE id = ?", master);
    }));
  }

  @Override
  public int forgetJobs(long startedBeforeMs) {
    return db.run("forget old jobs", connection -> execute(connection,
        "DELETE FROM jobs WHERE done AND started_at_ms < ?", startedBeforeMs));
  }

  // --- plumbing ---

}
