package dev.stead.agent.resource.firewall;

import dev.stead.agent.host.Bounded;
import dev.stead.agent.host.Command;
import dev.stead.agent.host.CommandResult;
import dev.stead.agent.host.Host;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * nft, run through the {@link Host} in one network namespace (through {@code ip netns exec}
 * when named), plus a throwaway namespace where a desired table is loaded to learn how nft
 * lists it. Every failure is an {@link NftException} quoting the command's output. Stateless
 * apart from the host it holds.
 */
final class Nft {
  private static final Duration TIMEOUT = Duration.ofSeconds(60);
  private static final int OUTPUT_LIMIT = 2000;

  private final Host host;
  private final String netns;

  Nft(Host host, String netns) {
    this.host = host;
    this.netns = netns;
  }

  /** Failure of an nft command, its message ready for the report. */
  static final class NftException extends Exception {
    NftException(String message) {
      super(message);
    }
  }

  /** The tables of the namespace, as {@code family name}. */
  List<String> tables() throws NftException {
    List<String> out = new ArrayList<>();
    for (String line : run(List.of("nft", "list", "tables"), "").lines().toList()) {
      if (line.startsWith("table ")) {
        out.add(line.substring("table ".length()).strip());
      }
    }
    return out;
  }

  /** The table as {@code nft -s list table} prints it (no counters), or empty when absent. */
  Optional<String> list(NftTable table) throws NftException {
    if (!tables().contains(table.spec())) {
      return Optional.empty();
    }
    return Optional.of(normalise(run(List.of("nft", "-s", "list", "table", table.family(),
        table.name()), "")));
  }

  /** {@code nft -c -f -}: whether the namespace would take {@code script}, nothing applied. */
  void check(String script) throws NftException {
    run(List.of("nft", "-c", "-f", "-"), script);
  }

  /** {@code nft -f -}: loads {@code script} in one transaction. */
  void load(String script) throws NftException {
    run(List.of("nft", "-f", "-"), script);
  }

  /**
   * The whole ruleset of a fresh, empty network namespace after loading {@code script} into
   * it: how nft itself reads the script, without touching any real namespace.
   */
  String canonical(String script) throws NftException {
    Command command = Command.of("unshare", "--net", "--", "/bin/sh", "-c",
        "nft -f - && nft -s list ruleset").withStdin(script).withTimeout(TIMEOUT);
    CommandResult result = host.run(command);
    if (result.exitCode() > 0 && !result.timedOut() && !result.stderr().isBlank()) {
      // nft's own words: the line of the table text, marked where it stopped reading.
      throw new NftException("nft refuses the desired table, nothing applied:\n"
          + Bounded.tail(result.stderr().stripTrailing(), OUTPUT_LIMIT));
    }
    if (!result.ok()) {
      throw new NftException("cannot load the desired table into a throwaway network"
          + " namespace: " + result.describe(command, OUTPUT_LIMIT));
    }
    return normalise(result.stdout());
  }

  private String run(List<String> nft, String stdin) throws NftException {
    List<String> argv = new ArrayList<>();
    if (!netns.isEmpty()) {
      argv.addAll(List.of("ip", "netns", "exec", netns));
    }
    argv.addAll(nft);
    Command command = Command.of(argv).withStdin(stdin).withTimeout(TIMEOUT);
    CommandResult result = host.run(command);
    if (!result.ok()) {
      throw new NftException(result.describe(command, OUTPUT_LIMIT));
    }
    return result.stdout();
  }

  /** Trailing blanks and blank edges dropped; one newline at the end. */
  static String normalise(String listing) {
    StringBuilder out = new StringBuilder();
    for (String line : listing.strip().lines().toList()) {
      out.append(line.stripTrailing()).append('\n');
    }
    return out.toString();
  }
}
