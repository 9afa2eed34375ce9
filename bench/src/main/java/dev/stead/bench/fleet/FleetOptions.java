package dev.stead.bench.fleet;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * The simulator's settings, from {@code --name value} arguments. Every name is checked, so a
 * misspelt option stops the run instead of silently measuring the default.
 *
 * @param mode {@code run} (catalog then report, open loop), {@code reports} (quiet reports
 *     only, open loop), {@code streams} (open command streams and hold them) or {@code first}
 *     (poll one agent's catalog until the master answers: cold start)
 * @param channelPerRun open a fresh connection for each check-in (a timer-driven agent)
 *     instead of keeping one per agent (a daemon)
 * @param boringClient the client's TLS from BoringSSL rather than the JDK's (real agents use
 *     the JDK's): the client's handshakes then take less of the machine it shares with the
 *     master, whose side of each handshake is the same
 * @param masterPidFile where the master's pid is, read at every sample: a master restarted
 *     during the run is followed (null: {@code masterPid} only)
 * @param heldFile what each agent holds (its catalog's digest and code version), read at the
 *     start and written at the end, as real agents keep their catalog on disk across
 *     restarts (null: every agent starts holding nothing)
 * @param knownDigestFile mode first: the digest the agent holds (sent as its known digest,
 *     as a running agent does), and where the digest of a catalog sent is written; null:
 *     the agent holds none
 */
record FleetOptions(String mode, String host, int port, int agents, double intervalSeconds,
    double ratePerSecond, int durationSeconds, int warmupSeconds, int periodSeconds,
    boolean churnFacts, double changedShare, double driftShare, int streams,
    boolean channelPerRun, int masterPid, Path masterData, Path identities, int eventLoops,
    long sinceEpochMs, Path sinceFile, boolean boringClient, Path knownDigestFile,
    Path masterPidFile, Path heldFile) {

  private static final Set<String> NAMES = Set.of("mode", "master", "agents", "interval",
      "rate", "duration", "warmup", "period", "facts", "changed", "drift", "streams",
      "channels", "master-pid", "master-data", "identities", "event-loops", "since-epoch-ms",
      "since-file", "client-tls", "known-digest-file", "master-pid-file", "held-file");

  static final String USAGE = """
      FleetSimulator --master HOST:PORT --identities FILE [options]
        --mode run|reports|streams|first   (default run)
        --agents N            simulated agents, each its own certificate (default 1000)
        --interval SECONDS    run interval of every agent: rate = agents / interval (default 300)
        --rate PER_SECOND     check-ins (or reports) per second instead of agents / interval
        --duration SECONDS    measured time after the warm-up (default 600)
        --warmup SECONDS      time before the measured part, reported apart (default 60)
        --period SECONDS      one JSON line per period (default 30)
        --facts churn|stable  churn: new facts every run (every check-in compiles) (default churn)
        --changed SHARE       share of runs that report changes (default 0.05)
        --drift SHARE         share of runs that report repaired drift (default 0.02)
        --streams N           also hold N command streams open, one per agent (default 0)
        --channels keep|per-run  keep one connection per agent, or dial for each run (default keep)
        --client-tls jdk|boringssl  the simulated agents' TLS: the JDK's, as real agents, or
                              BoringSSL's, cheaper for the client's CPU (default jdk)
        --master-pid PID      the master's process, read from /proc
        --master-pid-file FILE  the master's pid, read again at every sample (a master
                              restarted during the run is followed)
        --master-data DIR     the master's data directory, for bytes on disk
        --event-loops N       client event loop threads (default 2)
        --since-epoch-ms MS   mode first: count the time from this moment (the master's start)
        --since-file FILE     mode first: the same moment, read from FILE once the catalog
                              came (the client starts before the master, as a running agent)
        --known-digest-file FILE  mode first: the catalog digest the agent holds, sent as an
                              agent does after a restart (none when FILE is missing); the
                              digest of a catalog sent is written there
        --held-file FILE      what every agent holds (catalog digest, code version), read at
                              the start and written at the end, as agents keep their catalog
                              across restarts (default: every agent starts holding nothing)
      """;

  static FleetOptions parse(String[] args) {
    Map<String, String> values = new HashMap<>();
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      if (!arg.startsWith("--") || !NAMES.contains(arg.substring(2))) {
        throw new IllegalArgumentException("unknown option '" + arg + "'\n" + USAGE);
      }
      if (i + 1 >= args.length) {
        throw new IllegalArgumentException("option " + arg + " needs a value");
      }
      values.put(arg.substring(2), args[++i]);
    }
    String master = required(values, "master");
    int colon = master.lastIndexOf(':');
    if (colon < 1) {
      throw new IllegalArgumentException("--master must be HOST:PORT, got '" + master + "'");
    }
    String mode = values.getOrDefault("mode", "run");
    if (!Set.of("run", "reports", "streams", "first").contains(mode)) {
      throw new IllegalArgumentException("--mode must be run, reports, streams or first, got '"
          + mode + "'");
    }
    int agents = integer(values, "agents", 1000);
    double interval = number(values, "interval", 300);
    double rate = values.containsKey("rate") ? number(values, "rate", 0) : agents / interval;
    String facts = values.getOrDefault("facts", "churn");
    if (!facts.equals("churn") && !facts.equals("stable")) {
      throw new IllegalArgumentException("--facts must be churn or stable, got '" + facts + "'");
    }
    String channels = values.getOrDefault("channels", "keep");
    if (!channels.equals("keep") && !channels.equals("per-run")) {
      throw new IllegalArgumentException("--channels must be keep or per-run, got '" + channels
          + "'");
    }
    String clientTls = values.getOrDefault("client-tls", "jdk");
    if (!clientTls.equals("jdk") && !clientTls.equals("boringssl")) {
      throw new IllegalArgumentException("--client-tls must be jdk or boringssl, got '"
          + clientTls + "'");
    }
    int streams = integer(values, "streams", 0);
    if (streams > agents) {
      throw new IllegalArgumentException("--streams (" + streams + ") cannot exceed --agents ("
          + agents + "): one stream per agent");
    }
    return new FleetOptions(mode, master.substring(0, colon),
        Integer.parseInt(master.substring(colon + 1)), agents, interval, rate,
        integer(values, "duration", 600), integer(values, "warmup", 60),
        integer(values, "period", 30), facts.equals("churn"), number(values, "changed", 0.05),
        number(values, "drift", 0.02), streams, channels.equals("per-run"),
        integer(values, "master-pid", 0),
        values.containsKey("master-data") ? Path.of(values.get("master-data")) : null,
        Path.of(required(values, "identities")), integer(values, "event-loops", 2),
        Long.parseLong(values.getOrDefault("since-epoch-ms", "0")),
        values.containsKey("since-file") ? Path.of(values.get("since-file")) : null,
        clientTls.equals("boringssl"),
        values.containsKey("known-digest-file") ? Path.of(values.get("known-digest-file"))
            : null,
        values.containsKey("master-pid-file") ? Path.of(values.get("master-pid-file")) : null,
        values.containsKey("held-file") ? Path.of(values.get("held-file")) : null);
  }

  private static String required(Map<String, String> values, String name) {
    String v = values.get(name);
    if (v == null) {
      throw new IllegalArgumentException("--" + name + " is required\n" + USAGE);
    }
    return v;
  }

  private static int integer(Map<String, String> values, String name, int fallback) {
    try {
      int v = Integer.parseInt(values.getOrDefault(name, String.valueOf(fallback)));
      if (v < 0) {
        throw new IllegalArgumentException("--" + name + " must not be negative, got " + v);
      }
      return v;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("--" + name + " must be a whole number, got '"
          + values.get(name) + "'");
    }
  }

  private static double number(Map<String, String> values, String name, double fallback) {
    try {
      double v = Double.parseDouble(values.getOrDefault(name, String.valueOf(fallback)));
      if (!(v >= 0)) {
        throw new IllegalArgumentException("--" + name + " must not be negative, got " + v);
      }
      return v;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("--" + name + " must be a number, got '"
          + values.get(name) + "'");
    }
  }
}
