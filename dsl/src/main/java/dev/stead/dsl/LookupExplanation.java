package dev.stead.dsl;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What a data lookup found and where: every level searched in order, what each had, and the
 * value the merge strategy made of them. Immutable.
 *
 * @param key the key looked up, e.g. {@code ntp::servers}
 * @param strategy how found values were combined (the caller's, else the key's
 *     {@code lookup_options}, else {@code first})
 * @param value the result; empty when no level has the key (a key set to YAML null is
 *     found, with a null value, and reads as empty here too: check {@link #found()})
 * @param steps every level searched, most specific first
 * @param strategyFromOptions true when the strategy came from the key's {@code lookup_options}
 *     rather than from the caller
 */
public record LookupExplanation(String key, MergeStrategy strategy, Optional<Object> value,
    boolean found, List<Step> steps, boolean strategyFromOptions) {
  public LookupExplanation {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(strategy, "strategy");
    Objects.requireNonNull(value, "value");
    steps = List.copyOf(steps);
  }

  /** What one level of the hierarchy had. */
  public enum Outcome {
    /** The file exists and has the key. */
    FOUND,
    /** The file exists but does not have the key. */
    KEY_ABSENT,
    /** There is no such file. */
    NO_FILE,
    /** The level's path could not be made: a fact or trusted value it names is not set or not usable. */
    SKIPPED
  }

  /**
   * One level searched.
   *
   * @param level the level's name from the hierarchy (module defaults are "module NAME")
   * @param file the data file's name relative to the environment or module path entry
   * @param outcome what was there
   * @param value the level's own value when found (may be null for a YAML null),
   *     interpolated when the merge used it
   * @param note why a level was skipped, else empty
   */
  public record Step(String level, String file, Outcome outcome, Object value, String note) {
    public Step {
      Objects.requireNonNull(level, "level");
      Objects.requireNonNull(file, "file");
      Objects.requireNonNull(outcome, "outcome");
      Objects.requireNonNull(note, "note");
    }
  }

  /** The files searched, in order, for error messages. */
  public List<String> filesSearched() {
    return steps.stream().map(Step::file).toList();
  }

  /** The files whose values made the result, most specific first. */
  public List<String> filesUsed() {
    List<Step> found = steps.stream().filter(s -> s.outcome() == Outcome.FOUND).toList();
    if (strategy == MergeStrategy.FIRST) {
      return found.isEmpty() ? List.of() : List.of(found.get(0).file());
    }
    return found.stream().map(Step::file).toList();
  }
}
