package org.flytebeam.runner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.flytebeam.examples.FailOnTwo;
import org.flytebeam.examples.Square;
import org.flytebeam.runner.testing.TestTasks;
import org.flytebeam.spec.MapTask;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The HTML report of a run as headless Chromium renders it (a browser process per page): counts,
 * charts, failure groups and the paged element table, which the page's script draws. CI installs
 * chromium (.ci/run); elsewhere these tests are skipped without it.
 */
class RunReportBrowserIT {
  @TempDir Path dir;

  @Test
  void shouldRenderTheReportOfAFailedRunInABrowser() throws Exception {
    // CI installs chromium (.ci/run); elsewhere the test is skipped without it.
    assumeTrue(Chromium.available() || System.getenv("CI") != null, "no " + Chromium.BINARY);
    Path report = dir.resolve("report.html");
    Cli cli =
        RunReportTest.run(
            dir,
            MapTask.of(new FailOnTwo()).runAllSubNodes(true).build(),
            "{\"x\": [1, 2, 3, 4]}",
            "--report",
            report.toString());
    assertThat(cli.exitCode()).as(cli.err()).isEqualTo(1);
    // Nothing fetched: the only links are to the page's own rows.
    assertThat(Files.readString(report))
        .doesNotContain("http://", "https://", "src=")
        .doesNotContainPattern("href=\"[^#]");

    String dom = Chromium.dumpDom(report, dir);
    Path png = dir.resolve("report.png");
    Chromium.screenshot(report, png, dir);

    // Counts and verdict (server-rendered), the definition and charts (drawn by the script).
    assertThat(dom).contains("map failed: 3 of 4 elements succeeded, 4 required");
    assertThat(dom).contains("<div class=\"n\">3</div><div class=\"l\">succeeded</div>");
    assertThat(dom).contains("<div class=\"n\">1</div><div class=\"l\">failed</div>");
    assertThat(dom).contains("succeeded 3 of 4, required ceil(1.0 × 4) = 4");
    assertThat(dom).contains("<th>mapped inputs</th><td>x: List[int]</td>");
    assertThat(dom).contains("[1]: IllegalArgumentException: x must not be 2");
    assertThat(dom).containsPattern("<svg[^>]*>.*<rect");
    // The element table, drawn by the script: the failed row with its error.
    assertThat(dom)
        .contains(
            "<tr id=\"e1\"><td>1</td><td><span class=\"badge st-F\">FAILED</span></td><td>1</td>",
            "<td class=\"err\">IllegalArgumentException: x must not be 2</td>")
        .contains("<tr id=\"e3\"><td>3</td><td><span class=\"badge st-S\">SUCCEEDED</span></td>")
        .contains("page 1 of 1 (4 elements)");
    assertThat(Files.size(png)).isGreaterThan(10_000);
  }

  @Test
  void shouldPageTheElementTableWhenThereAreManyElements() throws Exception {
    assumeTrue(Chromium.available() || System.getenv("CI") != null, "no " + Chromium.BINARY);
    Path report = dir.resolve("big.html");
    StringBuilder xs = new StringBuilder();
    for (int i = 0; i < 20_000; i++) {
      xs.append(i == 0 ? "" : ",").append(i);
    }
    Path outputs = dir.resolve("out.pb");
    Cli cli =
        RunReportTest.run(
            dir,
            MapTask.of(new Square()).build(),
            "{\"x\": [" + xs + "]}",
            "--report",
            report.toString(),
            "--outputs",
            outputs.toString());
    assertThat(cli.exitCode()).as(cli.err()).isEqualTo(0);
    // Columns, not rows: well under 100 bytes per element.
    assertThat(Files.size(report)).isLessThan(20_000L * 40);

    String dom = Chromium.dumpDom(report, dir);

    assertThat(dom).contains("page 1 of 200 (20000 elements)");
    String body = dom.substring(dom.indexOf("<tbody><tr id=\"e0\"><td>0</td>"));
    body = body.substring(0, body.indexOf("</tbody>"));
    assertThat(body.split("<tr ", -1).length - 1).isEqualTo(100);
    assertThat(dom)
        .contains("<tr id=\"e99\"><td>99</td><td><span class=\"badge st-S\">SUCCEEDED</span>")
        .doesNotContain("<tr id=\"e100\">");
  }

  @Test
  void shouldShowGroupsWithExamplesHistoryInputsAndTheRunInABrowser() throws Exception {
    assumeTrue(Chromium.available() || System.getenv("CI") != null, "no " + Chromium.BINARY);
    // given: x = 1..400, the multiples of 7 fail with "bad input <x>", at most 4 at once
    Path report = dir.resolve("report.html");
    StringBuilder xs = new StringBuilder();
    for (int i = 1; i <= 400; i++) {
      xs.append(i == 1 ? "" : ",").append(i);
    }
    Cli cli =
        RunReportTest.run(
            dir,
            MapTask.of(new TestTasks.BadInput()).concurrency(4).minSuccessRatio(0.8f).build(),
            "{\"x\": [" + xs + "]}",
            "--report",
            report.toString());
    assertThat(cli.exitCode()).as(cli.err()).isEqualTo(0);

    // when
    String dom = Chromium.dumpDom(report, dir);
    Path png = dir.resolve("report.png");
    Chromium.screenshot(report, png, dir);
    String keep = System.getProperty("flytebeam.report.screenshot");
    if (keep != null) {
      Files.copy(png, Path.of(keep), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }

    // then: the run, its command line and versions
    assertThat(dom)
        .containsPattern("run [0-9a-f-]{36} · DirectRunner · started 20")
        .containsPattern("flyte-beam 0\\.1\\.0(-SNAPSHOT)?, Beam 2\\.")
        .contains(", Spark 3.", ", Java 17")
        .containsPattern("<pre id=\"command\">flyte-beam run --definition \\S+def.json --inputs");
    // one failure group of 57 elements, its examples with stack traces, a link to its rows
    assertThat(dom)
        .contains("IllegalArgumentException: bad input &lt;n&gt;</b>")
        .contains("(57 elements)")
        .contains("element 6: IllegalArgumentException: bad input 7")
        .contains("at org.flytebeam.runner.testing.TestTasks$BadInput.checked(")
        .contains("<a href=\"#group-0\" class=\"group-link\" data-group=\"0\">show its rows</a>");
    // the link shows the group's rows only
    String group = Chromium.dumpDom(report, "group-0", dir);
    assertThat(group)
        .contains("showing the 57 listed elements of failure group [6][13][20]")
        .contains("page 1 of 1 (57 elements)")
        .contains("<tr id=\"e6\">", "<tr id=\"e13\">", "<tr id=\"e398\">")
        .doesNotContain("<tr id=\"e0\">", "<tr id=\"e7\">");
    // the histogram's axes and log-scale switch, the concurrency within the parallelism
    assertThat(dom)
        .contains("id=\"logscale\"")
        .contains("class=\"ytick\"")
        .contains("class=\"xtick\"");
    assertThat(dom).containsPattern("peak [1-4] running at once, parallelism 4");
    // linear ticks at round numbers up to the tallest bar; on the log scale, powers of ten
    assertThat(dom)
        .contains("class=\"ytick\">100</text>")
        .doesNotContain("class=\"ytick\">10</text>");
    String log = Chromium.dumpDom(report, "log", dir);
    assertThat(log)
        .contains(
            "class=\"ytick\">1</text>", "class=\"ytick\">10</text>", "class=\"ytick\">100</text>");
    // rows: status colours, inputs, the attempt history with the stack trace
    assertThat(dom)
        .contains("<tr id=\"e6\"><td>6</td><td><span class=\"badge st-F\">FAILED</span>")
        .contains("<td class=\"in\">x=int 7</td>")
        .contains(
            "<summary>1 failed attempt</summary><div>attempt 1: IllegalArgumentException: bad input 7</div>")
        .contains("<span class=\"badge st-S\">SUCCEEDED</span>");
    assertThat(Files.size(png)).isGreaterThan(10_000);
  }
}
