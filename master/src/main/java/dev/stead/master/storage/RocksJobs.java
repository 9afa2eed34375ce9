package dev.stead.master.storage;

import static dev.stead.master.storage.RocksFamilies.ZERO;
import static dev.stead.master.storage.RocksFamilies.concat;
import static dev.stead.master.storage.RocksFamilies.key;
import static dev.stead.master.storage.RocksFamilies.parse;
import static dev.stead.master.storage.RocksFamilies.startsWith;

import dev.stead.proto.v1.JobNode;
import dev.stead.proto.v1.JobNodeState;
import dev.stead.proto.v1.JobStatus;
import dev.stead.proto.v1.RunRequest;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;

/**
 * Runs on demand in {@link RocksStore}'s database: jobs and their nodes' states, the run
 * requests kept for each master, masters' heartbeats and which master holds each node's
 * command stream. One process owns the database, so a lock makes each read-check-write step
 * atomic.
 */
final class RocksJobs implements JobStore {
  // Job id -> JobStatus without node states; job id \0 node -> JobNode; master \0 sequence ->
  // RunRequest; master id -> heartbeat (8 bytes); node -> master id.
  static final String JOBS = "jobs";
  static final String JOB_NODES = "job_nodes";
  static final String RUN_REQUESTS = "run_requests";
  static final String MASTERS = "masters";
  static final String STREAMS = "streams";

  private final RocksFamilies rocks;
  private final WriteOptions writeOptions;
  private final WriteOptions syncWriteOptions;
  private final Object jobLock = new Object();
  /** Orders the run requests kept for one master as they were made, across restarts. */
  private final AtomicLong runRequests = new AtomicLong(System.currentTimeMillis() * 1000);

  RocksJobs(RocksFamilies rocks, WriteOptions writeOptions, WriteOptions syncWriteOptions) {
    this.rocks = rocks;
    this.writeOptions = writeOptions;
    this.syncWriteOptions = syncWriteOptions;
  }

  @Override
  public void createJob(JobStatus job) {
    if (job.getId().isEmpty() || job.getId().indexOf('\0') >= 0 || job.getMaster().isEmpty()) {
      throw new IllegalArgumentException("a job needs an id and a master");
    }
    synchronized (jobLock) {
      if (rocks.getBytes(JOBS, key(job.getId())) != null) {
        throw new IllegalArgumentException("a job with id " + job.getId() + " exists");
      }
      try (WriteBatch batch = new WriteBatch()) {
        batch.put(rocks.family(JOBS), key(job.getId()), job.toBuilder().clearNodeStates().build()
            .toByteArray());
        for (JobNode node : job.getNodeStatesList()) {
          batch.put(rocks.family(JOB_NODES), jobNodeKey(job.getId(), node.getNode()),
              node.toByteArray());
        }
        rocks.db().write(syncWriteOptions, batch);
      } catch (RocksDBException e) {
        throw rocks.failure("store job " + job.getId(), e);
      }
    }
  }

  @Override
  public Optional<JobStatus> job(String id) {
    Optional<JobStatus> header =
        rocks.get(JOBS, key(id), JobStatus.parser());
    if (header.isEmpty()) {
      return header;
    }
    JobStatus.Builder job = header.get().toBuilder();
    byte[] prefix = concat(key(id), ZERO);
    try (RocksIterator it = rocks.db().newIterator(rocks.family(JOB_NODES))) {
      for (it.seek(prefix); it.isValid() && startsWith(it.key(), prefix); it.next()) {
        job.addNodeStates(parse(it.value(), JobNode.parser()));
      }
      rocks.check(it);
    }
    return Optional.of(job.build());
  }

  @Override
  public List<JobStatus> unfinishedJobs() {
    List<JobStatus> out = new ArrayList<>();
    try (RocksIterator it = rocks.db().newIterator(rocks.family(JOBS))) {
      for (it.seekToFirst(); it.isValid(); it.next()) {
        JobStatus job =
            parse(it.value(), JobStatus.parser());
        if (!job.getDone()) {
          out.add(job);
        }
      }
      rocks.check(it);
    }
    out.sort(Comparator.comparingLong(JobStatus::getStartedAtMs)
        .thenComparing(JobStatus::getId));
    return List.copyOf(out);
  }

  @Override
  public boolean moveJobNode(String jobId, JobNode next,
      Set<JobNodeState> from) {
    synchronized (jobLock) {
      byte[] at = jobNodeKey(jobId, next.getNode());
      Optional<JobNode> now =
          rocks.get(JOB_NODES, at, JobNode.parser());
      if (now.isEmpty() || !from.contains(now.get().getState())) {
        return false;
      }
      rocks.put(JOB_NODES, at, next, syncWriteOptions);
      return true;
    }
  }

  @Override
  public void finishJob(String id) {
    synchronized (jobLock) {
      rocks.get(JOBS, key(id), JobStatus.parser()).ifPresent(job ->
          rocks.put(JOBS, key(id), job.toBuilder().setDone(true).build(), syncWriteOptions));
    }
  }

  @Override
  public List<String> jobsWaitingFor(String node) {
    List<String> out = new ArrayList<>();
    try (RocksIterator it = rocks.db().newIterator(rocks.family(JOBS))) {
      for (it.seekToFirst(); it.isValid(); it.next()) {
        JobStatus job =
            parse(it.value(), JobStatus.parser());
        if (!job.getDone() && rocks.get(JOB_NODES, jobNodeKey(job.getId(), node),
                JobNode.parser())
            .filter(n -> n.getState() == JobNodeState.TRIGGERED)
            .isPresent()) {
          out.add(job.getId());
        }
      }
      rocks.check(it);
    }
    return List.copyOf(out);
  }

  @Override
  public Optional<String> requestRun(RunRequest request,
      JobNode triggered) {
    synchronized (jobLock) {
      for (String other : jobsWaitingFor(request.getNode())) {
        if (!other.equals(request.getJobId())) {
          return Optional.of(other);
        }
      }
      byte[] at = jobNodeKey(request.getJobId(), request.getNode());
      Optional<JobNode> now =
          rocks.get(JOB_NODES, at, JobNode.parser());
      if (now.isEmpty() || now.get().getState() != JobNodeState.QUEUED) {
        return Optional.empty();
      }
      try (WriteBatch batch = new WriteBatch()) {
        batch.put(rocks.family(JOB_NODES), at, triggered.toByteArray());
        batch.put(rocks.family(RUN_REQUESTS), concat(key(request.getMaster()), ZERO,
            ByteBuffer.allocate(Long.BYTES).putLong(runRequests.incrementAndGet()).array()),
            request.toByteArray());
        rocks.db().write(syncWriteOptions, batch);
      } catch (RocksDBException e) {
        throw rocks.failure("request a run of " + request.getNode(), e);
      }
      return Optional.empty();
    }
  }

  @Override
  public List<RunRequest> takeRunRequests(String master) {
    List<RunRequest> out = new ArrayList<>();
    byte[] prefix = concat(key(master), ZERO);
    synchronized (jobLock) {
      try (WriteBatch batch = new WriteBatch();
          RocksIterator it = rocks.db().newIterator(rocks.family(RUN_REQUESTS))) {
        for (it.seek(prefix); it.isValid() && startsWith(it.key(), prefix); it.next()) {
          out.add(parse(it.value(), RunRequest.parser()));
          batch.delete(rocks.family(RUN_REQUESTS), it.key());
        }
        rocks.check(it);
        if (!out.isEmpty()) {
          rocks.db().write(writeOptions, batch);
        }
      } catch (RocksDBException e) {
        throw rocks.failure("take the run requests of master " + master, e);
      }
    }
    return List.copyOf(out);
  }

  @Override
  public void masterAlive(String master, long nowMs) {
    try {
      rocks.db().put(rocks.family(MASTERS), writeOptions, key(master),
          ByteBuffer.allocate(Long.BYTES).putLong(nowMs).array());
    } catch (RocksDBException e) {
      throw rocks.failure("record the heartbeat of master " + master, e);
    }
  }

  @Override
  public Map<String, Long> streamMasters() {
    Map<String, Long> out = new TreeMap<>();
    try (RocksIterator it = rocks.db().newIterator(rocks.family(MASTERS))) {
      for (it.seekToFirst(); it.isValid(); it.next()) {
        out.put(new String(it.key(), StandardCharsets.UTF_8), ByteBuffer.wrap(it.value())
            .getLong());
      }
      rocks.check(it);
    }
    return Collections.unmodifiableMap(out);
  }

  @Override
  public void holdStream(String node, String master) {
    try {
      rocks.db().put(rocks.family(STREAMS), writeOptions, key(node), key(master));
    } catch (RocksDBException e) {
      throw rocks.failure("record the stream of " + node, e);
    }
  }

  @Override
  public void releaseStream(String node, String master) {
    synchronized (jobLock) {
      byte[] holder = rocks.getBytes(STREAMS, key(node));
      if (holder != null && Arrays.equals(holder, key(master))) {
        try {
          rocks.db().delete(rocks.family(STREAMS), writeOptions, key(node));
        } catch (RocksDBException e) {
          throw rocks.failure("forget the stream of " + node, e);
        }
      }
    }
  }

  @Override
  public Map<String, String> streamHolders(long aliveSinceMs) {
    Map<String, Long> alive = streamMasters();
    Map<String, String> out = new TreeMap<>();
    try (RocksIterator it = rocks.db().newIterator(rocks.family(STREAMS))) {
      for (it.seekToFirst(); it.isValid(); it.next()) {
        String master = new String(it.value(), StandardCharsets.UTF_8);
        Long beat = alive.get(master);
        if (beat != null && beat >= aliveSinceMs) {
          out.put(new String(it.key(), StandardCharsets.UTF_8), master);
        }
      }
      rocks.check(it);
    }
    return Collections.unmodifiableMap(out);
  }

  @Override
  public void forgetMaster(String master) {
    synchronized (jobLock) {
      byte[] id = key(master);
      try (WriteBatch batch = new WriteBatch()) {
        batch.delete(rocks.family(MASTERS), id);
        try (RocksIterator it = rocks.db().newIterator(rocks.family(STREAMS))) {
          for (it.seekToFirst(); it.isValid(); it.next()) {
            if (Arrays.equals(it.value(), id)) {
              batch.delete(rocks.family(STREAMS), it.key());
            }
          }
          rocks.check(it);
        }
        byte[] prefix = concat(id, ZERO);
        try (RocksIterator it = rocks.db().newIterator(rocks.family(RUN_REQUESTS))) {
          for (it.seek(prefix); it.isValid() && startsWith(it.key(), prefix); it.next()) {
            batch.delete(rocks.family(RUN_REQUESTS), it.key());
          }
          rocks.check(it);
        }
        rocks.db().write(writeOptions, batch);
      } catch (RocksDBException e) {
        throw rocks.failure("forget master " + master, e);
      }
    }
  }

  @Override
  public int forgetJobs(long startedBeforeMs) {
    int forgotten = 0;
    synchronized (jobLock) {
      try (WriteBatch batch = new WriteBatch();
          RocksIterator it = rocks.db().newIterator(rocks.family(JOBS))) {
        for (it.seekToFirst(); it.isValid(); it.next()) {
          JobStatus job =
              parse(it.value(), JobStatus.parser());
          if (job.getDone() && job.getStartedAtMs() < startedBeforeMs) {
            batch.delete(rocks.family(JOBS), it.key());
            byte[] prefix = concat(key(job.getId()), ZERO);
            batch.deleteRange(rocks.family(JOB_NODES), prefix, concat(key(job.getId()), new byte[] {1}));
            forgotten++;
          }
        }
        rocks.check(it);
        if (forgotten > 0) {
          rocks.db().write(syncWriteOptions, batch);
        }
      } catch (RocksDBException e) {
        throw rocks.failure("forget old jobs", e);
      }
    }
    return forgotten;
  }

  private static byte[] jobNodeKey(String jobId, String node) {
    return concat(key(jobId), ZERO, key(node));
  }
}
