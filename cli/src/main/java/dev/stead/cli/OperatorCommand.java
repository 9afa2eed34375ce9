package dev.stead.cli;

import dev.stead.master.web.OperatorPasswords;
import java.io.BufferedReader;
import java.io.Console;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "operator", description = "Dashboard logins, managed by the master.",
    subcommands = {OperatorCommand.Add.class, OperatorCommand.ListOperators.class,
        OperatorCommand.Remove.class})
final class OperatorCommand {

  @Command(name = "add", description = {
      "Add an operator, or set a new password.",
      "Stored in DATA/operators (or, with --store, in the store masters share) as a salted "
          + "PBKDF2-HMAC-SHA256 hash, owner-only; the running master picks it up at the next login."})
  static final class Add implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "NAME", description = "Lower-case login name.")
    String name;

    @picocli.CommandLine.Mixin OperatorStore where;

    @Option(names = "--password-stdin", description = "Read the password from the first line of standard input (for scripts).")
    boolean fromStdin;

    @Override
    public Integer call() throws Exception {
      char[] password;
      if (fromStdin) {
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in,
            StandardCharsets.UTF_8));
        String line = in.readLine();
        password = line == null ? new char[0] : line.toCharArray();
      } else {
        Console console = System.console();
        if (console == null) {
          throw new IllegalArgumentException("no terminal to ask for the password; use --password-stdin");
        }
        password = console.readPassword("password for %s: ", name);
        char[] again = console.readPassword("again: ");
        if (password == null || !Arrays.equals(password, again)) {
          throw new IllegalArgumentException("the passwords differ");
        }
      }
      try {
        where.with(operators -> {
          operators.put(name, password);
          return null;
        });
      } finally {
        Arrays.fill(password, '\0');
      }
      System.out.println("operator " + name + " can log in to the dashboard");
      return 0;
    }
  }

  @Command(name = "list", description = "The operators who can log in to the dashboard.")
  static final class ListOperators implements Callable<Integer> {
    @picocli.CommandLine.Mixin OperatorStore where;

    @Override
    public Integer call() throws Exception {
      List<String> names = where.with(OperatorPasswords::names);
      if (names.isEmpty()) {
        System.err.println("no operators yet: stead operator add NAME adds one");
      }
      names.forEach(System.out::println);
      return 0;
    }
  }

  @Command(name = "remove", description = {
      "Remove an operator.",
      "The running master refuses the next login and ends the operator's open sessions."})
  static final class Remove implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "NAME", description = "The operator's login name.")
    String name;

    @picocli.CommandLine.Mixin OperatorStore where;

    @Override
    public Integer call() throws Exception {
      if (!where.with(operators -> operators.remove(name))) {
        throw new IllegalArgumentException("no operator named " + name
            + " (stead operator list shows them)");
      }
      System.out.println("operator " + name + " can no longer log in to the dashboard");
      return 0;
    }
  }
}
