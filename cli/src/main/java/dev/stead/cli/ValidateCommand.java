package dev.stead.cli;

import dev.stead.dsl.CompileException;
import dev.stead.dsl.Compiler;
import dev.stead.proto.v1.CompileError;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "validate", description = "Load an environment, check every data file "
    + "against the class parameter types, and compile each node block (with no facts); "
    + "report every error with file:line.")
final class ValidateCommand implements Callable<Integer> {
  @Parameters(arity = "0..1", description = "The environment directory (default: ${DEFAULT-VALUE}).")
  Path code = Defaults.CODE;

  @Option(names = "--modulepath", split = ":", description = "More module directories, colon-separated.")
  List<Path> modulePath = new ArrayList<>();

  @Override
  public Integer call() {
    List<CompileError> errors = Compiler.validate(code, modulePath,
        w -> System.err.println("stead validate: warning: " + CompileWarnings.format(w)));
    if (!errors.isEmpty()) {
      System.err.println(new CompileException(errors).getMessage());
      return 1;
    }
    System.out.println(code + ": ok");
    return 0;
  }
}
