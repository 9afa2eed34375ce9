package dev.stead.agent.resource;

import java.io.IOException;
import java.util.List;
import java.util.Optional;

/**
 * Reads the current state of one resource type from the machine, with the same code the
 * type uses to compare, so what it reports is what a run would see (Puppet's
 * {@code puppet resource}). Implementations are stateless.
 */
public interface Inspection {
  /** The resource type's name, as code declares it. */
  String type();

  /** The resource named {@code name}; empty when the machine has none. */
  Optional<Inspected> one(ApplyContext context, String name) throws IOException;

  /**
   * What {@code stead resource TYPE NAME} shows: by default the resource named {@code name};
   * a type may read the name otherwise (cron: a user, whose crontab entries it is).
   */
  default List<Inspected> selected(ApplyContext context, String name) throws IOException {
    return one(context, name).map(List::of).orElse(List.of());
  }

  /**
   * Every resource of the type on the machine, in the machine's order.
   *
   * @throws UnsupportedOperationException when the type cannot be listed (files)
   */
  List<Inspected> all(ApplyContext context) throws IOException;
}
