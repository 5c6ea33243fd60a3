package org.flytebeam.runner;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.flytebeam.beam.MapRunPlan;
import org.flytebeam.exec.ElementStatus;
import org.flytebeam.exec.RunProgress;
import org.flytebeam.idl.DefinitionWriter;
import org.flytebeam.runner.testing.TestTasks;
import org.flytebeam.spec.MapTask;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Progress while a map runs: log lines on a non-terminal, counts, rate and ETA. */
class ProgressTest {
  private static final Pattern LINE =
      Pattern.compile(
          "progress: (\\d+)/(\\d+) done \\((\\d+) succeeded, (\\d+) failed, (\\d+) running\\), [0-9.]+/s, .*");

  @TempDir Path dir;

  @Test
  void shouldFormatCountsRateAndEtaWhenHalfDone() {
    String line = ProgressPrinter.line(new RunProgress.Snapshot(1202, 1190, 10, 0, 2), 10000, 2000);

    assertThat(line)
        .isEqualTo(
            "progress: 1200/10000 done (1190 succeeded, 10 failed, 2 running), 600/s, ETA 15s");
  }

  @Test
  void shouldNameTheCacheHitsAmongTheSuccessesWhenThereAreSome() {
    String line =
        ProgressPrinter.line(new RunProgress.Snapshot(500, 1190, 10, 0, 2), 700, 10000, 2000);

    assertThat(line)
        .isEqualTo(
            "progress: 1200/10000 done (1190 succeeded (700 from cache), 10 failed, 2 running), 600/s,"
                + " ETA 15s");
  }

  @Test
  void shouldSayHowLongItTookWhenEverythingIsDone() {
    String line = ProgressPrinter.line(new RunProgress.Snapshot(4, 3, 1, 0, 0), 4, 2000);

    assertThat(line)
        .isEqualTo("progress: 4/4 done (3 succeeded, 1 failed, 0 running), 2.0/s, took 2s");
  }

  @Test
  void shouldPrintIncreasingLogLinesWhenStderrIsNotATerminal() throws IOException {
    // given: 8 elements of 120 ms, one at a time: about a second
    Path def = dir.resolve("sleepy.def.json");
    DefinitionWriter.write(MapTask.of(new TestTasks.Sleepy()).concurrency(1).build(), def);
    Path inputs = Cli.write(dir, "in.json", "{\"x\": [120, 120, 120, 120, 120, 120, 120, 120]}");

    // when
    Cli cli =
        Cli.run(
            "run",
            "--definition",
            def.toString(),
            "--inputs",
            inputs.toString(),
            "--progress-interval",
            "PT0.1S");

    // then
    assertThat(cli.exitCode()).as(cli.err()).isEqualTo(0);
    assertThat(cli.err()).doesNotContain("\r");
    List<Long> done = new ArrayList<>();
    for (String l : cli.err().split("\n")) {
      Matcher m = LINE.matcher(l);
      if (m.matches()) {
        assertThat(m.group(2)).isEqualTo("8");
        assertThat(Long.parseLong(m.group(5))).isBetween(0L, 1L);
        done.add(Long.parseLong(m.group(1)));
      }
    }
    assertThat(done).as(cli.err()).hasSizeGreaterThanOrEqualTo(4).isSorted();
    assertThat(done.get(done.size() - 1)).isEqualTo(8);
    assertThat(done.stream().distinct().count()).as(cli.err()).isGreaterThanOrEqualTo(3);
    // The last counts (a phase line, "writing the outputs", may follow them on a slow machine).
    String last = cli.err().lines().filter(l -> l.contains(" done (")).reduce((a, b) -> b).get();
    assertThat(last)
        .startsWith("progress: 8/8 done (8 succeeded, 0 failed, 0 running)")
        .contains(", took ");
  }

  @Test
  void shouldPrintIncreasingLogLinesWhenRunningOnSparkLocal() throws IOException {
    // Beam metrics reach the driver only when a Spark job ends; the in-JVM counters do not wait.
    Path def = dir.resolve("sleepy.def.json");
    DefinitionWriter.write(MapTask.of(new TestTasks.Sleepy()).concurrency(1).build(), def);
    Path inputs = Cli.write(dir, "in.json", "{\"x\": [150, 150, 150, 150, 150, 150, 150, 150]}");

    Cli cli =
        Cli.run(
            "run",
            "--definition",
            def.toString(),
            "--inputs",
            inputs.toString(),
            "--runner",
            "SparkRunner",
            "--spark-master",
            "local[2]",
            "--progress-interval",
            "PT0.1S");

    assertThat(cli.exitCode()).as(cli.err()).isEqualTo(0);
    List<Long> done = new ArrayList<>();
    for (String l : cli.err().split("\n")) {
      Matcher m = LINE.matcher(l);
      if (m.matches()) {
        done.add(Long.parseLong(m.group(1)));
      }
    }
    assertThat(done).as(cli.err()).isSorted();
    // Several distinct counts below the total: seen while the job ran, not only at its end.
    assertThat(done.stream().filter(d -> d > 0 && d < 8).distinct().count())
        .as(cli.err())
        .isGreaterThanOrEqualTo(3);
    assertThat(done.get(done.size() - 1)).isEqualTo(8);
  }

  @Test
  void shouldRewriteOneLineWhenStderrIsATerminal() throws Exception {
    StringWriter out = new StringWriter();
    MapRunPlan plan =
        new MapRunPlan(
            "progress-test-" + System.nanoTime(),
            dir.toString(),
            MapTask.of(new TestTasks.Sleepy()).build(),
            3,
            3,
            List.of());
    RunProgress progress = RunProgress.forRun(plan.runId());
    try (ProgressPrinter printer =
        new ProgressPrinter(new PrintWriter(out), true, Duration.ofMillis(20))) {
      printer.started(plan);
      progress.started();
      progress.ended(ElementStatus.SUCCEEDED);
      Thread.sleep(100);
      progress.started();
      Thread.sleep(100);
    } finally {
      RunProgress.release(plan.runId());
    }

    String text = out.toString();
    assertThat(text)
        .startsWith("\rprogress: 1/3 done (1 succeeded, 0 failed, 0 running)")
        .contains("\rprogress: 1/3 done (1 succeeded, 0 failed, 1 running)");
    assertThat(text).endsWith("\n").doesNotContain("\n\r").containsOnlyOnce("\n");
    assertThat(text.split("\r").length).isGreaterThanOrEqualTo(3);
  }

  @Test
  void shouldPrintNoProgressWhenQuiet() throws IOException {
    Path def = dir.resolve("sleepy.def.json");
    DefinitionWriter.write(MapTask.of(new TestTasks.Sleepy()).concurrency(1).build(), def);
    Path inputs = Cli.write(dir, "in.json", "{\"x\": [100, 100, 100]}");

    Cli cli =
        Cli.run(
            "run",
            "--definition",
            def.toString(),
            "--inputs",
            inputs.toString(),
            "--progress-interval",
            "PT0.05S",
            "--quiet");

    assertThat(cli.exitCode()).as(cli.err()).isEqualTo(0);
    assertThat(cli.err()).isEmpty();
  }

  private MapRunPlan plan(long size) {
    return new MapRunPlan(
        "progress-test-" + System.nanoTime(),
        dir.toString(),
        MapTask.of(new TestTasks.Sleepy()).build(),
        size,
        size,
        List.of());
  }

  @Test
  void shouldNameEachPhaseOnceAndNeverRepeatALineWhenNothingChanges() throws Exception {
    // given: a slow start-up, an index pass, then one element that runs long and one that ends
    StringWriter out = new StringWriter();
    MapRunPlan plan = plan(2);
    RunProgress progress = RunProgress.forRun(plan.runId());
    try (ProgressPrinter printer =
        new ProgressPrinter(new PrintWriter(out), false, Duration.ofMillis(20))) {
      printer.phase("starting the SparkRunner (local[2])");
      Thread.sleep(150);
      printer.phase("indexing the inputs given by reference");
      Thread.sleep(150);
      printer.started(plan);
      Thread.sleep(150);
      progress.started();
      progress.started();
      Thread.sleep(150);
      progress.ended(ElementStatus.SUCCEEDED);
      Thread.sleep(150);
      progress.ended(ElementStatus.FAILED);
      printer.phase("writing the outputs");
      Thread.sleep(150);
    } finally {
      RunProgress.release(plan.runId());
    }

    // then: each phase once, in order, and no line twice
    List<String> lines = out.toString().lines().toList();
    assertThat(lines).doesNotHaveDuplicates();
    assertThat(lines)
        .containsSubsequence(
            "progress: starting the SparkRunner (local[2])",
            "progress: indexing the inputs given by reference",
            "progress: starting the elements, 2 elements to run",
            "progress: 0/2 done (0 succeeded, 0 failed, 2 running)",
            "progress: writing the outputs");
    assertThat(lines.stream().filter(l -> l.startsWith("progress: 1/2 done"))).hasSize(1);
    assertThat(lines.stream().filter(l -> l.startsWith("progress: 2/2 done")))
        .singleElement()
        .asString()
        .contains(", took ");
  }

  @Test
  void shouldMeasureRateAndTimeFromTheElementsNotTheRunnerStartUp() throws Exception {
    // given: 1.5 s of runner start-up, then 6 elements ending within about 0.3 s
    StringWriter out = new StringWriter();
    MapRunPlan plan = plan(6);
    RunProgress progress = RunProgress.forRun(plan.runId());
    try (ProgressPrinter printer =
        new ProgressPrinter(new PrintWriter(out), false, Duration.ofMillis(20))) {
      printer.phase("starting the DirectRunner");
      Thread.sleep(1500);
      printer.started(plan);
      for (int i = 0; i < 6; i++) {
        progress.started();
        Thread.sleep(50);
        progress.ended(ElementStatus.SUCCEEDED);
      }
      Thread.sleep(60);
    } finally {
      RunProgress.release(plan.runId());
    }

    // then: the time taken and the rate leave the start-up out
    String last = out.toString().lines().filter(l -> l.contains("6/6 done")).findFirst().get();
    Matcher m = Pattern.compile(", ([0-9.]+)/s, took (\\d+)s").matcher(last);
    assertThat(m.find()).as(last).isTrue();
    assertThat(Double.parseDouble(m.group(1))).as(last).isGreaterThan(4.0);
    assertThat(Long.parseLong(m.group(2))).as(last).isEqualTo(1);
  }

  @Test
  void shouldPrintNoProgressButTheVerdictWhenTheRunEndsWithinTheInterval() throws IOException {
    Path def = dir.resolve("sleepy.def.json");
    DefinitionWriter.write(MapTask.of(new TestTasks.Sleepy()).build(), def);
    Path inputs = Cli.write(dir, "in.json", "{\"x\": [1, 1]}");

    Cli cli =
        Cli.run(
            "run",
            "--definition",
            def.toString(),
            "--inputs",
            inputs.toString(),
            "--progress-interval",
            "PT20S");

    assertThat(cli.exitCode()).as(cli.err()).isEqualTo(0);
    assertThat(cli.err()).isEqualTo("map succeeded: 2 of 2 elements succeeded (2 required)\n");
  }
}
