package dev.stead.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * `stead apply --tags/--skip-tags` on real files: only the tagged resources are applied, their
 * untagged dependencies are not, and the skipped resources' drift state is kept for the next
 * full run.
 */
class ApplyTagsTest {
  private static final String MANIFEST = """
      klass('web') {
        tag 'frontend'
        file('/etc/web.conf') { content 'web\\n'; requires file('/etc/base.conf') }
      }
      klass('db') {
        file('/etc/db.conf') { content 'db\\n' }
      }
      file('/etc/base.conf') { content 'base\\n' }
      include 'web'
      include 'db'
      """;

  @TempDir Path tmp;

  private InProcess apply(String... extra) {
    String[] base = {"apply", tmp.resolve("site.groovy").toString(), "--root",
        tmp.resolve("root").toString(), "--state", tmp.resolve("state").toString(),
        "--certname", "apply.test"};
    String[] args = new String[base.length + extra.length];
    System.arraycopy(base, 0, args, 0, base.length);
    System.arraycopy(extra, 0, args, base.length, extra.length);
    return InProcess.run(args);
  }

  private Path etc(String name) {
    return tmp.resolve("root/etc").resolve(name);
  }

  @Test
  void onlyTaggedResourcesAreAppliedAndTheirUntaggedDependenciesAreNot() throws Exception {
    Files.createDirectories(tmp.resolve("root/etc"));
    Files.writeString(tmp.resolve("site.groovy"), MANIFEST);

    InProcess web = apply("--tags", "frontend");
    assertThat(web.exitCode()).as(web.toString()).isEqualTo(2);
    assertThat(web.out()).contains("limited to tags: frontend (other resources were not checked)")
        .contains("run: 1 resources, 1 changed");
    assertThat(etc("web.conf")).hasContent("web");
    assertThat(etc("base.conf")).doesNotExist(); // a dependency is not pulled in, as in Puppet
    assertThat(etc("db.conf")).doesNotExist();

    InProcess skip = apply("--skip-tags", "web,db");
    assertThat(skip.exitCode()).as(skip.toString()).isEqualTo(2);
    assertThat(etc("base.conf")).hasContent("base");
    assertThat(etc("db.conf")).doesNotExist();

    // The class name, the type and a module-less class all select: db by its class.
    InProcess db = apply("--tags", "db");
    assertThat(db.exitCode()).as(db.toString()).isEqualTo(2);
    assertThat(etc("db.conf")).hasContent("db");
  }

  @Test
  void aLimitedRunKeepsTheSkippedResourcesDriftStateForTheNextFullRun() throws Exception {
    Files.createDirectories(tmp.resolve("root/etc"));
    Files.writeString(tmp.resolve("site.groovy"), MANIFEST);
    assertThat(apply().exitCode()).isEqualTo(2);
    assertThat(apply().exitCode()).isEqualTo(0);

    Files.writeString(etc("web.conf"), "by hand\n");
    InProcess limited = apply("--tags", "db");
    assertThat(limited.exitCode()).as(limited.toString()).isEqualTo(0);
    assertThat(limited.out()).doesNotContain("web.conf");
    assertThat(etc("web.conf")).hasContent("by hand");

    // The full run still knows web.conf was in sync before: the change is drift.
    InProcess full = apply();
    assertThat(full.exitCode()).as(full.toString()).isEqualTo(2);
    assertThat(full.out()).contains("drift: file[/etc/web.conf] content")
        .doesNotContain("limited to tags");
    assertThat(etc("web.conf")).hasContent("web");
  }

  @Test
  void aBadTagIsRefusedAndNothingChanges() throws Exception {
    Files.createDirectories(tmp.resolve("root/etc"));
    Files.writeString(tmp.resolve("site.groovy"), MANIFEST);
    InProcess bad = apply("--tags", "web,Not a tag");
    assertThat(bad.exitCode()).isEqualTo(1);
    assertThat(bad.err()).contains("--tags: 'Not a tag' is not a tag");
    assertThat(etc("web.conf")).doesNotExist();
  }
}
