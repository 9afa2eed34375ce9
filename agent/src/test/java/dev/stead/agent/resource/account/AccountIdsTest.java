package dev.stead.agent.resource.account;

import static dev.stead.agent.resource.RootOnly.assumeRootWith;
import static dev.stead.agent.resource.RootOnly.sh;
import static org.assertj.core.api.Assertions.assertThat;

import dev.stead.agent.Catalogs4Test;
import dev.stead.agent.ConvergeOptions;
import dev.stead.agent.Converger;
import dev.stead.proto.v1.Catalog;
import dev.stead.proto.v1.ChangeKind;
import dev.stead.proto.v1.Event;
import dev.stead.proto.v1.Report;
import dev.stead.proto.v1.Resource;
import dev.stead.proto.v1.SourceLocation;
import dev.stead.wire.Values;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Requested ids on the real machine: user {@code uid}, {@code gid} and {@code system}, group
 * {@code gid}, read back from /etc/passwd and /etc/group.
 */
class AccountIdsTest {
  private final String name = "steadid_" + UUID.randomUUID().toString().substring(0, 8);
  private final String user = name + "_u";
  private final String group = name + "_g";
  private final String system = name + "_s";
  @TempDir Path state;
  private long id;

  @BeforeEach
  void freeIds() {
    assumeRootWith("useradd", "usermod", "userdel", "groupadd", "groupmod", "groupdel");
    // Three consecutive numbers no user or group has, so the test never collides.
    for (id = 42_000; id < 43_000; id += 3) {
      if (!sh("getent passwd " + id + " || getent passwd " + (id + 1) + " || getent passwd "
          + (id + 2) + " || getent group " + id + " || getent group " + (id + 1)).ok()) {
        return;
      }
    }
    throw new AssertionError("no free ids between 42000 and 43000");
  }

  @AfterEach
  void cleanUp() {
    sh("userdel " + user + " 2>/dev/null; userdel " + system + " 2>/dev/null; groupdel "
        + group + " 2>/dev/null; true");
  }

  private Report apply(Resource... resources) {
    Catalogs4Test c = Catalogs4Test.catalog();
    for (Resource r : resources) {
      c.resource(r);
    }
    Catalog catalog = c.build();
    return new Converger(new ConvergeOptions(Path.of("/"), state, false)).converge(catalog);
  }

  private static Resource resource(String type, String title, Object... parameters) {
    Map<String, Object> params = new LinkedHashMap<>();
    for (int i = 0; i < parameters.length; i += 2) {
      params.put((String) parameters[i], parameters[i + 1]);
    }
    return Resource.newBuilder().setType(type).setTitle(title)
        .putAllParameters(Values.ofMap(params))
        .setSource(SourceLocation.newBuilder().setFile("ids.groovy").setLine(1)).build();
  }

  private static List<Event> events(Report r) {
    return r.getResourcesList().stream().flatMap(x -> x.getEventsList().stream()).toList();
  }

  /** The /etc/passwd line of {@code who}, split into its fields. */
  private static String[] passwd(String who) throws Exception {
    return Files.readAllLines(Path.of("/etc/passwd")).stream()
        .filter(l -> l.startsWith(who + ":")).findFirst()
        .orElseThrow(() -> new AssertionError(who + " not in /etc/passwd")).split(":", -1);
  }

  private static String[] groupLine(String which) throws Exception {
    return Files.readAllLines(Path.of("/etc/group")).stream()
        .filter(l -> l.startsWith(which + ":")).findFirst()
        .orElseThrow(() -> new AssertionError(which + " not in /etc/group")).split(":", -1);
  }

  @Test
  void createsWithTheRequestedIdsAndChangesTheUid() throws Exception {
    Resource g = resource("group", group, "gid", id + 1);
    Report made = apply(g, resource("user", user, "uid", id, "gid", group));
    assertThat(made.getSummary().getFailed()).as(made.toString()).isZero();
    assertThat(groupLine(group)[2]).isEqualTo(Long.toString(id + 1));
    assertThat(passwd(user)[2]).isEqualTo(Long.toString(id));
    assertThat(passwd(user)[3]).as("primary group").isEqualTo(Long.toString(id + 1));
    assertThat(sh("getent passwd " + id).stdout()).startsWith(user + ":");

    assertThat(apply(g, resource("user", user, "uid", id, "gid", group)).getResourcesList())
        .as("in sync").isEmpty();

    Report moved = apply(g, resource("user", user, "uid", id + 2, "gid", group));
    assertThat(events(moved)).as(moved.toString()).singleElement().satisfies(e -> {
      assertThat(e.getProperty()).isEqualTo("uid");
      assertThat(e.getBefore()).isEqualTo(Long.toString(id));
      assertThat(e.getAfter()).isEqualTo(Long.toString(id + 2));
      assertThat(e.getKind()).isEqualTo(ChangeKind.INTENDED);
    });
    assertThat(passwd(user)[2]).isEqualTo(Long.toString(id + 2));
    assertThat(sh("getent passwd " + id).ok()).as("the old uid is free again").isFalse();
    assertThat(apply(g, resource("user", user, "uid", id + 2, "gid", group))
        .getResourcesList()).isEmpty();
  }

  @Test
  void changingTheGroupGidChangesItOnTheHost() throws Exception {
    apply(resource("group", group, "gid", id));
    assertThat(groupLine(group)[2]).isEqualTo(Long.toString(id));

    Report moved = apply(resource("group", group, "gid", id + 1));
    assertThat(events(moved)).as(moved.toString()).singleElement().satisfies(e -> {
      assertThat(e.getProperty()).isEqualTo("gid");
      assertThat(e.getAfter()).isEqualTo(Long.toString(id + 1));
      assertThat(e.getKind()).isEqualTo(ChangeKind.INTENDED);
    });
    assertThat(groupLine(group)[2]).isEqualTo(Long.toString(id + 1));
  }

  @Test
  void systemUserGetsAUidBelow1000() throws Exception {
    Report made = apply(resource("user", system, "system", true));
    assertThat(made.getSummary().getFailed()).as(made.toString()).isZero();
    long uid = Long.parseLong(passwd(system)[2]);
    assertThat(uid).as("system uid from SYS_UID_MIN..SYS_UID_MAX").isBetween(1L, 999L);
    assertThat(Path.of("/home/" + system)).as("no home without managehome").doesNotExist();
  }
}
