package org.flytebeam.runner;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The JVM settings the {@code ./flyte-beam} launcher chooses, read from the JVM itself ({@code
 * -XX:+PrintCommandLineFlags}, given through {@code FLYTE_BEAM_JAVA_OPTS}): its JIT tier, its
 * garbage collector by the machine's cores, and each one left to the user when asked.
 */
class LauncherIT {
  private static final String SERIAL = "-XX:+UseSerialGC";
  private static final String C1_ONLY = "-XX:TieredStopAtLevel=1";

  @Test
  void shouldRunC1OnlyAndTheSerialCollectorOnAtMostTwoCoresByDefault() throws Exception {
    List<String> flags = launcherFlags(Map.of());

    assertThat(flags).contains(C1_ONLY);
    if (cores() <= 2) {
      assertThat(flags).contains(SERIAL);
    } else {
      assertThat(flags).doesNotContain(SERIAL);
    }
  }

  @Test
  void shouldKeepTheJvmsOwnCollectorWhenAskedOrWhenTheUserGivesOne() throws Exception {
    assertThat(launcherFlags(Map.of("FLYTE_BEAM_GC", "default"))).doesNotContain(SERIAL);

    List<String> parallel =
        launcherFlags(
            Map.of("FLYTE_BEAM_JAVA_OPTS", "-XX:+PrintCommandLineFlags -XX:+UseParallelGC"));
    assertThat(parallel).contains("-XX:+UseParallelGC").doesNotContain(SERIAL);
  }

  @Test
  void shouldKeepTheDefaultTiersWhenAskedForTheFullJit() throws Exception {
    assertThat(launcherFlags(Map.of("FLYTE_BEAM_JIT", "full"))).doesNotContain(C1_ONLY);
  }

  /** The flags of the JVM that {@code ./flyte-beam --version} runs, under {@code env}. */
  private static List<String> launcherFlags(Map<String, String> env)
      throws IOException, InterruptedException {
    Path root = Path.of(System.getProperty("flytebeam.it.root")).toRealPath();
    ProcessBuilder builder =
        new ProcessBuilder(root.resolve("flyte-beam").toString(), "--version")
            .redirectErrorStream(true)
            .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
    Map<String, String> environment = builder.environment();
    environment.keySet().removeIf(name -> name.startsWith("FLYTE_BEAM_"));
    // No archive: this test reads flags, and must not write an archive beside the jar.
    environment.put("FLYTE_BEAM_CDS", "0");
    environment.put("FLYTE_BEAM_JAVA_OPTS", "-XX:+PrintCommandLineFlags");
    environment.putAll(env);
    Process process = builder.start();
    String output;
    try {
      output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(process.waitFor(2, TimeUnit.MINUTES)).as("the launcher ended").isTrue();
    } finally {
      process.destroyForcibly();
    }
    assertThat(process.exitValue()).as("exit code; output:%n%s", output).isZero();
    assertThat(output).contains("flyte-beam ");
    String flagLine = output.lines().filter(l -> l.startsWith("-XX:")).findFirst().orElseThrow();
    return new ArrayList<>(Arrays.asList(flagLine.trim().split("\\s+")));
  }

  private static int cores() throws IOException, InterruptedException {
    Process nproc = new ProcessBuilder("nproc").start();
    String out = new String(nproc.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    assertThat(nproc.waitFor(30, TimeUnit.SECONDS)).isTrue();
    return Integer.parseInt(out);
  }
}
