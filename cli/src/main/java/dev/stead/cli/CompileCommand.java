package dev.stead.cli;

import dev.stead.dsl.CompileException;
import dev.stead.dsl.Compiler;
import dev.stead.proto.v1.Catalog;
import dev.stead.wire.Catalogs;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "compile", description = "Print a node's catalog as canonical JSON.")
final class CompileCommand implements Callable<Integer> {
  @Option(names = "--node", required = true, description = "The node to compile for.")
  String node;

  @Option(names = "--facts", description = "Facts as a JSON object (default: this machine's facts).")
  Path facts;

  @Option(names = "--code", description = "The environment directory (default: ${DEFAULT-VALUE}).")
  Path code = Defaults.CODE;

  @Option(names = "--modulepath", split = ":", description = "More module directories, colon-separated.")
  List<Path> modulePath = new ArrayList<>();

  @Override
  public Integer call() throws Exception {
    Catalog catalog;
    try {
      Compiler compiler = Compiler.forEnvironment(code, modulePath);
      CompileWarnings.print(compiler, "stead compile", System.err);
      catalog = compiler.compile(node, FactsFile.load(facts, node));
    } catch (CompileException e) {
      System.err.println(e.getMessage());
      return 1;
    }
    System.out.print(Catalogs.toJson(catalog));
    return 0;
  }
}
