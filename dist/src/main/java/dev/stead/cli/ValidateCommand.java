package dev.stead.cli;

import dev.stead.dsl.CompileException;
import dev.stead.dsl.Compiler;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "validate", description = "Parse an environment and report every error with file:line.")
final class ValidateCommand implements Callable<Integer> {
  @Parameters(arity = "0..1", description = "The environment directory (default: ${DEFAULT-VALUE}).")
  Path code = Defaults.CODE;

  @Option(names = "--modulepath", split = ":", description = "More module directories, colon-separated.")
  List<Path> modulePath = new ArrayList<>();

  @Override
  public Integer call() {
    try {
      Compiler.forEnvironment(code, modulePath);
    } catch (CompileException e) {
      System.err.println(e.getMessage());
      return 1;
    }
    System.out.println(code + ": ok");
    return 0;
  }
}
