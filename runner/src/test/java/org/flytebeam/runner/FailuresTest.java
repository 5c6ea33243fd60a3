package org.flytebeam.runner;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import org.flytebeam.InvalidDefinitionException;
import org.flytebeam.exec.AttemptFailedException;
import org.flytebeam.exec.FailureKind;
import org.junit.jupiter.api.Test;

/** The one mapping of failures to exit codes and {@code error:} lines, for every command. */
class FailuresTest {

  @Test
  void shouldMapEachFailureTypeToItsExitCode() {
    assertThat(Failures.exitCode(new InvalidDefinitionException("bad"))).isEqualTo(2);
    assertThat(Failures.exitCode(new AttemptFailedException(FailureKind.NON_RECOVERABLE, "boom")))
        .isEqualTo(1);
    assertThat(Failures.exitCode(new InfrastructureException("lost", null))).isEqualTo(3);
    assertThat(Failures.exitCode(new OutOfMemoryError("Java heap space"))).isEqualTo(3);
    assertThat(Failures.exitCode(new IllegalStateException("bug"))).isEqualTo(3);
  }

  @Test
  void shouldSayTheRootCauseOfAnUnexpectedFailureInOneLine() {
    // given
    StringWriter err = new StringWriter();
    RuntimeException e =
        new UncheckedIOException("wrapped", new IOException("disk full\n  at somewhere"));

    // when
    int code = Failures.report(new PrintWriter(err, true), e, false);

    // then
    assertThat(code).isEqualTo(ExitCode.INFRASTRUCTURE);
    assertThat(err.toString())
        .startsWith("error: unexpected failure: IOException: disk full")
        .doesNotContain("\tat ");
  }

  @Test
  void shouldPutTheContextBeforeTheMessageAndTheTraceOnlyWhenVerbose() {
    StringWriter quiet = new StringWriter();
    StringWriter verbose = new StringWriter();
    InvalidDefinitionException e = new InvalidDefinitionException("input [x] is missing");

    Failures.report(new PrintWriter(quiet, true), "task [t] failed: ", e, false);
    Failures.report(new PrintWriter(verbose, true), "task [t] failed: ", e, true);

    assertThat(quiet.toString()).isEqualTo("error: task [t] failed: input [x] is missing\n");
    assertThat(verbose.toString())
        .startsWith("error: task [t] failed: input [x] is missing\n")
        .contains("\tat ");
  }

  @Test
  void shouldSayHowToGetMoreMemoryWhenTheDriverRunsOut() {
    assertThat(Failures.message(new OutOfMemoryError("Java heap space")))
        .isEqualTo(
            "the driver ran out of memory (Java heap space): for big outputs use --outputs-dir,"
                + " else give the JVM more heap (FLYTE_BEAM_JAVA_OPTS=-Xmx4g)");
  }

  @Test
  void shouldMapUsageErrorsOfEveryCommandToTwoWithWhereToReadTheHelp() {
    // --definition is the one option run always needs (--inputs is optional for a workflow).
    Cli run = Cli.run("run", "--inputs", "i.json");
    Cli describe = Cli.run("describe");
    Cli execute = Cli.run("execute", "--task", "t");

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err())
        .startsWith("error: Missing required option")
        .contains("(see flyte-beam run --help)");
    assertThat(describe.exitCode()).isEqualTo(2);
    assertThat(describe.err()).contains("(see flyte-beam describe --help)");
    assertThat(execute.exitCode()).isEqualTo(2);
    assertThat(execute.err()).contains("(see flyte-beam execute --help)");
    assertThat(Cli.run("--bogus").err()).contains("(see flyte-beam --help)");
  }
}
