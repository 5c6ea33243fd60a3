package org.flytebeam.exec.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** {@link ProcessTree}'s parts that start no program of their own. */
class ProcessTreeTest {
  @Test
  void shouldMatchTheMarkerAmongNestedTokens() {
    byte[] prefix = (ProcessTree.TOKEN_VARIABLE + "=").getBytes(StandardCharsets.US_ASCII);
    byte[] environ =
        ("A=1\0" + ProcessTree.TOKEN_VARIABLE + "=outer,inner\0B=2\0")
            .getBytes(StandardCharsets.US_ASCII);
    assertThat(ProcessTree.carries(environ, prefix, "inner")).isTrue();
    assertThat(ProcessTree.carries(environ, prefix, "outer")).isTrue();
    assertThat(ProcessTree.carries(environ, prefix, "inn")).isFalse();
    assertThat(
            ProcessTree.carries("A=inner\0".getBytes(StandardCharsets.US_ASCII), prefix, "inner"))
        .isFalse();
  }

  @Test
  void shouldReadTheLastPidTheKernelHandedOut() throws Exception {
    assumeTrue(Files.exists(Path.of("/proc/sys/kernel/ns_last_pid")), "no ns_last_pid here");
    // given
    long before = ProcessTree.lastPid();
    Process p = new ProcessBuilder("true").start();
    p.waitFor();

    // when
    long after = ProcessTree.lastPid();

    // then: at least the pid just handed out, unless the pids wrapped around meanwhile
    assertThat(before).isPositive();
    if (after >= before) {
      assertThat(after).isGreaterThanOrEqualTo(p.pid());
    }
  }

  @Test
  void shouldFindProgramsOnThePath() {
    assertThat(ProcessTree.findOnPath("sh", System.getenv("PATH"))).isPresent();
    assertThat(ProcessTree.findOnPath("no-such-program-flyte-beam", System.getenv("PATH")))
        .isEmpty();
    assertThat(ProcessTree.findOnPath("/bin/sh", null)).contains(Path.of("/bin/sh"));
  }

  @Test
  void shouldPreferStartingProgramsWithoutTheJdksHelperUnlessTheMechanismIsChosenAlready() {
    String before = System.getProperty(ProcessTree.LAUNCH_MECHANISM);
    try {
      System.clearProperty(ProcessTree.LAUNCH_MECHANISM);
      ProcessTree.preferDirectLaunch();
      assertThat(System.getProperty(ProcessTree.LAUNCH_MECHANISM))
          .isEqualTo(System.getProperty("os.name").startsWith("Linux") ? "VFORK" : null);

      System.setProperty(ProcessTree.LAUNCH_MECHANISM, "POSIX_SPAWN");
      ProcessTree.preferDirectLaunch();
      assertThat(System.getProperty(ProcessTree.LAUNCH_MECHANISM)).isEqualTo("POSIX_SPAWN");
    } finally {
      if (before == null) {
        System.clearProperty(ProcessTree.LAUNCH_MECHANISM);
      } else {
        System.setProperty(ProcessTree.LAUNCH_MECHANISM, before);
      }
    }
  }
}
