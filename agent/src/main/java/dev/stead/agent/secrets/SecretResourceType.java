package dev.stead.agent.secrets;

import dev.stead.agent.fs.BackupStore;
import dev.stead.agent.resource.ApplyContext;
import dev.stead.agent.resource.CatalogAware;
import dev.stead.agent.resource.Checkable;
import dev.stead.agent.resource.InvalidResourceException;
import dev.stead.agent.resource.Refreshable;
import dev.stead.agent.resource.ResourceType;
import dev.stead.agent.resource.Result;
import dev.stead.agent.resource.Watchable;
import dev.stead.proto.v1.Resource;
import dev.stead.proto.v1.Value;
import dev.stead.wire.ResourceKey;
import dev.stead.wire.SecretBlob;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A resource type that opens the secrets of a resource when it is bound for the run: the
 * type sees the plaintext as an ordinary string parameter (only in memory), and the result
 * comes back through {@link Redaction}. Old content of such a resource is not backed up, so
 * no earlier plaintext lingers in the state directory. Resources without secrets go to the
 * type unchanged. Stateless.
 */
final class SecretResourceType implements ResourceType {
  private final ResourceType type;
  private final NodeSecrets secrets;

  SecretResourceType(ResourceType type, NodeSecrets secrets) {
    this.type = type;
    this.secrets = secrets;
  }

  @Override
  public String name() {
    return type.name();
  }

  @Override
  public Checkable bind(Resource resource) throws InvalidResourceException {
    Map<String, String> refs = new LinkedHashMap<>();
    List<byte[]> plaintexts = new ArrayList<>();
    Resource.Builder revealed = null; // copied only when a secret is found: the hot path has none
    for (Map.Entry<String, Value> p : resource.getParametersMap().entrySet()) {
      if (p.getValue().getKindCase() != Value.KindCase.SECRET_VALUE) {
        if (containsSecret(p.getValue())) {
          throw new InvalidResourceException("parameter '" + p.getKey()
              + "' holds a secret inside a list or map; only a whole string parameter can be "
              + "a secret");
        }
        continue;
      }
      byte[] plaintext;
      try {
        plaintext = secrets.open(p.getValue().getSecretValue().getKeyedHash());
      } catch (NodeSecrets.SecretUnavailable e) {
        throw new InvalidResourceException("parameter '" + p.getKey() + "': " + e.getMessage());
      }
      plaintexts.add(plaintext);
      refs.put(p.getKey(), SecretBlob.render(p.getValue().getSecretValue()));
      if (revealed == null) {
        revealed = resource.toBuilder();
      }
      revealed.putParameters(p.getKey(), Value.newBuilder()
          .setStringValue(new String(plaintext, StandardCharsets.UTF_8)).build());
    }
    if (refs.isEmpty()) {
      return type.bind(resource);
    }
    Checkable inner = type.bind(revealed.build());
    Redaction redaction = new Redaction(refs, plaintexts);
    boolean refreshable = inner instanceof Refreshable;
    boolean aware = inner instanceof CatalogAware;
    if (refreshable && aware) {
      return new RedactedRefreshableAware(inner, redaction);
    } else if (refreshable) {
      return new RedactedRefreshable(inner, redaction);
    } else if (aware) {
      return new RedactedAware(inner, redaction);
    }
    return new Redacted(inner, redaction);
  }

  private static boolean containsSecret(Value v) {
    return switch (v.getKindCase()) {
      case SECRET_VALUE -> true;
      case LIST_VALUE -> v.getListValue().getValuesList().stream()
          .anyMatch(SecretResourceType::containsSecret);
      case MAP_VALUE -> v.getMapValue().getEntriesMap().values().stream()
          .anyMatch(SecretResourceType::containsSecret);
      default -> false;
    };
  }

  /** Checks with backups off (old content may be an earlier secret) and redacts. */
  private static class Redacted implements Checkable, Watchable {
    final Checkable inner;
    final Redaction redaction;

    Redacted(Checkable inner, Redaction redaction) {
      this.inner = inner;
      this.redaction = redaction;
    }

    @Override
    public List<WatchedPath> watchedPaths() {
      return inner instanceof Watchable w ? w.watchedPaths()
          : List.of();
    }

    @Override
    public Result checkApply(ApplyContext context, boolean apply) {
      ApplyContext noBackups = new ApplyContext(context.paths(),
          BackupStore.none(), context.host(), context.memo());
      return redaction.apply(inner.checkApply(noBackups, apply));
    }
  }

  private static final class RedactedRefreshable extends Redacted implements Refreshable {
    RedactedRefreshable(Checkable inner, Redaction redaction) {
      super(inner, redaction);
    }

    @Override
    public Refresh refresh(ApplyContext context) {
      return scrub(((Refreshable) inner).refresh(context), redaction);
    }
  }

  private static final class RedactedAware extends Redacted implements CatalogAware {
    RedactedAware(Checkable inner, Redaction redaction) {
      super(inner, redaction);
    }

    @Override
    public void seeCatalog(Set<ResourceKey> managed) {
      ((CatalogAware) inner).seeCatalog(managed);
    }

    @Override
    public void seeResources(List<Resource> resources) {
      ((CatalogAware) inner).seeResources(resources);
    }
  }

  private static final class RedactedRefreshableAware extends Redacted
      implements Refreshable, CatalogAware {
    RedactedRefreshableAware(Checkable inner, Redaction redaction) {
      super(inner, redaction);
    }

    @Override
    public Refresh refresh(ApplyContext context) {
      return scrub(((Refreshable) inner).refresh(context), redaction);
    }

    @Override
    public void seeCatalog(Set<ResourceKey> managed) {
      ((CatalogAware) inner).seeCatalog(managed);
    }

    @Override
    public void seeResources(List<Resource> resources) {
      ((CatalogAware) inner).seeResources(resources);
    }
  }

  private static Refreshable.Refresh scrub(Refreshable.Refresh done, Redaction redaction) {
    return new Refreshable.Refresh(redaction.scrubMessage(done.failure()),
        redaction.scrubMessage(done.output()));
  }
}
