package dev.stead.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunLockTest {
  @TempDir Path state;

  @Test
  void holdsThePidAndIsReleased() throws Exception {
    try (RunLock lock = RunLock.acquire(state)) {
      assertThat(RunLock.fileIn(state)).hasContent(ProcessHandle.current().pid() + "");
      assertThat(lock.tookOverStale()).isFalse();
    }
    assertThat(RunLock.fileIn(state)).doesNotExist();
  }

  @Test
  void aLiveOwnerMakesItBusy() throws Exception {
    Process sleeper = new ProcessBuilder("sleep", "30").start();
    try {
      Files.writeString(RunLock.fileIn(state), sleeper.pid() + "\n");
      assertThatThrownBy(() -> RunLock.acquire(state))
          .isInstanceOf(RunLock.BusyException.class)
          .hasMessage("another agent run is in progress (pid " + sleeper.pid() + ", lock "
              + RunLock.fileIn(state) + ")");
    } finally {
      sleeper.destroyForcibly().waitFor();
    }
  }

  @Test
  void aDeadOwnersLockIsTakenOver() throws Exception {
    Process gone = new ProcessBuilder("true").start();
    gone.waitFor();
    Files.writeString(RunLock.fileIn(state), gone.pid() + "\n");
    try (RunLock lock = RunLock.acquire(state)) {
      assertThat(lock.tookOverStale()).isTrue();
      assertThat(RunLock.fileIn(state)).hasContent(ProcessHandle.current().pid() + "");
    }
  }

  @Test
  void garbageInTheLockIsStale() throws Exception {
    Files.writeString(RunLock.fileIn(state), "not a pid");
    try (RunLock lock = RunLock.acquire(state)) {
      assertThat(lock.tookOverStale()).isTrue();
    }
  }
}
