package dev.stead.master.code;

import dev.stead.wire.FileTrees;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Deploys a branch of a git repository as one environment of a code directory, the way
 * r10k does: the branch is cloned (with the git command) into a new release directory
 * {@code CODE/environments/.releases/NAME/}, and only once the clone is whole is the
 * environment's symbolic link {@code CODE/environments/NAME} pointed at it, by one rename.
 * A master compiling meanwhile reads either the old release or the new one, never a
 * half-written environment; a failed clone leaves the environment as it was. The release
 * before the current one is kept (so loads that started on it finish); older ones are
 * deleted. Deploys of one environment take turns (a lock file). Not for concurrent use of
 * one instance from several threads.
 */
public final class CodeDeploy {
  /** Under {@code CODE/environments/}: hidden, so never an environment name. */
  static final String RELEASES = ".releases";
  private static final Duration GIT_TIMEOUT = Duration.ofMinutes(10);

  /**
   * What a deploy did.
   *
   * @param environment the environment deployed
   * @param commit the commit it now serves
   * @param directory the environment's directory (the link)
   * @param changed false when it already served that commit (nothing was swapped)
   */
  public record Deployed(String environment, String commit, Path directory, boolean changed) {}

  private final Path codeDir;

  public CodeDeploy(Path codeDir) {
    this.codeDir = codeDir.toAbsolutePath().normalize();
  }

  /**
   * Deploys {@code branch} of {@code repository} (any URL or path git clones) as
   * {@code environment}.
   *
   * @throws IllegalArgumentException for a bad name, branch or repository, or an
   *     environment directory that is not a deploy's link
   * @throws IOException when git fails (its message included) or the files cannot be written
   */
  public Deployed deploy(String environment, String repository, String branch)
      throws IOException {
    String problem = Environments.nameProblem(Objects.requireNonNull(environment));
    if (problem != null) {
      throw new IllegalArgumentException("--environment: " + problem);
    }
    requireArgument(repository, "--repo", "a repository URL");
    requireArgument(branch, "--branch", "a branch name");
    if (!Files.isDirectory(codeDir)) {
      throw new IllegalArgumentException("the code directory " + codeDir + " does not exist");
    }
    Path environments = Files.createDirectories(codeDir.resolve(Environments.DIRECTORY));
    Path link = environments.resolve(environment);
    if (Files.exists(link, LinkOption.NOFOLLOW_LINKS) && !Files.isSymbolicLink(link)) {
      throw new IllegalArgumentException(link + " is a directory `stead code deploy` did not"
          + " make; move it aside first (a deploy replaces the whole environment)");
    }
    Path releases = Files.createDirectories(environments.resolve(RELEASES).resolve(environment));
    try (FileChannel lockFile = FileChannel.open(releases.resolve(".lock"),
        StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock lock = lockFile.lock()) {
      return deployLocked(environment, repository, branch, link, releases);
    }
  }

  private Deployed deployLocked(String environment, String repository, String branch,
      Path link, Path releases) throws IOException {
    Path release = Files.createTempDirectory(releases, "r");
    String commit;
    try {
      git(releases, "clone", "--quiet", "--single-branch", "--branch", branch, "--",
          repository, release.toString());
      commit = git(release, "rev-parse", "HEAD").strip();
    } catch (IOException | RuntimeException e) {
      FileTrees.delete(release);
      throw e;
    }
    Path current = currentRelease(link);
    if (current != null && commit.equals(commitOf(current))) {
      FileTrees.delete(release);
      return new Deployed(environment, commit, link, false);
    }
    // A new link beside the old one, renamed over it: rename(2) replaces it in one step.
    Path swap = link.resolveSibling("." + environment + ".swap");
    Files.deleteIfExists(swap);
    Files.createSymbolicLink(swap, link.getParent().relativize(release));
    Files.move(swap, link, StandardCopyOption.ATOMIC_MOVE);
    prune(releases, release, current);
    return new Deployed(environment, commit, link, true);
  }

  /** Deletes the releases of the environment but the new one and the one it replaced. */
  private static void prune(Path releases, Path keep, Path previous) throws IOException {
    List<Path> old = new ArrayList<>();
    try (DirectoryStream<Path> all = Files.newDirectoryStream(releases, Files::isDirectory)) {
      for (Path p : all) {
        Path real = p.toRealPath();
        if (!real.equals(keep.toRealPath()) && !real.equals(previous)) {
          old.add(p);
        }
      }
    }
    for (Path p : old) {
      FileTrees.delete(p);
    }
  }

  /** The release {@code link} points at; null when none (or its release was removed). */
  private static Path currentRelease(Path link) {
    if (!Files.isSymbolicLink(link)) {
      return null;
    }
    try {
      return link.toRealPath();
    } catch (IOException e) {
      return null; // a dangling link: replaced like any other
    }
  }

  private static String commitOf(Path release) {
    try {
      return git(release, "rev-parse", "HEAD").strip();
    } catch (IOException | RuntimeException e) {
      return ""; // not a clone: any commit is a change
    }
  }

  private static void requireArgument(String value, String option, String what) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException(option + " needs " + what);
    }
    // Never read by git as one of its options.
    if (value.startsWith("-") || value.chars().anyMatch(Character::isISOControl)) {
      throw new IllegalArgumentException(option + " must not start with '-' or hold control"
          + " characters, got '" + value.replaceAll("\\p{Cntrl}", "?") + "'");
    }
  }

  /** Runs git in {@code dir}; its stdout, or an IOException with what it said. */
  private static String git(Path dir, String... args) throws IOException {
    List<String> command = new ArrayList<>();
    command.add("git");
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile());
    // Never wait for a password on a terminal nobody watches.
    builder.environment().put("GIT_TERMINAL_PROMPT", "0");
    builder.environment().put("LC_ALL", "C");
    Process process;
    try {
      process = builder.start();
    } catch (IOException e) {
      throw new IOException("cannot run git (is it installed?): " + e.getMessage(), e);
    }
    process.getOutputStream().close();
    CompletableFuture<String> out = readAll(process.getInputStream());
    CompletableFuture<String> err = readAll(process.getErrorStream());
    try {
      if (!process.waitFor(GIT_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new IOException("git " + args[0] + " did not finish within "
            + GIT_TIMEOUT.toMinutes() + " minutes");
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while git " + args[0] + " ran", e);
    }
    if (process.exitValue() != 0) {
      throw new IOException("git " + String.join(" ", args) + " failed (exit "
          + process.exitValue() + "): " + err.join().strip());
    }
    return out.join();
  }

  private static CompletableFuture<String> readAll(InputStream in) {
    return CompletableFuture.supplyAsync(() -> {
      try (in) {
        return new String(in.readAllBytes(), StandardCharsets.UTF_8);
      } catch (IOException e) {
        return "";
      }
    });
  }
}
