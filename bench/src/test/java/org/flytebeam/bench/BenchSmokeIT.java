package org.flytebeam.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.flytebeam.bench.variants.BenchFunction;
import org.junit.jupiter.api.Test;

/**
 * The benchmark end to end at smoke sizes: every variant runs as its own process (the flyte-beam
 * CLI from the shaded jar on both runners, plain Beam, Spark RDD, raw stream), their checksums
 * agree, and the report has every variant.
 */
class BenchSmokeIT {
  private static final Path ROOT =
      Path.of(System.getProperty("bench.root", "..")).toAbsolutePath().normalize();

  @Test
  void shouldAgreeOnEveryChecksumAndReportEveryVariantWhenQuick() throws Exception {
    // given
    Path results = ROOT.resolve("bench/target/it-results");
    ByteArrayOutputStream progress = new ByteArrayOutputStream();

    // when
    Bench.Outcome outcome =
        Bench.run(
            Bench.Options.quick(ROOT, results),
            new PrintStream(progress, true, StandardCharsets.UTF_8));

    // then
    Report report = outcome.report();
    assertThat(report.checksumsAgree()).as(report.checksumProblems().toString()).isTrue();
    assertThat(report.tables()).hasSize(2);
    for (Report.Table t : report.tables()) {
      assertThat(t.rows()).extracting(Report.Row::variant).containsExactly(Variant.values());
    }
    // 7 variants x 2 workloads x 2 sizes, each a process with its own checksum.
    assertThat(report.measurements()).hasSize(28);
    // 9 of the variants, the workflow and workflow-map lines' on both runners, the quick start's
    // wall and CPU, the container's against xargs, the Java API's.
    assertThat(report.budgets()).hasSize(17);
    String markdown = Files.readString(outcome.markdown());
    for (Variant v : Variant.values()) {
      assertThat(markdown).contains("| " + v.id() + " |");
    }
    assertThat(markdown).contains("Correctness: every variant's checksum agrees");
    assertThat(Files.readString(outcome.json())).contains("\"checksumsAgree\" : true");
    assertThat(progress.toString(StandardCharsets.UTF_8)).contains("flyte-beam-spark");
    // The big line: JSON Lines in, --outputs-dir out, -Xmx512m, its shards checked.
    Report.Big big = report.big().orElseThrow();
    assertThat(big.n()).isEqualTo(Bench.BIG_QUICK_N);
    assertThat(big.wallSeconds()).isPositive();
    assertThat(big.cpuSeconds()).isPositive();
    assertThat(big.peakRssBytes()).isPositive();
    assertThat(big.checksum())
        .isEqualTo(Bench.expectedChecksum(BenchFunction.SQUARE, Bench.BIG_QUICK_N));
    assertThat(markdown).contains("| big: flyte-beam-spark, whole process `-Xmx512m` | 20k | ");
    assertThat(Files.readString(outcome.json())).contains("\"big\" : {");
    // The container line: one process per element, every output checked.
    Report.Big container = report.container().orElseThrow();
    assertThat(container.n()).isEqualTo(Bench.CONTAINER_QUICK_N);
    assertThat(container.checksum())
        .isEqualTo(new Checksum(Bench.CONTAINER_QUICK_N, (long) Bench.CONTAINER_QUICK_N * 19, 0));
    assertThat(markdown).contains("| container: flyte-beam-direct | 20 | ");
    // Its twin: the same sh -c invocations through xargs, in the same run, every file checked.
    Report.Big xargs = report.containerTwin().orElseThrow();
    assertThat(xargs.n()).isEqualTo(Bench.CONTAINER_QUICK_N);
    assertThat(xargs.checksum()).isEqualTo(container.checksum());
    assertThat(markdown)
        .contains("flyte-beam / xargs, elements per second, whole process at N = 20: ")
        .contains("After start-up (N = 5 to 20): flyte-beam ");
    // The container line at its smaller size too: the rate after start-up is between the two.
    assertThat(markdown).contains("| container: flyte-beam-direct | 5 | ");
    assertThat(Files.readString(outcome.json())).contains("\"flyteBeamOverTwinRateAfterStartup\"");
    // The quick start through the launcher (outputs checked) against plain Beam over 2 elements.
    assertThat(report.quickstart().orElseThrow().checksum()).isEqualTo(new Checksum(2, 0, 0));
    assertThat(report.quickstartTwin().orElseThrow().checksum())
        .isEqualTo(Bench.expectedChecksum(BenchFunction.SQUARE, 2));
    assertThat(markdown).contains("Quick start / plain Beam: wall ");
    // The Java API: one JVM, its calls' outputs checked inside, its median read.
    Report.JavaApi javaApi = report.javaApi().orElseThrow();
    assertThat(javaApi.calls()).isEqualTo(Bench.JAVA_API_QUICK_CALLS);
    assertThat(javaApi.medianMillis()).isPositive();
    assertThat(Files.readString(outcome.json())).contains("\"javaApi\" : {");
    // The workflow line: the 5-node workflow and the map alone, on both runners, outputs checked.
    assertThat(report.workflow())
        .extracting(Report.WorkflowLine::runner)
        .containsExactly(Variant.FLYTE_BEAM_DIRECT, Variant.FLYTE_BEAM_SPARK);
    for (Report.WorkflowLine w : report.workflow()) {
      assertThat(w.n()).isEqualTo(Bench.WORKFLOW_QUICK_N);
      assertThat(w.mapSeconds()).isPositive();
      assertThat(w.workflowSeconds()).isPositive();
    }
    assertThat(markdown).contains("#### Workflow: 5 nodes around a map of 2k");
    assertThat(Files.readString(outcome.json())).contains("\"workflow\" : [");
    // The workflow-map line: the map over a launch plan and its three chained maps, both runners,
    // every run's outputs checked element by element (a wrong list fails the run above).
    assertThat(report.workflowMap())
        .extracting(Report.WorkflowLine::runner)
        .containsExactly(Variant.FLYTE_BEAM_DIRECT, Variant.FLYTE_BEAM_SPARK);
    for (Report.WorkflowLine w : report.workflowMap()) {
      assertThat(w.n()).isEqualTo(Bench.WORKFLOW_MAP_QUICK_N);
      assertThat(w.mapSeconds()).isPositive();
      assertThat(w.workflowSeconds()).isPositive();
    }
    assertThat(markdown).contains("#### Workflow map: a map of 200 over a launch plan");
    assertThat(Files.readString(outcome.json())).contains("\"workflowMap\" : [");
    // Its work files (items, shards) are gone with the rest of the work folder.
    Matcher work =
        Pattern.compile("work folder (\\S+)").matcher(progress.toString(StandardCharsets.UTF_8));
    assertThat(work.find()).isTrue();
    assertThat(Path.of(work.group(1))).doesNotExist();
  }
}
