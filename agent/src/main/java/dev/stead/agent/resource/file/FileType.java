package dev.stead.agent.resource.file;

import dev.stead.agent.resource.Checkable;
import dev.stead.agent.resource.InvalidResourceException;
import dev.stead.agent.resource.ResourceType;
import dev.stead.proto.v1.Resource;
import dev.stead.types.ResourceTypes;

/** The {@code file} type: regular files, directories and symbolic links. */
public final class FileType implements ResourceType {
  @Override
  public String name() {
    return ResourceTypes.FILE.name();
  }

  @Override
  public Checkable bind(Resource resource) throws InvalidResourceException {
    return new FileResource(FileSpec.parse(resource));
  }
}
