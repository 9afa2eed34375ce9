package dev.stead.agent.resource.firewall;

import static dev.stead.agent.resource.RootOnly.sh;
import static org.assertj.core.api.Assertions.assertThat;

import dev.stead.agent.Catalogs4Test;
import dev.stead.agent.host.CommandResult;
import dev.stead.agent.resource.ResourceTypeContract;
import dev.stead.agent.resource.RootOnly;
import dev.stead.proto.v1.ChangeKind;
import dev.stead.proto.v1.Event;
import dev.stead.proto.v1.Report;
import dev.stead.proto.v1.Resource;
import dev.stead.proto.v1.ResourceStatus;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Real nftables as root, always in a network namespace the test makes ({@code stead-test-*},
 * loopback only) and removes: the resources name it with {@code netns}, so the machine's own
 * ruleset is never changed (each test checks that too). Filtering is proven with listeners
 * inside the namespace: a default-deny input chain lets one port answer and drops the other.
 */
class FirewallContractTest extends ResourceTypeContract {
  private static final String NETNS = UNIQUE.replace("steadtest-", "stead-test-");
  private static final int ALLOWED = 8080;
  private static final int DENIED = 8081;

  private String hostRuleset;

  @BeforeEach
  void namespace() {
    RootOnly.assumeRootWith("nft", "ip", "unshare");
    hostRuleset = hostRuleset();
    assertThat(sh("ip netns add " + NETNS + " && ip -n " + NETNS + " link set lo up").ok())
        .as("ip netns add").isTrue();
  }

  @Override
  protected Path root() {
    return Path.of("/");
  }

  /** Default deny inbound; established traffic and one TCP port let in. */
  static Map<String, Object> chains(String... extraRules) {
    List<String> rules = new ArrayList<>(List.of("ct state established,related accept",
        "tcp dport " + ALLOWED + " accept"));
    rules.addAll(List.of(extraRules));
    return Map.of("input", Map.of("hook", "input", "policy", "drop", "rules", rules));
  }

  private static Resource firewall(Object... more) {
    Object[] params = new Object[4 + more.length];
    System.arraycopy(new Object[] {"netns", NETNS, "chains", chains()}, 0, params, 0, 4);
    System.arraycopy(more, 0, params, 4, more.length);
    return resource("firewall", "stead", params);
  }

  @Override
  protected List<Resource> resources() {
    return List.of(firewall());
  }

  /** Runs {@code script} with {@code /bin/sh} inside the test's namespace. */
  static CommandResult inNetns(String script) {
    return sh("ip netns exec " + NETNS + " /bin/sh -c '" + script + "'");
  }

  private static String ruleset() {
    CommandResult r = inNetns("nft -s list ruleset");
    assertThat(r.ok()).as(r.toString()).isTrue();
    return r.stdout();
  }

  private static String hostRuleset() {
    return sh("nft -s list ruleset").stdout();
  }

  @Override
  protected void verifyConverged() {
    assertThat(ruleset()).isEqualTo("""
        table inet stead {
        \tchain input {
        \t\ttype filter hook input priority filter; policy drop;
        \t\tct state established,related accept
        \t\ttcp dport 8080 accept
        \t}
        }
        """);
  }

  @Override
  protected void tamper() {
    assertThat(inNetns("nft add rule inet stead input tcp dport 9090 accept").ok()).isTrue();
  }

  @Override
  protected String hostFingerprint() {
    return ruleset() + "\n-- root namespace --\n" + hostRuleset();
  }

  @Override
  protected void cleanUp() {
    if (hostRuleset == null) {
      return;
    }
    sh("ip netns del " + NETNS);
    assertThat(sh("ip netns list").stdout()).doesNotContain(NETNS);
    assertThat(hostRuleset()).as("the machine's own ruleset").isEqualTo(hostRuleset);
  }

  /** The probe's verdict per port: {@code answered}, {@code timeout} or {@code refused}. */
  private static Map<Integer, String> probe() throws Exception {
    String java = ProcessHandle.current().info().command().orElse("java");
    CommandResult r = sh("ip netns exec " + NETNS + " " + java + " -cp "
        + System.getProperty("java.class.path") + " " + NetnsProbe.class.getName()
        + " 127.0.0.1 " + ALLOWED + " " + DENIED);
    assertThat(r.ok()).as(r.toString()).isTrue();
    Map<Integer, String> out = new TreeMap<>();
    r.stdout().lines().map(l -> l.split(" ", 2))
        .forEach(p -> out.put(Integer.parseInt(p[0]), p[1]));
    return out;
  }

  private Report apply(Resource... resources) {
    Catalogs4Test c = Catalogs4Test.catalog();
    List.of(resources).forEach(c::resource);
    return converge(c.build(), false);
  }

  @Test
  void theAllowedPortAnswersAndTheDeniedOneDoesNot() throws Exception {
    assertThat(probe()).as("before the firewall both answer")
        .isEqualTo(Map.of(ALLOWED, "answered", DENIED, "answered"));
    assertThat(statuses(apply(firewall()))).containsExactly(ResourceStatus.CHANGED);
    assertThat(probe()).as("default deny, one port allowed")
        .isEqualTo(Map.of(ALLOWED, "answered", DENIED, "timeout"));
  }

  @Test
  void aHandAddedRuleIsDriftRemovedAtTheNextApply() throws Exception {
    apply(firewall());
    assertThat(inNetns("nft add rule inet stead input tcp dport " + DENIED + " accept").ok())
        .isTrue();
    assertThat(probe().get(DENIED)).as("the hand-added rule opens the port").isEqualTo("answered");

    Report repaired = apply(firewall());
    Event event = events(repaired).get(0);
    assertThat(events(repaired)).hasSize(1);
    assertThat(event.getProperty()).isEqualTo("ruleset");
    assertThat(event.getKind()).isEqualTo(ChangeKind.DRIFT);
    assertThat(event.getDiff()).contains("-\t\ttcp dport " + DENIED + " accept");
    assertThat(probe()).isEqualTo(Map.of(ALLOWED, "answered", DENIED, "timeout"));
  }

  @Test
  void anotherTableIsLeftAloneUnlessPurged() throws Exception {
    assertThat(inNetns("nft add table ip docker && nft add chain ip docker forward").ok())
        .isTrue();
    apply(firewall());
    assertThat(ruleset()).contains("table ip docker {");
    assertThat(events(apply(firewall()))).isEmpty();

    Report purged = apply(firewall("purge", true));
    assertThat(events(purged)).singleElement().satisfies(e -> {
      assertThat(e.getProperty()).isEqualTo("purge");
      assertThat(e.getBefore()).isEqualTo("ip docker");
      assertThat(e.getAfter()).isEqualTo("absent");
    });
    assertThat(ruleset()).doesNotContain("docker").contains("table inet stead {");
    // Another firewall resource's table is Stead's too: purge spares it.
    Resource second = resource("firewall", "other", "netns", NETNS, "family", "ip",
        "ruleset", "chain out {\n}\n");
    Report both = apply(firewall("purge", true), second);
    assertThat(both.getResourcesList()).singleElement().satisfies(r -> {
      assertThat(r.getKey()).isEqualTo("firewall[other]");
      assertThat(r.getStatus()).isEqualTo(ResourceStatus.CHANGED);
    });
    assertThat(events(apply(firewall("purge", true), second))).isEmpty();
    assertThat(ruleset()).contains("table ip other {");
  }

  @Test
  void aRulesetNftRefusesIsNeverApplied() throws Exception {
    apply(firewall());
    String before = ruleset();
    Report refused = apply(resource("firewall", "stead", "netns", NETNS,
        "chains", chains("tcp dport 22 acept")));
    assertThat(statuses(refused)).containsExactly(ResourceStatus.FAILED);
    assertThat(refused.getResources(0).getMessage())
        .startsWith("nft refuses the desired table, nothing applied:\n")
        .contains("syntax error").contains("tcp dport 22 acept");
    assertThat(ruleset()).isEqualTo(before);
  }

  @Test
  void aRulesetThatReachesOutsideItsTableIsRefused() throws Exception {
    Report refused = apply(resource("firewall", "stead", "netns", NETNS,
        "ruleset", "}\nflush ruleset\ntable inet stead {"));
    assertThat(refused.getResources(0).getMessage()).contains("balanced braces");
    assertThat(ruleset()).isEmpty();
  }

  @Test
  void absentDeletesOnlyItsTable() throws Exception {
    assertThat(inNetns("nft add table ip keep").ok()).isTrue();
    apply(firewall());
    Report gone = apply(resource("firewall", "stead", "netns", NETNS, "ensure", "absent"));
    assertThat(events(gone)).singleElement()
        .satisfies(e -> assertThat(e.getAfter()).isEqualTo("absent"));
    assertThat(ruleset()).isEqualTo("table ip keep {\n}\n");
    assertThat(events(apply(resource("firewall", "stead", "netns", NETNS, "ensure",
        "absent")))).isEmpty();
  }
}
