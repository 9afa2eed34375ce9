package dev.stead.cli;

import dev.stead.dsl.CompileException;
import dev.stead.dsl.Compiler;
import dev.stead.dsl.LookupExplanation;
import dev.stead.dsl.MergeStrategy;
import dev.stead.dsl.Trusted;
import groovy.json.JsonOutput;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "lookup",
    description = "Look a key up in the data hierarchy for a node and say where the value came from.")
final class LookupCommand implements Callable<Integer> {
  @Parameters(index = "0", description = "The key, e.g. ntp::servers.")
  String key;

  @Option(names = "--node", required = true, description = "The node to look up for.")
  String node;

  @Option(names = "--facts", description = "Facts as a JSON object (default: this machine's facts).")
  Path facts;

  @Option(names = "--code", description = "The environment directory (default: ${DEFAULT-VALUE}).")
  Path code = Defaults.CODE;

  @Option(names = "--modulepath", split = ":", description = "More module directories, colon-separated.")
  List<Path> modulePath = new ArrayList<>();

  @Option(names = "--merge",
      description = "first, unique, hash or deep (default: the key's lookup_options, else first).")
  String merge;

  @Override
  public Integer call() throws Exception {
    MergeStrategy strategy = merge == null ? null : MergeStrategy.parse(merge).orElseThrow(() ->
        new IllegalArgumentException("--merge must be one of " + MergeStrategy.labels()
            + ", got '" + merge + "'"));
    LookupExplanation e;
    try {
      Compiler compiler = Compiler.forEnvironment(code, modulePath);
      CompileWarnings.print(compiler, "stead lookup", System.err);
      e = compiler.explainLookup(key, strategy, node, FactsFile.load(facts, node),
          Trusted.of(node));
    } catch (CompileException ex) {
      System.err.println(ex.getMessage());
      return 1;
    }
    if (e.found()) {
      Object value = e.value().orElse(null);
      System.out.println(value == null ? "null" : JsonOutput.toJson(value));
      System.out.println("from " + String.join(", ", e.filesUsed()) + " (merge "
          + e.strategy().label() + (e.strategyFromOptions() ? ", from lookup_options" : "") + ")");
    } else {
      System.err.println("no data for key '" + key + "' for node " + node);
    }
    System.out.println("searched:");
    for (LookupExplanation.Step s : e.steps()) {
      String what = switch (s.outcome()) {
        case FOUND -> "found: " + (s.value() == null ? "null" : JsonOutput.toJson(s.value()));
        case KEY_ABSENT -> "no such key";
        case NO_FILE -> "no such file";
        case SKIPPED -> "skipped: " + s.note();
      };
      System.out.printf("  %-16s %-40s %s%n", s.level(), s.file(), what);
    }
    return e.found() ? 0 : 1;
  }
}
