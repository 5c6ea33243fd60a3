package org.flytebeam.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class BenchOptionsTest {
  @Test
  void shouldRunThreeTimesAtFullSizesWhenNoArguments() {
    Bench.Options options = Bench.parse(new String[] {});

    assertThat(options.runs()).isEqualTo(3);
    assertThat(options.quick()).isFalse();
    assertThat(options.resultsDir()).endsWithRaw(java.nio.file.Path.of("bench", "results"));
  }

  @Test
  void shouldRunOnceWhenQuickWithoutRuns() {
    assertThat(Bench.parse(new String[] {"--quick"}).runs()).isEqualTo(1);
    assertThat(Bench.parse(new String[] {"--quick", "--runs", "2"}).runs()).isEqualTo(2);
    assertThat(Bench.parse(new String[] {"--quick"}).settle()).isZero();
    assertThat(Bench.parse(new String[] {}).settle()).hasSeconds(10);
  }

  @Test
  void shouldNameTheValueWhenRunsIsInvalid() {
    assertThatThrownBy(() -> Bench.parse(new String[] {"--runs", "0"}))
        .hasMessage("--runs [0] must be at least 1");
    assertThatThrownBy(() -> Bench.parse(new String[] {"--runs", "x"}))
        .hasMessage("--runs [x] must be a whole number");
    assertThatThrownBy(() -> Bench.parse(new String[] {"--settle", "-1"}))
        .hasMessage("--settle [-1] must not be negative");
    assertThatThrownBy(() -> Bench.parse(new String[] {"--fast"}))
        .hasMessage("unknown argument [--fast]");
  }

  @Test
  void shouldReturnNullWhenHelp() {
    assertThat(Bench.parse(new String[] {"--help"})).isNull();
  }

  @Test
  void shouldRunEveryLineUnlessOnlySomeAreChosen() {
    assertThat(Bench.parse(new String[] {}).lines()).containsExactlyInAnyOrder(Bench.Line.values());
    Bench.Options only = Bench.parse(new String[] {"--only", "workflow"});
    assertThat(only.lines()).containsExactly(Bench.Line.WORKFLOW);
    assertThat(only.runs(Bench.Line.VARIANTS)).isFalse();
    assertThat(Bench.parse(new String[] {"--only", "big, container"}).lines())
        .containsExactlyInAnyOrder(Bench.Line.BIG, Bench.Line.CONTAINER);
    assertThatThrownBy(() -> Bench.parse(new String[] {"--only", "workflows"}))
        .hasMessage(
            "--only [workflows] is not a line: give one or more of [variants, big, container,"
                + " workflow, workflow-map, quickstart, java-api], separated by commas");
    assertThatThrownBy(() -> Bench.parse(new String[] {"--only"}))
        .hasMessage("--only needs a value");
  }

  @Test
  void shouldRunTheQuickStartAndJavaApiLinesAloneWhenOnlyThemAreChosen() {
    assertThat(Bench.parse(new String[] {"--only", "quickstart"}).lines())
        .containsExactly(Bench.Line.QUICKSTART);
    Bench.Options both = Bench.parse(new String[] {"--only", "java-api,quickstart", "--runs", "1"});
    assertThat(both.lines()).containsExactlyInAnyOrder(Bench.Line.JAVA_API, Bench.Line.QUICKSTART);
    assertThat(both.runs(Bench.Line.CONTAINER)).isFalse();
    assertThat(both.runs(Bench.Line.VARIANTS)).isFalse();
    assertThat(Bench.USAGE).contains("quickstart").contains("java-api");
    assertThatThrownBy(() -> Bench.parse(new String[] {"--only", "java_api"}))
        .hasMessageStartingWith("--only [java_api] is not a line");
  }
}
