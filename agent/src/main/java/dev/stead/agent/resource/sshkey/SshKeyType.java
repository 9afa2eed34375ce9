package dev.stead.agent.resource.sshkey;

import dev.stead.agent.resource.Checkable;
import dev.stead.agent.resource.InvalidResourceException;
import dev.stead.agent.resource.Params;
import dev.stead.agent.resource.ResourceType;
import dev.stead.proto.v1.Resource;
import dev.stead.types.ResourceTypes;
import java.util.regex.Pattern;

/** The {@code ssh_key} type: one authorized key of a user. */
public final class SshKeyType implements ResourceType {
  private static final Pattern TYPE = Pattern.compile(
      "(ssh|ecdsa|sk)-[a-z0-9@.\\-]+");
  private static final Pattern KEY = Pattern.compile("[A-Za-z0-9+/]+={0,3}");

  @Override
  public String name() {
    return ResourceTypes.SSH_KEY.name();
  }

  @Override
  public Checkable bind(Resource resource) throws InvalidResourceException {
    Params p = Params.of(resource, ResourceTypes.SSH_KEY);
    String user = p.string("user");
    String key = p.singleLine("key");
    if (!KEY.matcher(key).matches() || key.length() < 16) {
      throw new InvalidResourceException("`key` is required: the base64 key material alone,"
          + " without type or comment");
    }
    String type = p.string("type");
    if (!TYPE.matcher(type).matches()) {
      throw new InvalidResourceException("`type` must be a key type such as ssh-ed25519, got `"
          + type + "`");
    }
    String comment = p.singleLine("comment");
    if (comment.indexOf('\n') >= 0) {
      throw new InvalidResourceException("the comment (the title) must be a single line");
    }
    return new SshKeyResource(user, type, key, comment,
        p.string("ensure").equals("present"));
  }
}
