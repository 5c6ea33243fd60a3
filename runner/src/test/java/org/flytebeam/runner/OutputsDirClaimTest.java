package org.flytebeam.runner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.flytebeam.exec.ElementOutcome;
import org.flytebeam.exec.OutputShards;
import org.flytebeam.exec.RunOwner;
import org.flytebeam.idl.DefinitionWriter;
import org.flytebeam.runner.testing.TestTasks;
import org.flytebeam.spec.MapTask;
import org.flytebeam.spec.MapTaskSpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One run at a time writes in an {@code --outputs-dir}: a second run started beside it is refused
 * before it writes anything, naming the first, and a claim left by a killed run says how to clear
 * it.
 */
class OutputsDirClaimTest {
  @TempDir Path dir;

  @BeforeEach
  void reset() {
    TestTasks.reset();
  }

  @AfterEach
  void openGate() {
    TestTasks.gate.countDown();
  }

  private Path definition(MapTaskSpec spec, String name) {
    Path file = dir.resolve(name);
    DefinitionWriter.write(spec, file);
    return file;
  }

  private Cli run(Path def, Path inputs, Path out) {
    return Cli.run(
        "run",
        "--definition",
        def.toString(),
        "--inputs",
        inputs.toString(),
        "--outputs-dir",
        out.toString(),
        "--quiet");
  }

  @Test
  void shouldRefuseASecondRunOnTheSameOutputsDirNamingTheFirstAndKeepTheFirstsOutputs()
      throws Exception {
    // given: a run whose elements wait until the test lets them go, holding the folder
    Path out = dir.resolve("out");
    Path gatedDef = definition(MapTask.of(new TestTasks.Gated()).build(), "gated.def.json");
    Path countedDef = definition(MapTask.of(new TestTasks.Counted()).build(), "counted.def.json");
    Path first = Cli.write(dir, "first.json", "{\"x\": [1, 2, 3]}");
    Path second = Cli.write(dir, "second.json", "{\"x\": [7, 8, 9]}");
    TestTasks.gate = new CountDownLatch(1);
    TestTasks.gateEntered = new CountDownLatch(1);
    CompletableFuture<Cli> winner = CompletableFuture.supplyAsync(() -> run(gatedDef, first, out));
    assertThat(TestTasks.gateEntered.await(60, TimeUnit.SECONDS)).isTrue();

    // when: a second run on the same folder, while the first still runs
    Cli loser = run(countedDef, second, out);
    TestTasks.gate.countDown();
    Cli won = winner.get(120, TimeUnit.SECONDS);

    // then: the second is refused before any of its elements ran, naming the first
    assertThat(loser.exitCode()).as(loser.err()).isEqualTo(ExitCode.INVALID);
    assertThat(loser.errWithoutProgress().lines())
        .singleElement()
        .satisfies(
            line ->
                assertThat(line)
                    .startsWith("error: --outputs-dir: outputs folder [" + out)
                    .contains("is in use by run [")
                    .contains("pid " + ProcessHandle.current().pid())
                    .contains("wait for that run to end, or give another folder"));
    assertThat(TestTasks.calls("test_counted")).isZero();
    // and the first run's outputs are its own, whole
    assertThat(won.exitCode()).as(won.err()).isZero();
    assertThat(OutputsDirTest.lines(out))
        .containsExactly(
            "{\"index\":0,\"outputs\":{\"o0\":10}}",
            "{\"index\":1,\"outputs\":{\"o0\":20}}",
            "{\"index\":2,\"outputs\":{\"o0\":30}}");
    assertThat(out.resolve("outputs.pb")).isRegularFile();
    // and the claim is released with the run
    assertThat(out.resolve(OutputShards.CLAIM_FILE)).doesNotExist();
  }

  @Test
  void shouldSayHowToClearTheClaimOfARunThatWasKilled() throws Exception {
    // given: the claim of a run whose driver is gone (a pid that no longer runs on this host)
    Process gone = new ProcessBuilder("true").start();
    gone.waitFor();
    Path out = dir.resolve("out");
    Files.createDirectories(out);
    Path claim = out.resolve(OutputShards.CLAIM_FILE);
    Files.writeString(
        claim,
        new RunOwner("dead-run-1", gone.pid(), RunOwner.thisHost(), 1L).format(),
        StandardCharsets.UTF_8);
    Path def = definition(MapTask.of(new TestTasks.Counted()).build(), "c.def.json");
    Path inputs = Cli.write(dir, "in.json", "{\"x\": [1, 2]}");

    // when
    Cli cli = run(def, inputs, out);

    // then: exit 2, naming the dead run and the marker to remove
    assertThat(cli.exitCode()).as(cli.err()).isEqualTo(ExitCode.INVALID);
    assertThat(cli.err().lines())
        .singleElement()
        .satisfies(
            line ->
                assertThat(line)
                    .startsWith("error: --outputs-dir: ")
                    .contains("run [dead-run-1] (pid " + gone.pid())
                    .contains("no longer running")
                    .contains("remove [" + claim + "]"));
    assertThat(TestTasks.calls("test_counted")).isZero();

    // when: the user removes it as told
    Files.delete(claim);
    Cli again = run(def, inputs, out);

    // then
    assertThat(again.exitCode()).as(again.err()).isZero();
    assertThat(OutputsDirTest.lines(out)).hasSize(2);
  }

  @Test
  void shouldNotLetAWriterOfAnotherRunPutItsShardIn() throws IOException {
    // given: a folder claimed by one run
    String out = dir.resolve("out").toString();
    OutputShards.claim(out, "run-a");

    // when / then: a writer of another run is refused, and leaves nothing in elements/
    List<ElementOutcome> outcomes = List.of(ElementOutcome.aborted(0));
    assertThatThrownBy(() -> OutputShards.write(out, "run-b", 0, 1, List.of("o0"), outcomes))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("no longer claimed by run [run-b]")
        .hasMessageContaining("run [run-a]");
    assertThat(Files.exists(Path.of(OutputShards.path(out, 0, 1)))).isFalse();

    // the claim's own run writes
    OutputShards.write(out, "run-a", 0, 1, List.of("o0"), outcomes);
    assertThat(Path.of(OutputShards.path(out, 0, 1))).isRegularFile();

    // a second claim while the first holds is refused, naming it
    assertThatThrownBy(() -> OutputShards.claim(out, "run-b"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("in use by run [run-a]");

    // released: the claim's file is gone, and only its own run releases it
    OutputShards.release(out, "run-b");
    assertThat(Path.of(OutputShards.claimFile(out))).isRegularFile();
    OutputShards.release(out, "run-a");
    assertThat(Path.of(OutputShards.claimFile(out))).doesNotExist();
  }

  @Test
  void shouldRecordTheRunPidHostAndProcessStartInTheClaim() throws IOException {
    String out = dir.resolve("out").toString();
    OutputShards.claim(out, "run-x");

    String text = Files.readString(Path.of(OutputShards.claimFile(out)));
    RunOwner owner = RunOwner.parse(text).orElseThrow();

    assertThat(owner.runId()).isEqualTo("run-x");
    assertThat(owner.pid()).isEqualTo(ProcessHandle.current().pid());
    assertThat(owner.host()).isEqualTo(RunOwner.thisHost());
    assertThat(owner.isGoneFromThisHost()).isFalse();
    Matcher start = Pattern.compile("process-start=(\\d+)").matcher(text);
    assertThat(start.find()).isTrue();
  }
}
