package org.flytebeam.runner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.flytebeam.runner.Containers.outputs;
import static org.flytebeam.runner.Containers.vars;

import flyteidl.core.Tasks.TaskTemplate;
import java.nio.file.Path;
import java.util.List;
import org.flytebeam.types.LiteralTypes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Java tasks run as processes, as a {@code java-task} template's container runs them: each element
 * a child JVM running {@code flyte-beam execute}, under a map run in this JVM.
 */
class ExecuteCommandIT {
  @TempDir Path dir;

  private Cli run(Path definition, Path inputs) {
    return Cli.run(
        "run",
        "--definition",
        definition.toString(),
        "--inputs",
        inputs.toString(),
        "--outputs",
        dir.resolve("out.pb").toString(),
        "--quiet");
  }

  private List<Object> plain(String output) throws Exception {
    return Inputs.plain(outputs(dir.resolve("out.pb")), output);
  }

  @Test
  void shouldRunAJavaTaskAsAProcessThroughTheExecuteCommand() throws Exception {
    // given: the container args a java-task template holds, run by a plain java command line
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    TaskTemplate t =
        Containers.withoutDataConfig(
            Containers.withArgs(
                Containers.rawContainer(
                    "counted-process",
                    vars("x", LiteralTypes.of(Long.class)),
                    vars("o0", LiteralTypes.of(Long.class)),
                    ""),
                List.of(
                    java,
                    "-cp",
                    System.getProperty("java.class.path"),
                    "org.flytebeam.runner.Main",
                    "execute",
                    "--task",
                    "test_counted",
                    "--inputs",
                    "{{.input}}",
                    "--output-prefix",
                    "{{.outputPrefix}}",
                    "--raw-output-data-prefix",
                    "{{.rawOutputDataPrefix}}",
                    "--checkpoint-path",
                    "{{.checkpointOutputPrefix}}",
                    "--prev-checkpoint",
                    "{{.prevCheckpointPrefix}}")));
    Path def = Containers.mapOver(dir, "java.def.json", Containers.retries(2).apply(t));
    Path in = Cli.write(dir, "in.json", "{\"x\": [1, -2, 3]}");

    // when: the whole input map is {{.input}}, which execute indexes by the array index
    Cli cli = run(def, in);

    // then: the failure is non-recoverable (one attempt), as for an in-process Java task
    assertThat(cli.exitCode()).isEqualTo(ExitCode.MAP_FAILED);
    assertThat(plain("o0")).containsExactly(10L, null, 30L);
    assertThat(cli.err()).contains("  [1]: IllegalStateException: negative: -2");
  }

  @Test
  void shouldGiveAJavaTaskRunAsAProcessItsElementsIndex() throws Exception {
    // given: test_index_check fails unless its item equals the index its context says
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    TaskTemplate t =
        Containers.withoutDataConfig(
            Containers.withArgs(
                Containers.rawContainer(
                    "check-process", vars("x", LiteralTypes.of(Long.class)), vars(), ""),
                List.of(
                    java,
                    "-cp",
                    System.getProperty("java.class.path"),
                    "org.flytebeam.runner.Main",
                    "execute",
                    "--task",
                    "test_index_check",
                    "--inputs",
                    "{{.input}}",
                    "--output-prefix",
                    "{{.outputPrefix}}")));
    Path def = Containers.mapOver(dir, "java.def.json", t);
    Path x = Cli.write(dir, "x.jsonl", "0\n1\n2\n");

    Cli cli = run(def, Cli.write(dir, "in.json", "{\"x\": {\"uri\": \"" + x + "\"}}"));

    assertThat(cli.exitCode()).as(cli.err()).isZero();
  }
}
