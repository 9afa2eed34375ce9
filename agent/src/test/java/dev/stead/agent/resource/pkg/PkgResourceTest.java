package dev.stead.agent.resource.pkg;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stead.agent.fs.BackupStore;
import dev.stead.agent.fs.RootedPaths;
import dev.stead.agent.host.CommandResult;
import dev.stead.agent.host.InMemoryHost;
import dev.stead.agent.resource.ApplyContext;
import dev.stead.agent.resource.InvalidResourceException;
import dev.stead.agent.resource.Result;
import dev.stead.agent.resource.RunMemo;
import dev.stead.proto.v1.Resource;
import dev.stead.wire.Values;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The package logic against an in-memory host: what is run, and how often. */
class PkgResourceTest {
  @TempDir Path root;

  private final InMemoryHost host = new InMemoryHost(false)
      .on("dpkg-query", c -> CommandResult.exit(0,
          "hello\tii \t2.10-3\nvim\tii \t2:9.0\nold\trc \t1.0\n", ""))
      .on("apt-get", c -> CommandResult.exit(0, "", ""));

  private ApplyContext context() throws Exception {
    // Fresh lists: no apt-get update.
    Files.createDirectories(root.resolve("var/cache/apt"));
    Files.writeString(root.resolve("var/cache/apt/pkgcache.bin"), "");
    return new ApplyContext(new RootedPaths(root), new BackupStore(root.resolve("backup")), host,
        new RunMemo());
  }

  private static Resource pkg(String name, String ensure) {
    return Resource.newBuilder().setType("pkg").setTitle(name)
        .putAllParameters(Values.ofMap(Map.of("ensure", ensure))).build();
  }

  @Test
  void readsThePackageDatabaseOncePerRunForAllPackages() throws Exception {
    ApplyContext context = context();
    for (String name : new String[] {"hello", "vim", "old", "absentpkg"}) {
      new PkgType().bind(pkg(name, "absent")).checkApply(context, false);
    }
    assertThat(host.commandLines()).hasSize(1).first().asString().startsWith("dpkg-query -W");
  }

  @Test
  void installsNonInteractivelyAndReportsTheVersions() throws Exception {
    ApplyContext context = context();
    Result r = new PkgType().bind(pkg("nginx", "installed")).checkApply(context, true);
    assertThat(r.status()).isEqualTo(Result.Status.CHANGED);
    assertThat(r.changes().get(0).before()).isEqualTo("absent");
    assertThat(r.changes().get(0).after()).isEqualTo("installed");
    assertThat(host.commands().get(1).argv()).containsSubsequence("apt-get", "install", "-y")
        .contains("Dpkg::Options::=--force-confold", "nginx");
    assertThat(host.commands().get(1).environment())
        .containsEntry("DEBIAN_FRONTEND", "noninteractive");

    Result pinned = new PkgType().bind(pkg("hello", "2.10-4")).checkApply(context, false);
    assertThat(pinned.changes().get(0).before()).isEqualTo("2.10-3");
    assertThat(new PkgType().bind(pkg("old", "purged")).checkApply(context, false).status())
        .isEqualTo(Result.Status.WOULD_CHANGE);
  }

  @Test
  void updatesListsOnlyWhenAPackageIsNotFound() throws Exception {
    int[] installs = new int[1];
    host.on("apt-get", c -> c.argv().get(1).equals("install") && installs[0]++ == 0
        ? CommandResult.exit(100, "", "E: Unable to locate package newpkg")
        : CommandResult.exit(0, "", ""));
    Result r = new PkgType().bind(pkg("newpkg", "installed")).checkApply(context(), true);
    assertThat(r.status()).isEqualTo(Result.Status.CHANGED);
    assertThat(host.commandLines()).filteredOn(l -> l.startsWith("apt-get"))
        .containsExactly("apt-get install -y -q -o DPkg::Lock::Timeout=120 -o Dpkg::Options::=--force-confdef -o"
            + " Dpkg::Options::=--force-confold newpkg",
            "apt-get update -q -o DPkg::Lock::Timeout=120",
            "apt-get install -y -q -o DPkg::Lock::Timeout=120 -o Dpkg::Options::=--force-confdef -o"
            + " Dpkg::Options::=--force-confold newpkg");
  }

  @Test
  void asksAptForTheCandidatesOfAllLatestPackagesOnce() throws Exception {
    host.on("apt-cache", c -> CommandResult.exit(0, "hello:\n  Installed: 2.10-3\n"
        + "  Candidate: 2.10-3\n  Version table:\n vim:\nvim:\n  Installed: 2:9.0\n"
        + "  Candidate: 2:9.1\n", ""));
    ApplyContext context = context();
    Result hello = new PkgType().bind(pkg("hello", "latest")).checkApply(context, false);
    Result vim = new PkgType().bind(pkg("vim", "latest")).checkApply(context, false);
    Result fresh = new PkgType().bind(pkg("newpkg", "latest")).checkApply(context, false);

    assertThat(hello.status()).isEqualTo(Result.Status.IN_SYNC);
    assertThat(vim.status()).isEqualTo(Result.Status.WOULD_CHANGE);
    assertThat(vim.changes().get(0).before()).isEqualTo("2:9.0");
    assertThat(vim.changes().get(0).after()).isEqualTo("latest");
    // Not installed: apt installs the candidate on apply; nothing to ask first.
    assertThat(fresh.changes().get(0).before()).isEqualTo("absent");
    assertThat(host.commandLines()).filteredOn(l -> l.startsWith("apt-cache"))
        .containsExactly("apt-cache policy hello vim");
  }

  @Test
  void aPackageInstalledLaterInTheRunIsAskedAboutAlone() throws Exception {
    host.on("apt-cache", c -> CommandResult.exit(0, String.join("", c.argv().stream()
        .skip(2).map(n -> n + ":\n  Installed: 1\n  Candidate: 2\n").toList()), ""));
    ApplyContext context = context();
    new PkgType().bind(pkg("hello", "latest")).checkApply(context, true);
    // The package database changed: "late" is installed now.
    host.on("dpkg-query", c -> CommandResult.exit(0, "hello\tii \t2\nlate\tii \t1\n", ""));
    new PkgType().bind(pkg("nginx", "installed")).checkApply(context, true);
    Result late = new PkgType().bind(pkg("late", "latest")).checkApply(context, false);
    assertThat(late.changes().get(0).before()).isEqualTo("1");
    assertThat(host.commandLines()).filteredOn(l -> l.startsWith("apt-cache"))
        .containsExactly("apt-cache policy hello vim", "apt-cache policy late");
  }

  @Test
  void rejectsNonsenseWithTheParameterNamed() {
    Assertions.assertThatThrownBy(
        () -> new PkgType().bind(pkg("hello", "newest")))
        .isInstanceOf(InvalidResourceException.class).hasMessageContaining("`ensure`");
  }
}
