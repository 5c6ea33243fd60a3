package org.flytebeam.runner;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * How many trivial process elements a run gets through: 500 elements of {@code sh -c 'echo $((x *
 * 2)) > /var/outputs/y'} through the CLI on the DirectRunner, one process per core. Prints the rate
 * (the whole {@code run} command, JVM already warm); checks every output. The same definition and
 * inputs are test resources, for the command line: {@code ./flyte-beam run --definition
 * runner/src/test/resources/containers/double.def.json --inputs
 * runner/src/test/resources/containers/double-500.inputs.json --outputs out.pb}.
 */
class ContainerThroughputTest {
  @TempDir Path dir;

  @Test
  void shouldRunFiveHundredTrivialProcessElementsAndReportTheRate() throws Exception {
    // given
    Path def = Cli.write(dir, "double.def.json", Containers.resource("double.def.json"));
    Path in = Containers.inputs(dir, "double-500.inputs.json");

    // when
    long start = System.nanoTime();
    Cli cli =
        Cli.run(
            "run",
            "--definition",
            def.toString(),
            "--inputs",
            in.toString(),
            "--outputs",
            dir.resolve("out.pb").toString());
    double seconds = (System.nanoTime() - start) / 1e9;

    // then
    assertThat(cli.exitCode()).as(cli.err()).isZero();
    List<Object> expected = new ArrayList<>();
    LongStream.range(0, 500).forEach(i -> expected.add(i * 2));
    assertThat(Inputs.plain(Containers.outputs(dir.resolve("out.pb")), "y")).isEqualTo(expected);
    System.out.printf(
        "container throughput: 500 elements in %.2f s = %.0f elements/s (%d cores)%n",
        seconds, 500 / seconds, Runtime.getRuntime().availableProcessors());
  }
}
