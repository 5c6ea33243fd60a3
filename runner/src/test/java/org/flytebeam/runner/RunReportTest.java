package org.flytebeam.runner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.flytebeam.examples.FailOnTwo;
import org.flytebeam.examples.Square;
import org.flytebeam.idl.DefinitionWriter;
import org.flytebeam.spec.MapTask;
import org.flytebeam.spec.MapTaskSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --report} and {@code --summary}: written whether the map fails or not, and readable. */
class RunReportTest {
  @TempDir Path dir;

  private Cli run(MapTaskSpec spec, String inputs, String... more) throws IOException {
    Path def = dir.resolve("def.json");
    DefinitionWriter.write(spec, def);
    Path in = Cli.write(dir, "in.json", inputs);
    String[] args = new String[6 + more.length];
    System.arraycopy(
        new String[] {"run", "--definition", def.toString(), "--inputs", in.toString(), "--quiet"},
        0, args, 0, 6);
    System.arraycopy(more, 0, args, 6, more.length);
    return Cli.run(args);
  }

  @Test
  void shouldWriteSummaryWithCountsFailuresAndElementsWhenTheMapFails() throws IOException {
    // given: every element required, x = 2 fails, every element runs
    Path summary = dir.resolve("out/summary.json");

    // when
    Cli cli =
        run(MapTask.of(new FailOnTwo()).runAllSubNodes(true).build(), "{\"x\": [1, 2, 3, 4]}", "--summary", summary.toString());

    // then
    assertThat(cli.exitCode()).as(cli.err()).isEqualTo(1);
    JsonNode s = new ObjectMapper().readTree(summary.toFile());
    assertThat(s.get("schemaVersion").asInt()).isEqualTo(1);
    assertThat(s.at("/definition/subTask").asText()).isEqualTo("fail_on_two");
    assertThat(s.at("/definition/inputs/0/name").asText()).isEqualTo("x");
    assertThat(s.at("/definition/parallelism").isNull()).isTrue();
    assertThat(s.at("/outcome/success").asBoolean()).isFalse();
    assertThat(s.at("/outcome/succeeded").asLong()).isEqualTo(3);
    assertThat(s.at("/outcome/failed").asLong()).isEqualTo(1);
    assertThat(s.at("/outcome/required").asLong()).isEqualTo(4);
    assertThat(s.at("/outcome/arithmetic").asText())
        .isEqualTo("succeeded 3 of 4, required ceil(1.0 × 4) = 4");
    assertThat(s.at("/failures/groups/0/indexRanges").asText()).isEqualTo("[1]");
    assertThat(s.at("/failures/groups/0/message").asText())
        .isEqualTo("IllegalArgumentException: x must not be 2");
    assertThat(s.at("/elements/status").asText()).isEqualTo("SFSS");
    assertThat(s.at("/elements/error").toString()).isEqualTo("[-1,0,-1,-1]");
    assertThat(s.at("/elements/attempts").toString()).isEqualTo("[1,1,1,1]");
    assertThat(s.at("/durations/count").asLong()).isEqualTo(4);
    assertThat(s.at("/durations/histogram/counts").size()).isEqualTo(RunReport.HISTOGRAM_BUCKETS);
    long histogramTotal = 0;
    for (JsonNode c : s.at("/durations/histogram/counts")) {
      histogramTotal += c.asLong();
    }
    assertThat(histogramTotal).isEqualTo(4);
    assertThat(s.at("/concurrency/peak").asInt()).isBetween(1, 4);
  }

  @Test
  void shouldShowTheRatioArithmeticWhenARatioIsSet() throws IOException {
    Path summary = dir.resolve("summary.json");
    Path report = dir.resolve("report.html");

    Cli cli =
        run(MapTask.of(new FailOnTwo()).minSuccessRatio(0.75f).concurrency(2).build(),
            "{\"x\": [1, 2, 3, 4]}", "--summary", summary.toString(), "--report", report.toString());

    assertThat(cli.exitCode()).as(cli.err()).isEqualTo(0);
    JsonNode s = new ObjectMapper().readTree(summary.toFile());
    assertThat(s.at("/outcome/arithmetic").asText())
        .isEqualTo("succeeded 3 of 4, required ceil(0.75 × 4) = 3");
    assertThat(s.at("/definition/parallelism").asInt()).isEqualTo(2);
    assertThat(s.at("/definition/successCriteria/minSuccessRatio").asDouble()).isEqualTo(0.75);
    assertThat(Files.readString(report)).contains("succeeded 3 of 4, required ceil(0.75 × 4) = 3");
  }

  @Test
  void shouldFailWithOneLineAndKeepTheOutputsWhenTheReportCannotBeWritten() throws IOException {
    Path blocker = Files.writeString(dir.resolve("blocker"), "a file, not a folder");
    Path outputs = dir.resolve("out.json");

    Cli cli =
        run(MapTask.of(new Square()).build(), "{\"x\": [1, 2]}", "--outputs", outputs.toString(),
            "--report", blocker.resolve("report.html").toString());

    assertThat(cli.exitCode()).isEqualTo(3);
    assertThat(cli.errWithoutProgress())
        .startsWith("error: cannot write --report [")
        .doesNotContain("\tat ");
    assertThat(cli.errWithoutProgress().lines().count()).isEqualTo(1);
    assertThat(outputs).exists();
  }

  @Test
  void shouldKeepMarkupInErrorsInertWhenEmbeddingThem() throws IOException {
    RunReport.Json json = new RunReport.Json();
    json.open('[').str("</script><b>").close(']');

    assertThat(json.toString()).isEqualTo("[\"\\u003c/script\\u003e\\u003cb\\u003e\"]");
    assertThat(HtmlReport.esc("<b>&\"")).isEqualTo("&lt;b&gt;&amp;&quot;");
  }

  @Test
  void shouldRenderTheReportOfAFailedRunInABrowser() throws Exception {
    // CI installs chromium (.ci/run); elsewhere the test is skipped without it.
    assumeTrue(Chromium.available() || System.getenv("CI") != null, "no " + Chromium.BINARY);
    Path report = dir.resolve("report.html");
    Cli cli =
        run(MapTask.of(new FailOnTwo()).runAllSubNodes(true).build(), "{\"x\": [1, 2, 3, 4]}", "--report", report.toString());
    assertThat(cli.exitCode()).as(cli.err()).isEqualTo(1);
    assertThat(Files.readString(report)).doesNotContain("http://", "https://", "src=", "href=");

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
            "<tr><td>1</td><td>FAILED</td><td>1</td>",
            "<td class=\"err\">IllegalArgumentException: x must not be 2</td></tr>")
        .contains("<tr><td>3</td><td>SUCCEEDED</td><td>1</td>")
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
        run(MapTask.of(new Square()).build(), "{\"x\": [" + xs + "]}", "--report", report.toString(),
            "--outputs", outputs.toString());
    assertThat(cli.exitCode()).as(cli.err()).isEqualTo(0);
    // Columns, not rows: well under 100 bytes per element.
    assertThat(Files.size(report)).isLessThan(20_000L * 40);

    String dom = Chromium.dumpDom(report, dir);

    assertThat(dom).contains("page 1 of 200 (20000 elements)");
    String body = dom.substring(dom.indexOf("<tbody><tr><td>0</td>"));
    body = body.substring(0, body.indexOf("</tbody>"));
    assertThat(body.split("<tr>", -1).length - 1).isEqualTo(100);
    assertThat(dom).contains("<tr><td>99</td><td>SUCCEEDED</td>").doesNotContain("<tr><td>100</td>");
  }
}
