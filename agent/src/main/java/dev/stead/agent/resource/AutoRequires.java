package dev.stead.agent.resource;

import dev.stead.wire.ResourceKey;
import java.util.Set;

/**
 * The optional ability to name resources this one needs first without the code saying so
 * (a file needs its managed parent directory). Only keys present in {@code managed} count.
 */
public interface AutoRequires {
  Set<ResourceKey> autoRequires(Set<ResourceKey> managed);
}
