package dev.stead.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * The defaults of one long-running command ({@code agent run}, {@code master start}) from the
 * environment and its settings file, and where each came from. Precedence, highest first:
 * the command line (picocli asks this provider only for options not given there), the
 * environment ({@code STEAD_AGENT_SERVER}), the file, the built-in default (the field's own
 * value, kept when this provider answers null).
 */
final class Settings implements CommandLine.IDefaultValueProvider {
  /** The directory of agent.conf and master.conf, unless STEAD_CONFIG_DIR says otherwise. */
  static final Path CONFIG_DIR = Path.of("/etc/stead");

  private final String name;
  private final Path file;
  private final Map<String, String> environment;
  private final Map<ArgSpec, String> sources = new HashMap<>();
  private SettingsFile settings;

  /**
   * @param name {@code agent} or {@code master}: the file is NAME.conf, the variables
   *     STEAD_NAME_KEY
   */
  Settings(String name, Path file, Map<String, String> environment) {
    this.name = name;
    this.file = file;
    this.environment = Map.copyOf(environment);
  }

  /** The settings of {@code name} as this machine has them: its file and environment. */
  static Settings forMachine(String name) {
    String dir = System.getenv("STEAD_CONFIG_DIR");
    Path base = dir == null || dir.isEmpty() ? CONFIG_DIR : Path.of(dir);
    return new Settings(name, base.resolve(name + ".conf"), System.getenv());
  }

  /** Installs this as the default value provider of {@code command}. */
  CommandLine install(CommandLine command) {
    command.setDefaultValueProvider(this);
    return command;
  }

  /** The variable that sets {@code key}, e.g. STEAD_AGENT_RESOURCE_TIMEOUT. */
  String variable(String key) {
    return ("STEAD_" + name + "_" + key).toUpperCase(Locale.ROOT).replace('-', '_');
  }

  @Override
  public String defaultValue(ArgSpec arg) {
    if (!(arg instanceof OptionSpec option) || option.usageHelp() || option.versionHelp()) {
      return null;
    }
    String key = key(option);
    String fromEnvironment = environment.get(variable(key));
    if (fromEnvironment != null) {
      sources.put(arg, "environment " + variable(key));
      return checked(option, fromEnvironment, variable(key));
    }
    SettingsFile.Entry entry = settings(option.command()).get(key);
    if (entry != null) {
      String where = file + ":" + entry.line();
      sources.put(arg, where);
      return checked(option, entry.value(), where);
    }
    return null;
  }

  /** Where the value of {@code arg} came from if not from the command line, else null. */
  String source(ArgSpec arg) {
    return sources.get(arg);
  }

  private SettingsFile settings(CommandSpec command) {
    if (settings == null) {
      Set<String> known = new TreeSet<>();
      for (OptionSpec option : command.options()) {
        if (!option.usageHelp() && !option.versionHelp()) {
          known.add(key(option));
        }
      }
      try {
        settings = SettingsFile.read(file, known);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read " + file, e);
      } catch (IllegalArgumentException e) {
        throw new Invalid(e.getMessage());
      }
    }
    return settings;
  }

  /** A flag (no value on the command line) takes true or false; picocli checks the rest. */
  private static String checked(OptionSpec option, String value, String where) {
    if (option.arity().max() == 0 && !value.equals("true") && !value.equals("false")) {
      throw new Invalid(where + ": " + key(option) + " takes true or false, "
          + "not `" + value + "`");
    }
    return value;
  }

  /** A settings file or variable that cannot be used; the message names where it is. */
  static final class Invalid extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    Invalid(String message) {
      super(message);
    }
  }

  static String key(OptionSpec option) {
    return option.longestName().replaceFirst("^--", "");
  }
}
