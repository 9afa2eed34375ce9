package dev.stead.dsl.internal;

import dev.stead.proto.v1.SourceLocation;
import groovy.lang.Closure;
import java.util.List;
import java.util.Map;

/**
 * A declared class: its parameter names in order, the default of each (a closure, or absent
 * for a required parameter), its body and where it was declared. Confined to one compile.
 */
record ClassDefinition(String name, List<String> parameters, Map<String, Closure<?>> defaults,
    Closure<?> body, SourceLocation location) {}
