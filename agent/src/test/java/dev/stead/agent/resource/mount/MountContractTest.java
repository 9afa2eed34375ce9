package dev.stead.agent.resource.mount;

import static dev.stead.agent.resource.RootOnly.sh;
import static org.assertj.core.api.Assertions.assertThat;

import dev.stead.agent.Catalogs4Test;
import dev.stead.agent.resource.ResourceTypeContract;
import dev.stead.agent.resource.RootOnly;
import dev.stead.proto.v1.EdgeKind;
import dev.stead.proto.v1.Report;
import dev.stead.proto.v1.Resource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real mounts as root: a tmpfs named after the test on a temporary directory, with a
 * temporary fstab file as {@code target}, so the machine's /etc/fstab is never touched.
 */
class MountContractTest extends ResourceTypeContract {
  private static final String OTHER_LINES = "# kept\nproc /proc proc defaults 0 0\n";

  @TempDir Path work;
  private Path fstab;
  private Path mnt;

  @BeforeEach
  void fstabAndMountPoint() throws Exception {
    RootOnly.assumeRootWith("mount", "umount");
    fstab = work.resolve("fstab");
    Files.writeString(fstab, OTHER_LINES);
    mnt = Files.createDirectory(work.resolve("mnt"));
  }

  @Override
  protected Path root() {
    return Path.of("/");
  }

  private Resource tmpfs(String options, Object... more) {
    Object[] params = new Object[8 + more.length];
    System.arraycopy(new Object[] {"device", UNIQUE, "fstype", "tmpfs", "options", options,
        "target", fstab.toString()}, 0, params, 0, 8);
    System.arraycopy(more, 0, params, 8, more.length);
    return resource("mount", mnt.toString(), params);
  }

  @Override
  protected List<Resource> resources() {
    return List.of(tmpfs("size=1m"));
  }

  /** The line of /proc/self/mounts for the test's mount point, or "" when not mounted. */
  private String mounted() throws Exception {
    return Files.readAllLines(Path.of("/proc/self/mounts")).stream()
        .filter(l -> l.split(" ")[1].equals(mnt.toString())).reduce("", (a, b) -> b);
  }

  @Override
  protected void verifyConverged() throws Exception {
    assertThat(mounted()).startsWith(UNIQUE + " " + mnt + " tmpfs ").contains("size=1024k");
    assertThat(Files.readString(fstab))
        .isEqualTo(OTHER_LINES + UNIQUE + "\t" + mnt + "\ttmpfs\tsize=1m\t0\t0\n");
  }

  @Override
  protected void tamper() throws Exception {
    assertThat(sh("umount " + mnt).ok()).isTrue();
    Files.writeString(fstab, Files.readString(fstab).replace("size=1m", "size=2m"));
  }

  @Override
  protected String hostFingerprint() throws Exception {
    return files(fstab) + "\n" + mounted();
  }

  @Override
  protected void cleanUp() throws Exception {
    for (int i = 0; i < 5 && mnt != null && !mounted().isEmpty(); i++) {
      sh("umount " + mnt);
    }
    assertThat(mnt == null ? "" : mounted()).as("test mount left behind").isEmpty();
  }

  private Report apply(Catalogs4Test catalog) {
    Report report = converge(catalog.build(), false);
    assertThat(report.getSummary().getFailed()).as(report.toString()).isZero();
    return report;
  }

  /** New options remount a mounted file system; a refresh remounts with the entry's options. */
  @Test
  void newOptionsAndRefreshRemount() throws Exception {
    apply(Catalogs4Test.catalog().resource(tmpfs("size=1m")));
    Report bigger = apply(Catalogs4Test.catalog().resource(tmpfs("size=2m")));
    assertThat(events(bigger)).singleElement()
        .satisfies(e -> assertThat(e.getProperty()).isEqualTo("fstab"));
    assertThat(mounted()).contains("size=2048k");

    // Changed behind Stead's back in a way it does not compare: only a refresh restores it.
    assertThat(sh("mount -o remount,size=3m " + mnt).ok()).isTrue();
    assertThat(mounted()).contains("size=3072k");
    Resource poke = resource("notify", "fstab reviewed");
    Report refreshed = apply(Catalogs4Test.catalog().resource(tmpfs("size=2m")).resource(poke)
        .edge("notify[fstab reviewed]", EdgeKind.NOTIFIES, "mount[" + mnt + "]"));
    assertThat(refreshed.toString()).contains("remounted " + mnt);
    assertThat(mounted()).contains("size=2048k");
  }

  /** Unmounted keeps the entry, present leaves the state, absent unmounts and removes it. */
  @Test
  void unmountedKeepsTheEntryAndAbsentRemovesIt() throws Exception {
    apply(Catalogs4Test.catalog().resource(tmpfs("size=1m")));
    Report unmounted = apply(Catalogs4Test.catalog()
        .resource(tmpfs("size=1m", "ensure", "unmounted")));
    assertThat(events(unmounted)).singleElement().satisfies(e -> {
      assertThat(e.getProperty()).isEqualTo("mounted");
      assertThat(e.getBefore()).isEqualTo(UNIQUE + " tmpfs");
      assertThat(e.getAfter()).isEqualTo("unmounted");
    });
    assertThat(mounted()).isEmpty();
    assertThat(Files.readString(fstab)).contains(UNIQUE);

    Report present = apply(Catalogs4Test.catalog()
        .resource(tmpfs("size=1m", "ensure", "present")));
    assertThat(events(present)).as("present leaves the mounted state alone").isEmpty();
    assertThat(mounted()).isEmpty();

    apply(Catalogs4Test.catalog().resource(tmpfs("size=1m")));
    Report absent = apply(Catalogs4Test.catalog().resource(resource("mount", mnt.toString(),
        "ensure", "absent", "target", fstab.toString())));
    assertThat(events(absent)).extracting(e -> e.getProperty())
        .containsExactlyInAnyOrder("fstab", "mounted");
    assertThat(mounted()).isEmpty();
    assertThat(Files.readString(fstab)).isEqualTo(OTHER_LINES);
    assertThat(events(apply(Catalogs4Test.catalog().resource(resource("mount",
        mnt.toString(), "ensure", "absent", "target", fstab.toString()))))).isEmpty();
  }

  /** Another file system at the mount point is replaced by the desired one. */
  @Test
  void replacesAnotherFileSystemMountedThere() throws Exception {
    assertThat(sh("mount -t tmpfs -o size=1m other-" + UNIQUE + " " + mnt).ok()).isTrue();
    Report replaced = apply(Catalogs4Test.catalog().resource(tmpfs("size=1m")));
    assertThat(events(replaced)).anySatisfy(e -> {
      assertThat(e.getProperty()).isEqualTo("mounted");
      assertThat(e.getBefore()).isEqualTo("other-" + UNIQUE + " tmpfs");
    });
    verifyConverged();
  }

  /**
   * An ext4 image on a loop device: the kernel names the source /dev/loopN, which counts as
   * the image file, so the second run finds it in sync.
   */
  @Test
  void loopMountsAnExt4Image() throws Exception {
    RootOnly.assumeRootWith("mkfs.ext4");
    Path image = work.resolve("disk.img");
    assertThat(sh("truncate -s 8M " + image + " && mkfs.ext4 -q -F " + image).ok()).isTrue();
    Resource ext4 = resource("mount", mnt.toString(), "device", image.toString(),
        "fstype", "ext4", "target", fstab.toString());
    Report first = apply(Catalogs4Test.catalog().resource(ext4));
    assertThat(events(first)).hasSize(2);
    assertThat(mounted()).matches("/dev/loop\\d+ " + mnt + " ext4 .*");
    Files.writeString(mnt.resolve("hello"), "on ext4\n");

    Report again = apply(Catalogs4Test.catalog().resource(ext4));
    assertThat(events(again)).as(again.toString()).isEmpty();

    apply(Catalogs4Test.catalog().resource(resource("mount", mnt.toString(),
        "ensure", "absent", "target", fstab.toString())));
    assertThat(mounted()).isEmpty();
    assertThat(mnt.resolve("hello")).as("the file lives in the image").doesNotExist();
    assertThat(sh("losetup -j " + image).stdout()).as("loop device released").isBlank();
  }

  /** A mount without its device is refused, naming the parameter; nothing is touched. */
  @Test
  void withoutDeviceItIsRefused() throws Exception {
    Report report = converge(Catalogs4Test.catalog().resource(resource("mount",
        mnt.toString(), "fstype", "tmpfs", "target", fstab.toString())).build(), false);
    assertThat(report.toString()).contains("`device` is required unless ensure is absent");
    assertThat(Files.readString(fstab)).isEqualTo(OTHER_LINES);
    assertThat(mounted()).isEmpty();
  }
}
