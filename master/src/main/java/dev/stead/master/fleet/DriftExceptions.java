package dev.stead.master.fleet;

import dev.stead.master.storage.Store;
import dev.stead.proto.v1.Catalog;
import dev.stead.proto.v1.ChangeKind;
import dev.stead.proto.v1.ChangeRecord;
import dev.stead.proto.v1.DriftException;
import dev.stead.proto.v1.Event;
import dev.stead.proto.v1.ExceptDriftRequest;
import dev.stead.proto.v1.PropertyException;
import dev.stead.proto.v1.Report;
import dev.stead.proto.v1.Resource;
import dev.stead.proto.v1.ResourceResult;
import dev.stead.wire.Catalogs;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Drift exceptions: an operator's decision that one property of one resource on one node is
 * not enforced until a set expiry. Grants them (validated: nothing is stored for bad input),
 * lifts them before their expiry, lists them, adds a node's active ones to the catalog it is
 * served, and turns them into rows of the audit trail. The command line (through
 * {@code FleetService}) and the dashboard both decide through this class. Thread-safe; the
 * store holds the state.
 */
public final class DriftExceptions {
  /** How far ahead an expiry may lie: an exception is a pause, not a new policy. */
  public static final Duration LONGEST = Duration.ofDays(366);
  static final int MAX_REASON = 2_000;
  static final int MAX_OWNER = 200;
  /** How many of a node's newest reports name the properties an exception may be on. */
  private static final int REPORTS_LOOKED_AT = 50;
  /** The actor of an expiry row: nobody decided it then, the expiry set at the grant did. */
  public static final String EXPIRY_ACTOR = "stead";
  private static final Pattern RESOURCE_KEY = Pattern.compile("[a-z][a-z0-9_]*\\[.+\\]",
      Pattern.DOTALL);
  private static final SecureRandom RANDOM = new SecureRandom();

  private final Store store;
  private final Clock clock;

  public DriftExceptions(Store store, Clock clock) {
    this.store = store;
    this.clock = clock;
  }

  /**
   * Validates and stores an exception granted by {@code decidedBy}.
   *
   * @throws IllegalArgumentException for a missing or malformed field, or an expiry that is
   *     not in the future (or more than {@link #LONGEST} ahead)
   * @throws NoSuchElementException for a node, resource or property Stead does not know
   */
  public DriftException grant(ExceptDriftRequest request, String decidedBy) {
    long now = clock.millis();
    String node = request.getNode().strip();
    String resource = request.getResource().strip();
    String property = request.getProperty().strip();
    if (node.isEmpty()) {
      throw new IllegalArgumentException("an exception needs a node");
    }
    if (!RESOURCE_KEY.matcher(resource).matches()) {
      throw new IllegalArgumentException("an exception needs a resource as type[title], e.g. "
          + "file[/etc/motd]; got '" + resource + "'");
    }
    if (property.isEmpty()) {
      throw new IllegalArgumentException("an exception needs a property, e.g. content");
    }
    String reason = text(request.getReason(), "reason", MAX_REASON,
        "why this drift may stay, e.g. a ticket and its cause");
    String owner = text(request.getOwner(), "owner", MAX_OWNER,
        "who answers for it, a person or a team");
    if (owner.chars().anyMatch(Character::isISOControl)) {
      throw new IllegalArgumentException("the owner must be one line of text");
    }
    long expires = request.getExpiresAtMs();
    if (expires == 0) {
      throw new IllegalArgumentException("an exception needs an expiry (e.g. 7d or an "
          + "ISO-8601 time): enforcement must resume by itself");
    }
    if (expires <= now) {
      throw new IllegalArgumentException("the expiry " + Instant.ofEpochMilli(expires)
          + " is not in the future (now is " + Instant.ofEpochMilli(now) + ")");
    }
    if (expires - now > LONGEST.toMillis()) {
      throw new IllegalArgumentException("the expiry " + Instant.ofEpochMilli(expires)
          + " lies more than " + LONGEST.toDays() + " days ahead; grant a shorter one and "
          + "renew it if the drift must stay");
    }
    requireKnown(node, resource, property);
    DriftException granted = DriftException.newBuilder()
        .setId(newId())
        .setNode(node)
        .setResource(resource)
        .setProperty(property)
        .setReason(reason)
        .setOwner(owner)
        .setExpiresAtMs(expires)
        .setCreatedAtMs(now)
        .setDecidedBy(decidedBy)
        .build();
    store.putException(granted);
    return granted;
  }

  /**
   * Ends exception {@code id} now, before its expiry, as {@code liftedBy} decided; the node
   * enforces the property again from its next catalog. The exception is kept, marked lifted,
   * for the audit trail.
   *
   * @throws NoSuchElementException for an id Stead does not know
   * @throws IllegalArgumentException when it has already expired or been lifted
   */
  public synchronized DriftException lift(String id, String liftedBy) {
    String wanted = id.strip();
    if (wanted.isEmpty()) {
      throw new IllegalArgumentException("name the exception to lift by its id (ex-…)");
    }
    DriftException found = store.exceptions("").stream()
        .filter(e -> e.getId().equals(wanted)).findFirst()
        .orElseThrow(() -> new NoSuchElementException("no drift exception '" + wanted
            + "' (stead exceptions lists them)"));
    long now = clock.millis();
    if (found.getLiftedAtMs() != 0) {
      throw new IllegalArgumentException("exception " + wanted + " was already lifted by "
          + found.getLiftedBy() + " at " + Instant.ofEpochMilli(found.getLiftedAtMs()));
    }
    if (found.getExpiresAtMs() <= now) {
      throw new IllegalArgumentException("exception " + wanted + " already expired at "
          + Instant.ofEpochMilli(found.getExpiresAtMs()));
    }
    DriftException lifted = found.toBuilder().setLiftedAtMs(now).setLiftedBy(liftedBy).build();
    store.putException(lifted);
    return lifted;
  }

  /** When {@code e} stops (or stopped) holding enforcement back: lifted, else its expiry. */
  public static long endsAtMs(DriftException e) {
    return e.getLiftedAtMs() != 0 ? Math.min(e.getLiftedAtMs(), e.getExpiresAtMs())
        : e.getExpiresAtMs();
  }

  /**
   * Active exceptions, plus those that ended (expired or lifted) at or after
   * {@code expiredSinceMs} when it is > 0.
   */
  public List<DriftException> list(long expiredSinceMs) {
    long now = clock.millis();
    List<DriftException> out = new ArrayList<>();
    for (DriftException e : store.exceptions("")) {
      long ends = endsAtMs(e);
      if (ends > now || (expiredSinceMs > 0 && ends >= expiredSinceMs)) {
        out.add(e);
      }
    }
    out.sort(ORDER);
    return List.copyOf(out);
  }

  /** The exceptions of {@code node} in force now. */
  public List<DriftException> active(String node) {
    long now = clock.millis();
    return store.exceptions(node).stream().filter(e -> endsAtMs(e) > now).toList();
  }

  /**
   * {@code compiled} with the node's active exceptions on resources it holds (one per
   * resource and property: the one that runs longest), sealed again; {@code compiled} itself
   * when there are none.
   */
  public Catalog served(Catalog compiled) {
    List<DriftException> active = active(compiled.getNode());
    if (active.isEmpty()) {
      return compiled;
    }
    Set<String> resources = new TreeSet<>();
    for (Resource r : compiled.getResourcesList()) {
      resources.add(Catalogs.key(r));
    }
    Map<String, DriftException> longest = new LinkedHashMap<>();
    for (DriftException e : active) {
      if (resources.contains(e.getResource())) {
        longest.merge(e.getResource() + "\n" + e.getProperty(), e,
            (a, b) -> a.getExpiresAtMs() >= b.getExpiresAtMs() ? a : b);
      }
    }
    if (longest.isEmpty()) {
      return compiled;
    }
    List<PropertyException> carried = new ArrayList<>();
    longest.values().stream().sorted(ORDER).forEach(e -> carried.add(
        PropertyException.newBuilder().setResource(e.getResource())
            .setProperty(e.getProperty()).setExpiresAtMs(e.getExpiresAtMs())
            .setId(e.getId()).build()));
    return Catalogs.seal(compiled.toBuilder().clearExceptions().addAllExceptions(carried)
        .build());
  }

  /**
   * The decisions in {@code [sinceMs, untilMs]} on nodes matching {@code nodes}, as audit
   * rows (newest first): each grant at its time, each lift at its, and each expiry that has
   * passed (unlike a lift, decided by nobody at that moment) at its.
   */
  public List<ChangeRecord> decisions(long sinceMs, long untilMs, Pattern nodes) {
    long now = clock.millis();
    long until = untilMs == 0 ? now : untilMs;
    List<ChangeRecord> out = new ArrayList<>();
    for (DriftException e : store.exceptions("")) {
      if (!nodes.matcher(e.getNode()).matches()) {
        continue;
      }
      String excepted = "excepted until " + Instant.ofEpochMilli(e.getExpiresAtMs());
      if (e.getCreatedAtMs() >= sinceMs && e.getCreatedAtMs() <= until) {
        out.add(decision(e, e.getCreatedAtMs(), "except", e.getDecidedBy(), e.getReason())
            .setBefore("enforced").setAfter(excepted).build());
      }
      if (e.getLiftedAtMs() != 0 && e.getLiftedAtMs() <= e.getExpiresAtMs()) {
        if (e.getLiftedAtMs() >= sinceMs && e.getLiftedAtMs() <= until) {
          out.add(decision(e, e.getLiftedAtMs(), "lift", e.getLiftedBy(),
              "lifted before its expiry; granted by " + e.getDecidedBy() + ": "
                  + e.getReason())
              .setBefore(excepted).setAfter("enforced").build());
        }
      } else if (e.getExpiresAtMs() <= now && e.getExpiresAtMs() >= sinceMs
          && e.getExpiresAtMs() <= until) {
        out.add(decision(e, e.getExpiresAtMs(), "expired", EXPIRY_ACTOR,
            "the expiry set by " + e.getDecidedBy() + " passed")
            .setBefore(excepted).setAfter("enforced").build());
      }
    }
    out.sort(Comparator.comparingLong(ChangeRecord::getTimeMs).reversed());
    return out;
  }

  private static ChangeRecord.Builder decision(DriftException e, long time, String what,
      String actor, String reason) {
    return ChangeRecord.newBuilder()
        .setNode(e.getNode())
        .setTimeMs(time)
        .setResource(e.getResource())
        .setProperty(e.getProperty())
        .setKind(ChangeKind.DECISION)
        .setDecision(what)
        .setActor(actor)
        .setOwner(e.getOwner())
        .setReason(reason)
        .setExceptionId(e.getId());
  }

  /** The node must be known and the resource and property named by its catalog or reports. */
  private void requireKnown(String node, String resource, String property) {
    Optional<Catalog> catalog = store.catalog(node);
    if (store.node(node).isEmpty() && catalog.isEmpty()) {
      throw new NoSuchElementException("unknown node '" + node + "' (stead nodes lists the "
          + "nodes the master knows)");
    }
    Set<String> known = new TreeSet<>();
    boolean resourceSeen = false;
    if (catalog.isPresent()) {
      for (Resource r : catalog.get().getResourcesList()) {
        if (Catalogs.key(r).equals(resource)) {
          resourceSeen = true;
          known.addAll(r.getParametersMap().keySet());
          if (r.getParametersMap().containsKey("source")) {
            known.add("content"); // a file's content, given by its source's checksum
          }
        }
      }
    }
    for (Report report : store.reports(node, REPORTS_LOOKED_AT)) {
      for (ResourceResult r : report.getResourcesList()) {
        if (r.getKey().equals(resource)) {
          resourceSeen = true;
          for (Event e : r.getEventsList()) {
            known.add(e.getProperty());
          }
        }
      }
    }
    if (!resourceSeen) {
      throw new NoSuchElementException("node '" + node + "' has no resource " + resource
          + " in its last catalog or its recent reports");
    }
    if (!known.contains(property)) {
      throw new NoSuchElementException(resource + " on '" + node + "' has no property '"
          + property + "'" + (known.isEmpty() ? "" : " (it has: " + String.join(", ", known)
          + ")"));
    }
  }

  private static String text(String given, String field, int max, String hint) {
    String text = given.strip();
    if (text.isEmpty()) {
      throw new IllegalArgumentException("an exception needs a " + field + ": " + hint);
    }
    if (text.length() > max) {
      throw new IllegalArgumentException("the " + field + " is longer than " + max
          + " characters");
    }
    return text;
  }

  private static String newId() {
    byte[] bytes = new byte[6];
    RANDOM.nextBytes(bytes);
    return "ex-" + HexFormat.of().formatHex(bytes);
  }

  private static final Comparator<DriftException> ORDER =
      Comparator.comparing(DriftException::getNode)
          .thenComparing(DriftException::getResource)
          .thenComparing(DriftException::getProperty)
          .thenComparingLong(DriftException::getExpiresAtMs);
}
