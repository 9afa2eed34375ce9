package dev.stead.agent.resource.firewall;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stead.agent.resource.InvalidResourceException;
import dev.stead.proto.v1.Resource;
import dev.stead.wire.Values;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Binding: what the agent refuses before nft ever runs, and how chains become nft text. */
class FirewallTypeTest {
  private static Resource firewall(String title, Object... parameters) {
    Map<String, Object> params = new LinkedHashMap<>();
    for (int i = 0; i < parameters.length; i += 2) {
      params.put((String) parameters[i], parameters[i + 1]);
    }
    return Resource.newBuilder().setType("firewall").setTitle(title)
        .putAllParameters(Values.ofMap(params)).build();
  }

  private static String bindError(Resource r) {
    try {
      new FirewallType().bind(r);
    } catch (InvalidResourceException e) {
      return e.getMessage();
    }
    throw new AssertionError("bound " + r);
  }

  @Test
  void chainsRenderRegularChainsFirstThenBaseChains() throws Exception {
    String text = ChainsText.render(Values.of(Map.of(
        "input", Map.of("hook", "input", "policy", "drop", "priority", "filter - 5",
            "rules", List.of("iif lo accept", "jump admin")),
        "admin", Map.of("rules", List.of("ip saddr { 10.0.0.0/8, 192.168.0.0/16 } accept")))));
    assertThat(text).isEqualTo("""
        \tchain admin {
        \t\tip saddr { 10.0.0.0/8, 192.168.0.0/16 } accept
        \t}
        \tchain input {
        \t\ttype filter hook input priority filter - 5; policy drop;
        \t\tiif lo accept
        \t\tjump admin
        \t}
        """);
  }

  @Test
  void mistakesInChainsNameTheChainAndKey() {
    assertThat(bindError(firewall("stead", "chains", Map.of("input", Map.of("hook", "inptu")))))
        .isEqualTo("`chains.input` `hook` must be one of forward, ingress, input, output,"
            + " postrouting, prerouting");
    assertThat(bindError(firewall("stead", "chains", Map.of("input", Map.of("rule", "x")))))
        .contains("`chains.input` has unknown key `rule`");
    assertThat(bindError(firewall("stead", "chains", Map.of("input",
        Map.of("rules", List.of("tcp dport 22 accept; flush ruleset")))))).contains("rule 1");
    assertThat(bindError(firewall("stead", "chains", Map.of("jumps",
        Map.of("policy", "drop"))))).contains("without `hook`");
  }

  @Test
  void oneOfChainsOrRulesetAndAValidTableName() {
    assertThat(bindError(firewall("stead"))).contains("`chains` or `ruleset` is required");
    assertThat(bindError(firewall("stead", "ruleset", "", "chains", Map.of())))
        .contains("not both");
    assertThat(bindError(firewall("my firewall", "ruleset", "chain c {\n}")))
        .contains("the table name").contains("`my firewall`");
    assertThat(bindError(firewall("stead", "netns", "../etc", "ruleset", "")))
        .contains("`netns` must be a network namespace name");
  }
}
