package dev.stead.master.fleet;

import dev.stead.dsl.DataPatch;
import dev.stead.master.storage.Store;
import dev.stead.proto.v1.AcceptDriftRequest;
import dev.stead.proto.v1.AcceptDriftResponse;
import dev.stead.proto.v1.Catalog;
import dev.stead.proto.v1.ChangeKind;
import dev.stead.proto.v1.ChangeRecord;
import dev.stead.proto.v1.Event;
import dev.stead.proto.v1.EventStatus;
import dev.stead.proto.v1.ParameterOrigin;
import dev.stead.proto.v1.Report;
import dev.stead.proto.v1.Resource;
import dev.stead.proto.v1.ResourceResult;
import dev.stead.proto.v1.Value;
import dev.stead.wire.Catalogs;
import dev.stead.wire.ConfinedFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The operator's decision that a drifted value is the right one: works out the code change
 * that makes it the intended value and records the decision in the audit trail. When the
 * catalog says the value came from a data key, the change is a unified diff of that data
 * file; otherwise a snippet naming where the resource is declared. The code is only read,
 * never written: the operator applies the change where the code is kept. A secret value is
 * never written out. Thread-safe; the store holds the state.
 */
public final class DriftAccept {
  /** How many of a node's newest reports are searched for its newest checked run. */
  private static final int REPORTS_LOOKED_AT = 20;
  private static final Pattern RESOURCE_KEY = Pattern.compile("[a-z][a-z0-9_]*\\[.+\\]",
      Pattern.DOTALL);

  private final Store store;
  private final Clock clock;
  private final java.util.function.Function<String, List<Path>> codeRoots;

  /**
   * @param codeRoots where data files named by the catalog are found: the environment
   *     first, then each module path entry (module data there is named relative to it)
   */
  public DriftAccept(Store store, Clock clock, List<Path> codeRoots) {
    this(store, clock, environment -> codeRoots);
  }

  /**
   * @param codeRoots as above, for the environment a catalog was compiled from (its
   *     {@code environment}): the data file patched is that environment's
   */
  public DriftAccept(Store store, Clock clock,
      java.util.function.Function<String, List<Path>> codeRoots) {
    this.store = store;
    this.clock = clock;
    this.codeRoots = codeRoots;
  }

  /** Why an accept cannot be done in the node's present state (no drift, a secret). */
  public static final class Refused extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Refused(String message) {
      super(message, null, false, false);
    }
  }

  /**
   * The change that accepts the drift of {@code request}'s property, recorded as decided by
   * {@code decidedBy}. Nothing is recorded when it throws.
   *
   * @throws IllegalArgumentException for a missing or malformed field
   * @throws NoSuchElementException for a node or resource the master does not know
   * @throws Refused when the property shows no drift, or its value is secret
   */
  public AcceptDriftResponse accept(AcceptDriftRequest request, String decidedBy) {
    String node = request.getNode().strip();
    String resource = request.getResource().strip();
    String property = request.getProperty().strip();
    if (node.isEmpty()) {
      throw new IllegalArgumentException("accept needs a node");
    }
    if (!RESOURCE_KEY.matcher(resource).matches()) {
      throw new IllegalArgumentException("accept needs a resource as type[title], e.g. "
          + "file[/etc/motd]; got '" + resource + "'");
    }
    if (property.isEmpty()) {
      throw new IllegalArgumentException("accept needs a property, e.g. mode");
    }
    Optional<Catalog> catalog = store.catalog(node);
    if (catalog.isEmpty()) {
      throw new NoSuchElementException(store.node(node).isEmpty()
          ? "unknown node '" + node + "' (stead nodes lists the nodes the master knows)"
          : "node '" + node + "' has no catalog on the master yet");
    }
    Resource declared = catalog.get().getResourcesList().stream()
        .filter(r -> Catalogs.key(r).equals(resource)).findFirst()
        .orElseThrow(() -> new NoSuchElementException("node '" + node + "' has no resource "
            + resource + " in its catalog"));
    Report report = newestChecked(node);
    Event drift = drift(report, resource, property).orElseThrow(() -> new Refused(resource + " "
        + property + " on '" + node + "' shows no drift in the newest run (report "
        + report.getId() + "): nothing to accept"));
    Value desiredValue = declared.getParametersMap().get(property);
    if (drift.getSensitive() || (desiredValue != null && desiredValue.hasSecretValue())
        || !Redactor.text(drift.getBefore()).equals(drift.getBefore())) {
      throw new Refused("the value of " + resource + " " + property + " on '" + node
          + "' is secret: accept never writes a secret out; put the new value in place with "
          + "stead secret encrypt");
    }
    String value = observed(drift, desiredValue, resource, property);
    AcceptDriftResponse.Builder out = AcceptDriftResponse.newBuilder()
        .setNode(node).setResource(resource).setProperty(property)
        .setValue(value).setDesired(drift.getAfter()).setReportId(report.getId())
        .setDeclaredAt(declared.getSource())
        .setDecidedBy(decidedBy).setDecidedAtMs(clock.millis());
    Optional<ParameterOrigin> origin = declared.getOriginsList().stream()
        .filter(o -> o.getParameter().equals(property)).findFirst();
    String note = "";
    if (origin.isPresent()) {
      ParameterOrigin o = origin.get();
      out.setDataKey(o.getKey()).setDataFile(o.getFile()).setDataLine(o.getLine());
      try {
        out.setPatch(patch(codeRoots.apply(catalog.get().getEnvironment()), o, value));
      } catch (DataPatch.Problem e) {
        note = e.getMessage();
      }
    }
    if (out.getPatch().isEmpty()) {
      out.setSnippet(snippet(declared, property, value, origin, note));
    }
    AcceptDriftResponse accepted = out.build();
    store.addDecision(ChangeRecord.newBuilder()
        .setNode(node)
        .setTimeMs(accepted.getDecidedAtMs())
        .setReportId(report.getId())
        .setCodeVersion(report.getCodeVersion())
        .setResource(resource)
        .setProperty(property)
        .setKind(ChangeKind.DECISION)
        .setDecision("accept")
        .setBefore(drift.getAfter())
        .setAfter(drift.getBefore())
        .setDiff(accepted.getPatch().isEmpty() ? accepted.getSnippet() : accepted.getPatch())
        .setActor(decidedBy)
        .setReason(request.getReason().strip())
        .build());
    return accepted;
  }

  private Report newestChecked(String node) {
    for (Report report : store.reports(node, REPORTS_LOOKED_AT)) {
      if (report.getError().isEmpty()) {
        return report;
      }
    }
    throw new Refused("node '" + node + "' has no run that checked its catalog: nothing to "
        + "accept");
  }

  /** The property's drift the run left standing: seen only, failed to repair, or excepted. */
  private static Optional<Event> drift(Report report, String resource, String property) {
    for (ResourceResult r : report.getResourcesList()) {
      if (!r.getKey().equals(resource)) {
        continue;
      }
      for (Event e : r.getEventsList()) {
        if (e.getProperty().equals(property) && (e.getStatus() == EventStatus.EXCEPTED
            || (e.getKind() == ChangeKind.DRIFT && e.getStatus() != EventStatus.APPLIED))) {
          return Optional.of(e);
        }
      }
    }
    return Optional.empty();
  }

  /** The value the node has; a file's content is rebuilt from the report's diff. */
  private static String observed(Event drift, Value desired, String resource,
      String property) {
    if (!property.equals("content") || !drift.getBefore().startsWith("sha256:")) {
      return drift.getBefore();
    }
    if (desired == null || desired.getKindCase() != Value.KindCase.STRING_VALUE) {
      throw new Refused("the content of " + resource + " comes from a source file: copy the "
          + "node's file into the code instead");
    }
    return ObservedContent.rebuild(desired.getStringValue(), drift.getDiff(), drift.getBefore())
        .orElseThrow(() -> new Refused("the report holds only the digest of " + resource
            + "'s content (the diff is cut or absent): copy the node's file into the code"));
  }

  private static String patch(List<Path> roots, ParameterOrigin origin, String value)
      throws DataPatch.Problem {
    for (Path root : roots) {
      Path file = root.resolve(origin.getFile()).normalize();
      if (!file.startsWith(root.normalize()) || !Files.isRegularFile(file)) {
        continue;
      }
      String text;
      try {
        text = ConfinedFiles.readString(root, file);
      } catch (IOException e) {
        throw new DataPatch.Problem("cannot read " + origin.getFile() + ": " + e.getMessage());
      }
      String edited = DataPatch.setValue(text, origin.getFile(), origin.getKey(), value);
      return DataPatch.unifiedDiff(origin.getFile(), text, edited);
    }
    throw new DataPatch.Problem(origin.getFile() + " is not in the master's code any more");
  }

  private static String snippet(Resource declared, String property, String value,
      Optional<ParameterOrigin> origin, String note) {
    StringBuilder out = new StringBuilder();
    String at = declared.getSource().getFile() + ":" + declared.getSource().getLine();
    out.append("# ").append(at).append(": in ").append(Catalogs.key(declared))
        .append(", set ").append(property).append(" to the value the node has:\n");
    if (origin.isPresent()) {
      out.append("# (the value comes from data key '").append(origin.get().getKey())
          .append("' in ").append(origin.get().getFile()).append(':')
          .append(origin.get().getLine()).append(")\n");
    }
    if (!note.isEmpty()) {
      out.append("# ").append(note).append('\n');
    }
    out.append(property).append(": ").append(groovyString(value)).append('\n');
    return out.toString();
  }

  /** {@code value} as a single-quoted Groovy string literal. */
  static String groovyString(String value) {
    StringBuilder out = new StringBuilder("'");
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      switch (c) {
        case '\'' -> out.append("\\'");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        default -> {
          if (Character.isISOControl(c)) {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    return out.append('\'').toString();
  }
}
