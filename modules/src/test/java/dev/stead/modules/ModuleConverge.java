package dev.stead.modules;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stead.agent.ConvergeOptions;
import dev.stead.agent.Converger;
import dev.stead.agent.Progress;
import dev.stead.agent.resource.file.LocalFileSource;
import dev.stead.proto.v1.Catalog;
import dev.stead.proto.v1.Report;
import dev.stead.proto.v1.ResourceResult;
import dev.stead.proto.v1.ResourceStatus;
import dev.stead.wire.TagFilter;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Applies a compiled catalog for real with the agent's engine, as {@code stead apply --root
 * ROOT --skip-tags ...} does: every path re-based under {@code root}, drift state in
 * {@code state}, module files read from this repository's modules/.
 */
final class ModuleConverge {
  private final Path root;
  private final Path state;
  private final List<String> skipTags;

  ModuleConverge(Path root, Path state, String... skipTags) {
    this.root = root;
    this.state = state;
    this.skipTags = List.of(skipTags);
  }

  Report apply(Catalog catalog) {
    Converger converger = new Converger(new ConvergeOptions(root, state, false),
        new LocalFileSource(List.of(ModuleFixture.modulesDir())));
    TagFilter limit = skipTags.isEmpty() ? TagFilter.none() : TagFilter.of(List.of(), skipTags);
    return converger.converge(catalog, limit, Progress.NONE, null, null);
  }

  /** Two runs: the first changes something and fails nothing, the second changes nothing. */
  Report applyTwiceConverging(Catalog catalog) {
    Report first = apply(catalog);
    assertThat(first.getSummary().getFailed()).as(describe(first)).isZero();
    assertThat(first.getSummary().getChanged()).as(describe(first)).isPositive();
    Report second = apply(catalog);
    assertThat(second.getSummary().getChanged()).as(describe(second)).isZero();
    assertThat(second.getSummary().getFailed()).as(describe(second)).isZero();
    assertThat(second.getSummary().getOutOfSync()).as(describe(second)).isZero();
    return first;
  }

  /** Every resource the report lists that is not in sync, with its status and message. */
  static String describe(Report report) {
    return report.getSummary() + report.getResourcesList().stream()
        .filter(r -> r.getStatus() != ResourceStatus.IN_SYNC)
        .map(ModuleConverge::line).collect(Collectors.joining("\n", "\n", "\n"));
  }

  private static String line(ResourceResult r) {
    return r.getKey() + " " + r.getStatus() + " " + r.getMessage();
  }
}
