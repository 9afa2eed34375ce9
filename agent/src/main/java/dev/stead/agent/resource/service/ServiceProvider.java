package dev.stead.agent.resource.service;

import dev.stead.agent.resource.ApplyContext;
import java.io.IOException;
import java.util.List;

/**
 * One way to control services on this machine. Queries answer with a {@link State}; actions
 * return empty on success, else why they failed. Implementations are stateless.
 */
interface ServiceProvider {
  /** An observed yes/no, or why it could not be observed. */
  record State(boolean yes, String error) {
    static State of(boolean yes) {
      return new State(yes, "");
    }

    static State failed(String why) {
      return new State(false, why);
    }

    boolean failed() {
      return !error.isEmpty();
    }
  }

  String name();

  /** Whether this provider can work here at all. */
  boolean available(ApplyContext context);

  /** Why {@code service} cannot be managed (it does not exist), else empty. */
  String checkExists(ApplyContext context, String service);

  /**
   * The names of the services this provider manages on the machine, sorted, as a resource
   * would name them.
   *
   * @throws java.io.IOException when they cannot be listed
   */
  List<String> list(ApplyContext context) throws IOException;

  State running(ApplyContext context, String service);

  State enabled(ApplyContext context, String service);

  String start(ApplyContext context, String service);

  String stop(ApplyContext context, String service);

  String restart(ApplyContext context, String service);

  String enable(ApplyContext context, String service);

  String disable(ApplyContext context, String service);
}
