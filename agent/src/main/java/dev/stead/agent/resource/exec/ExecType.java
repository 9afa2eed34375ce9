package dev.stead.agent.resource.exec;

import dev.stead.agent.resource.Checkable;
import dev.stead.agent.resource.InvalidResourceException;
import dev.stead.agent.resource.Params;
import dev.stead.agent.resource.ResourceType;
import dev.stead.proto.v1.Resource;
import dev.stead.types.ResourceTypes;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Pattern;

/** The {@code exec} type: a shell command with guards. */
public final class ExecType implements ResourceType {
  private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

  @Override
  public String name() {
    return ResourceTypes.EXEC.name();
  }

  @Override
  public Checkable bind(Resource resource) throws InvalidResourceException {
    Params p = Params.of(resource, ResourceTypes.EXEC);
    String command = p.string("command");
    if (command.isBlank()) {
      throw new InvalidResourceException("`command` must not be empty");
    }
    String creates = p.string("creates");
    if (creates != null && !creates.startsWith("/")) {
      throw new InvalidResourceException("`creates` must be an absolute path, got `" + creates
          + "`");
    }
    Long timeout = p.integer("timeout");
    if ((timeout <= 0 || timeout > 86_400)) {
      throw new InvalidResourceException("`timeout` must be between 1 and 86400 seconds, got "
          + timeout);
    }
    String user = p.string("user");
    String cwd = p.string("cwd");
    if (!cwd.startsWith("/")) {
      throw new InvalidResourceException("`cwd` must be an absolute path, got `" + cwd + "`");
    }
    Map<String, String> env = p.stringMap("environment");
    env = env == null ? Map.of() : env;
    for (String name : env.keySet()) {
      if (!ENV_NAME.matcher(name).matches()) {
        throw new InvalidResourceException("`environment` has an invalid variable name `" + name
            + "`");
      }
    }
    return new ExecResource(new ExecSpec(command, creates, p.string("onlyif"),
        p.string("unless"), p.bool("refreshonly"),
        Duration.ofSeconds(timeout), user, cwd, env));
  }
}
