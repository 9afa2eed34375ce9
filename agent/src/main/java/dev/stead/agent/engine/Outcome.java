package dev.stead.agent.engine;

import dev.stead.agent.resource.Result;
import dev.stead.proto.v1.Resource;
import dev.stead.wire.ResourceKey;

/**
 * One resource's part in a run: its result, whether it ran in noop, and whether it was
 * refreshed. Immutable.
 */
public record Outcome(ResourceKey key, Resource resource, Result result, boolean noop,
    boolean refreshed) {}
