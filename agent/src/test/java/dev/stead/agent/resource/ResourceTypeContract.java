package dev.stead.agent.resource;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stead.agent.Catalogs4Test;
import dev.stead.agent.ConvergeOptions;
import dev.stead.agent.Converger;
import dev.stead.proto.v1.Catalog;
import dev.stead.proto.v1.ChangeKind;
import dev.stead.proto.v1.Event;
import dev.stead.proto.v1.Report;
import dev.stead.proto.v1.Resource;
import dev.stead.proto.v1.ResourceResult;
import dev.stead.proto.v1.ResourceStatus;
import dev.stead.proto.v1.SourceLocation;
import dev.stead.wire.Catalogs;
import dev.stead.wire.Values;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The harness every resource type passes, through the real engine ({@link Converger}) on the
 * real host or a temporary root: noop first (reports would-change, touches nothing on the
 * host), apply (changed, intended), apply again (no event), tamper from outside, noop (sees it,
 * touches nothing), apply (drift reported and repaired), apply again (no event).
 */
public abstract class ResourceTypeContract {
  @TempDir protected Path state;

  /** A name no real object has, for users, groups, packages' test markers. */
  protected static final String UNIQUE = "steadtest-" + UUID.randomUUID().toString().substring(0, 8);

  /** The root to converge: {@code /} for types that run commands. */
  protected abstract Path root();

  /** The resources to converge (one or a few). */
  protected abstract List<Resource> resources();

  /** Asserts, on the host itself, that the resources' desired state holds. */
  protected abstract void verifyConverged() throws Exception;

  /** Changes the host from outside Stead so that a managed property drifts. */
  protected abstract void tamper() throws Exception;

  /**
   * What noop must not change, read from the host itself: checksums and mtimes of the files
   * involved, dpkg status, the account files.
   */
  protected abstract String hostFingerprint() throws Exception;

  /** Removes everything the test made; runs after every test, also after failures. */
  protected abstract void cleanUp() throws Exception;

  @AfterEach
  void cleanUpAfter() throws Exception {
    cleanUp();
  }

  @Test
  void appliesOnceThenStaysInSyncAndRepairsDrift() throws Exception {
    Catalog catalog = catalog();

    String untouched = hostFingerprint();
    Report noop = converge(catalog, true);
    assertThat(statuses(noop)).as("first noop").containsOnly(ResourceStatus.WOULD_CHANGE);
    assertThat(hostFingerprint()).as("noop touched the host").isEqualTo(untouched);

    Report first = converge(catalog, false);
    assertThat(statuses(first)).as("first apply: " + first).containsOnly(ResourceStatus.CHANGED);
    assertThat(events(first)).isNotEmpty()
        .allSatisfy(e -> assertThat(e.getKind()).isEqualTo(ChangeKind.INTENDED));
    verifyConverged();

    Report second = converge(catalog, false);
    assertThat(events(second)).as("second apply: " + second).isEmpty();
    assertInSync(second, catalog);

    tamper();
    String tampered = hostFingerprint();
    Report seen = converge(catalog, true);
    assertThat(statuses(seen)).as("noop after tampering: " + seen)
        .contains(ResourceStatus.WOULD_CHANGE);
    assertThat(hostFingerprint()).as("noop touched the host").isEqualTo(tampered);

    Report repaired = converge(catalog, false);
    assertThat(statuses(repaired)).as("repair: " + repaired).contains(ResourceStatus.CHANGED)
        .doesNotContain(ResourceStatus.FAILED);
    assertThat(events(repaired)).isNotEmpty()
        .allSatisfy(e -> assertThat(e.getKind()).as(e.toString()).isEqualTo(ChangeKind.DRIFT));
    verifyConverged();

    Report last = converge(catalog, false);
    assertThat(events(last)).as("after repair: " + last).isEmpty();
    assertInSync(last, catalog);
  }

  /** In-sync resources are counted in the summary; reports list only what needs reading. */
  private static void assertInSync(Report r, Catalog catalog) {
    assertThat(r.getError()).as(r.toString()).isEmpty();
    assertThat(r.getSummary().getResources()).isEqualTo(catalog.getResourcesCount());
    assertThat(r.getSummary().getChanged() + r.getSummary().getFailed()
        + r.getSummary().getSkipped() + r.getSummary().getOutOfSync()).as(r.toString()).isZero();
  }

  protected Report converge(Catalog catalog, boolean noop) {
    return new Converger(new ConvergeOptions(root(), state, noop)).converge(catalog);
  }

  protected Catalog catalog() {
    Catalogs4Test c = Catalogs4Test.catalog();
    resources().forEach(c::resource);
    return c.build();
  }

  /** {@code resource("user", "alice", "uid", 1234L, ...)}. */
  protected static Resource resource(String type, String title, Object... parameters) {
    Map<String, Object> params = new LinkedHashMap<>();
    for (int i = 0; i < parameters.length; i += 2) {
      params.put((String) parameters[i], parameters[i + 1]);
    }
    return Resource.newBuilder().setType(type).setTitle(title)
        .putAllParameters(Values.ofMap(params))
        .setSource(SourceLocation.newBuilder().setFile("contract.groovy").setLine(1)).build();
  }

  protected static List<ResourceStatus> statuses(Report r) {
    return r.getResourcesList().stream().map(ResourceResult::getStatus).toList();
  }

  protected static List<Event> events(Report r) {
    return r.getResourcesList().stream().flatMap(x -> x.getEventsList().stream()).toList();
  }

  /** sha256 and mtime of each path (or "absent"), for fingerprints. */
  protected static String files(Path... paths) throws IOException {
    List<String> out = new ArrayList<>();
    for (Path p : paths) {
      if (!Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
        out.add(p + " absent");
      } else if (Files.isDirectory(p)) {
        out.add(p + " dir " + Files.getLastModifiedTime(p).toMillis());
      } else {
        out.add(p + " " + Catalogs.sha256Hex(Files.readAllBytes(p)) + " "
            + Files.getLastModifiedTime(p).toMillis());
      }
    }
    return String.join("\n", out);
  }

  protected static boolean isRoot() {
    return "root".equals(System.getProperty("user.name"));
  }
}
