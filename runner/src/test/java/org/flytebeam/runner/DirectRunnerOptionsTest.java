package org.flytebeam.runner;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URL;
import java.net.URLClassLoader;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.runners.direct.DirectOptions;
import org.apache.beam.runners.direct.DirectRunner;
import org.flytebeam.beam.MapResult;
import org.flytebeam.runner.testing.RegistrationLog;
import org.flytebeam.runner.testing.TestTasks;
import org.flytebeam.spec.MapTask;
import org.flytebeam.spec.MapTaskSpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The DirectRunner's options kept between runs, and what a run sees of them. */
class DirectRunnerOptionsTest {
  private final List<MapResult> results = new ArrayList<>();

  @AfterEach
  void cleanUp() {
    results.forEach(r -> FlyteBeam.deleteLocalFolder(r.plan().workDir()));
  }

  private MapResult run(RunOptions options) {
    MapTaskSpec spec = MapTask.of(new TestTasks.Counted()).build();
    MapResult result = FlyteBeam.run(spec, Inputs.of("x", Inputs.ints(1, 2)), options);
    results.add(result);
    assertThat(result.success()).isTrue();
    assertThat(Inputs.plain(result.outputs(), "o0")).containsExactly(10L, 20L);
    return result;
  }

  @Test
  void shouldKeepOneObjectForTheSameArgumentsAndClassLoader() {
    DirectOptions first = DirectRunnerOptions.of(List.of("--jobName=kept"));
    DirectOptions again = DirectRunnerOptions.of(List.of("--jobName=kept"));

    assertThat(again).isSameAs(first);
    assertThat(again.getRunner()).isEqualTo(DirectRunner.class);
    assertThat(again.isBlockOnRun()).isTrue();
  }

  @Test
  void shouldGiveOtherArgumentsTheirOwnOptionsAndKeepTheFirstUnchanged() {
    DirectOptions a = DirectRunnerOptions.of(List.of("--jobName=a", "--tempLocation=/tmp/a"));
    DirectOptions b = DirectRunnerOptions.of(List.of("--jobName=b"));
    DirectOptions aAgain = DirectRunnerOptions.of(List.of("--jobName=a", "--tempLocation=/tmp/a"));

    assertThat(b).isNotSameAs(a);
    assertThat(b.getJobName()).isEqualTo("b");
    assertThat(aAgain).isSameAs(a);
    assertThat(aAgain.getJobName()).isEqualTo("a");
    assertThat(aAgain.getTempLocation()).isEqualTo("/tmp/a");
    assertThat(b.getTempLocation()).isNull();
  }

  @Test
  void shouldGiveAnotherContextClassLoaderItsOwnOptions() throws Exception {
    DirectOptions here = DirectRunnerOptions.of(List.of("--jobName=loader"));
    Thread thread = Thread.currentThread();
    ClassLoader previous = thread.getContextClassLoader();
    try (URLClassLoader other = new URLClassLoader(new URL[0], previous)) {
      thread.setContextClassLoader(other);
      DirectOptions there = DirectRunnerOptions.of(List.of("--jobName=loader"));

      assertThat(there).isNotSameAs(here);
    } finally {
      thread.setContextClassLoader(previous);
    }
    assertThat(DirectRunnerOptions.of(List.of("--jobName=loader"))).isSameAs(here);
  }

  @Test
  void shouldRegisterFileSystemsOnceForRunsWithTheSameOptions() {
    RunOptions options = RunOptions.defaults().withBeamArgs(List.of("--jobName=same-twice"));
    run(options);
    int afterFirst = RegistrationLog.JOB_NAMES.size();
    DirectOptions kept = DirectRunnerOptions.of(options.beamArgs());
    int revision = kept.revision();

    run(options);

    assertThat(RegistrationLog.JOB_NAMES.subList(afterFirst, RegistrationLog.JOB_NAMES.size()))
        .isEmpty();
    // A run changes nothing in the kept options (or Beam would register again next time).
    assertThat(kept.revision()).isEqualTo(revision);
  }

  @Test
  void shouldRegisterFileSystemsWithEachRunsOwnOptions() {
    run(RunOptions.defaults().withBeamArgs(List.of("--jobName=first")));
    int before = RegistrationLog.JOB_NAMES.size();

    run(RunOptions.defaults().withBeamArgs(List.of("--jobName=second")));
    List<String> second =
        List.copyOf(RegistrationLog.JOB_NAMES.subList(before, RegistrationLog.JOB_NAMES.size()));
    int middle = RegistrationLog.JOB_NAMES.size();
    run(RunOptions.defaults().withBeamArgs(List.of("--jobName=first")));
    List<String> third =
        List.copyOf(RegistrationLog.JOB_NAMES.subList(middle, RegistrationLog.JOB_NAMES.size()));

    assertThat(second).isNotEmpty().containsOnly("second");
    assertThat(third).isNotEmpty().containsOnly("first");
  }
}
