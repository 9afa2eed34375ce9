package dev.stead.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stead.master.AdminClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A drift exception through real processes: drift awaits a decision, an operator excepts
 * it, the next run reports it excepted and leaves the file alone, compliance counts the node
 * in sync and excepted, the decision is an audit row; past the expiry the agent repairs the
 * file by itself, even on its cached catalog with the master down. Bad input is refused with
 * a clear message and stores nothing.
 */
class DriftExceptionEndToEndTest {
  private static final String NODE = "web1.test";
  private static final String MOTD = "file[/etc/motd]";
  @TempDir Path tmp;
  private MasterProcess master;

  /** {@code stead drift except} with these options (pairs) over the defaults. */
  private Cli except(String... options) throws Exception {
    Map<String, String> given = new LinkedHashMap<>(Map.of(
        "--node", NODE, "--resource", MOTD, "--property", "content", "--owner", "alice"));
    List<String> flags = new ArrayList<>();
    for (int i = 0; i < options.length; i++) {
      if (options[i].equals("--json")) {
        flags.add(options[i]);
      } else {
        given.put(options[i], options[++i]);
      }
    }
    List<String> args = new ArrayList<>(List.of("drift", "except"));
    given.forEach((option, value) -> args.addAll(List.of(option, value)));
    args.addAll(flags);
    return master.steadMayFail(args.toArray(String[]::new));
  }

  private static String last(Cli table) {
    return table.output().lines().reduce((a, b) -> b).orElseThrow();
  }

  @Test
  void exceptedDriftIsReportedNotRepairedUntilItsExpiryThenTheAgentRepairsItByItself()
      throws Exception {
    Path code = Files.createDirectories(tmp.resolve("code"));
    Files.writeString(code.resolve("site.groovy"),
        "node('web1.test') { file('/etc/motd') { content 'hello\\n' } }\n");
    Path data = tmp.resolve("master");
    master = MasterProcess.start(data, code, "--autosign", "*.test");
    Path root = Files.createDirectories(tmp.resolve("root/etc")).getParent();
    Path motd = root.resolve("etc/motd");
    List<String> run;
    long expiresAt;
    try {
      String fingerprint;
      try (AdminClient admin = master.admin()) {
        fingerprint = admin.caFingerprint();
      }
      run = new ArrayList<>(List.of("agent", "run", "--once", "--server", master.address,
          "--certname", NODE, "--state", tmp.resolve("state").toString(),
          "--root", root.toString(), "--ca-fingerprint", fingerprint));
      assertThat(agent(run).exitCode()).isEqualTo(2);

      // Bad input: a clear error, exit 1, nothing stored.
      assertThat(except("--expires", "7d").output()).contains("Missing required option")
          .contains("--reason");
      assertRefused(except("--reason", " ", "--expires", "7d"), "needs a reason");
      assertRefused(except("--reason", "r", "--expires", "2020-01-01T00:00:00Z"),
          "is not in the future");
      assertRefused(except("--reason", "r", "--expires", "7d", "--node", "ghost.test"),
          "unknown node 'ghost.test'");
      // (Unknown resources and properties: DriftExceptionsTest.)
      assertRefused(except("--reason", "r", "--expires", "7d", "--property", "colour"),
          "has no property 'colour'");
      assertThat(master.stead("exceptions").output()).contains("no drift exceptions in force");

      Files.writeString(motd, "by hand\n");
      List<String> noop = new ArrayList<>(run);
      noop.add("--noop");
      assertThat(agent(noop).exitCode()).isEqualTo(2);
      assertThat(master.stead("drift", "review").output()).containsPattern(
          "web1\\.test\\s+file\\[/etc/motd\\]\\s+content\\s+pending");

      Cli granted = except("--reason", "INC-7: vendor hotfix, keep until patched",
          "--expires", "25s", "--json");
      assertThat(granted.exitCode()).as(granted.toString()).isZero();
      String id = field(granted, "id");
      expiresAt = Long.parseLong(field(granted, "expiresAtMs"));
      assertThat(field(granted, "decidedBy")).isEqualTo("stead-admin");

      Cli held = agent(run);
      assertThat(held.exitCode()).as(held.toString()).isZero();
      assertThat(held.output()).contains("drift: " + MOTD + " content")
          .contains("(excepted by " + id + ", not repaired)");
      assertThat(motd).hasContent("by hand");
      assertThat(master.stead("exceptions").output()).containsPattern(id + "\\s+web1\\.test\\s+"
          + "file\\[/etc/motd\\]\\s+content\\s+\\S+ \\S+\\s+active\\s+alice\\s+stead-admin\\s+"
          + "INC-7");
      assertThat(System.currentTimeMillis()).as("the checks above ran before the expiry")
          .isLessThan(expiresAt);

      assertThat(master.stead("drift", "review").output()).contains("no drift awaiting a decision");
      assertThat(master.stead("drift", "review", "--all").output()).contains("excepted (" + id);
      assertThat(last(master.stead("compliance", "--since", "1h")))
          .containsPattern("\\(fleet\\)\\s+1\\s+1\\s+100\\.0%\\s+1$");
      assertThat(master.stead("drift", "--since", "1h").output()).containsPattern(
          "file\\[/etc/motd\\]\\s+content.*excepted");
      assertThat(master.stead("audit", "--since", "1h").output().lines()
          .filter(l -> l.contains(",decision,except,")).toList()).singleElement()
          .satisfies(row -> assertThat(row).contains("web1.test,file[/etc/motd],content")
              .endsWith(",stead-admin,alice,\"INC-7: vendor hotfix, keep until patched\","
                  + id));
    } finally {
      master.close();
    }

    // The master is down: the agent enforces its cached catalog, which carries the expiry.
    while (System.currentTimeMillis() <= expiresAt) {
      Thread.sleep(200);
    }
    Cli cached = agent(run);
    assertThat(cached.exitCode()).as(cached.toString()).isEqualTo(2);
    assertThat(cached.output()).contains("enforcing the cached catalog")
        .contains("drift: " + MOTD + " content").contains("(repaired)");
    assertThat(motd).hasContent("hello");

    master = MasterProcess.start(data, code, "--autosign", "*.test");
    try {
      run.set(run.indexOf("--server") + 1, master.address);
      Cli after = agent(run);
      assertThat(after.exitCode()).as(after.toString()).isZero();
      assertThat(master.stead("drift", "--since", "1h").output()).containsPattern(
          "file\\[/etc/motd\\]\\s+content.*repaired");
      assertThat(master.stead("exceptions").output()).contains("no drift exceptions in force");
      assertThat(master.stead("exceptions", "--expired", "1h").output()).contains("expired");
      assertThat(master.stead("audit", "--since", "1h").output())
          .contains(",decision,expired,").contains(",stead,alice,");
    } finally {
      master.close();
    }
  }

  private Cli agent(List<String> args) throws Exception {
    return Cli.run(args.toArray(String[]::new));
  }

  private static void assertRefused(Cli cli, String message) {
    assertThat(cli.exitCode()).as(cli.toString()).isEqualTo(1);
    assertThat(cli.output()).contains(message);
  }

  private static String field(Cli json, String name) {
    Matcher m = Pattern.compile("\"" + name + "\": \"?([^\",\\n]*)\"?").matcher(json.output());
    assertThat(m.find()).as(name + " in " + json).isTrue();
    return m.group(1);
  }
}
