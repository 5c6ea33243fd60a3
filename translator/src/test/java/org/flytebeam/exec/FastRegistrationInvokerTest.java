package org.flytebeam.exec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import flyteidl.core.IdentifierOuterClass.ResourceType;
import flyteidl.core.Interface.TypedInterface;
import flyteidl.core.Interface.Variable;
import flyteidl.core.Interface.VariableMap;
import flyteidl.core.Literals.Literal;
import flyteidl.core.Literals.LiteralMap;
import flyteidl.core.Tasks.Container;
import flyteidl.core.Tasks.TaskMetadata;
import flyteidl.core.Tasks.TaskTemplate;
import flyteidl.core.Workflow.ArrayNode.DataMode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.UUID;
import org.flytebeam.InvalidDefinitionException;
import org.flytebeam.exec.process.FastRegistration;
import org.flytebeam.spec.MapTaskSpec;
import org.flytebeam.spec.SubTask;
import org.flytebeam.spec.TaskId;
import org.flytebeam.types.LiteralTypes;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A fast-registered task's placeholders: {@code {{ .remote_package_path }}} is the run's code
 * bundle, {@code {{ .dest_dir }}} a fresh folder per attempt that is gone after it; no bundle is
 * refused before the run.
 */
class FastRegistrationInvokerTest {
  @TempDir Path dir;

  private final String runId = "fast-" + UUID.randomUUID();

  @AfterEach
  void release() {
    RunControl.release(runId);
  }

  /**
   * A task whose script records its two arguments and what the destination folder holds, in its
   * outputs; attempt 0 fails (recoverable) so that a second attempt runs.
   */
  private static TaskTemplate recorder(Path log) {
    String script =
        "printf '%s %s %s\\n' \"$1\" \"$2\" \"$(ls -A \"$2\" | wc -l)\" >> "
            + log
            + "; touch \"$2/unpacked\"; [ \"$FLYTE_ATTEMPT_NUMBER\" = 0 ] && exit 3;"
            + " : > \"$3/outputs.pb\"";
    return TaskTemplate.newBuilder()
        .setId(TaskId.of("fast").toProto(ResourceType.TASK))
        .setType("python-task")
        .setMetadata(TaskMetadata.getDefaultInstance())
        .setInterface(
            TypedInterface.newBuilder()
                .setInputs(
                    VariableMap.newBuilder()
                        .putVariables(
                            "x",
                            Variable.newBuilder().setType(LiteralTypes.of(Long.class)).build())))
        .setContainer(
            Container.newBuilder()
                .addArgs("sh")
                .addArgs("-c")
                .addArgs(script)
                .addArgs("script")
                .addArgs("{{ .remote_package_path }}")
                .addArgs("{{ .dest_dir }}")
                .addArgs("{{.outputPrefix}}"))
        .build();
  }

  private InvokerContext context(TaskTemplate template, ProcessSettings settings) throws Exception {
    Path inputs = Files.createDirectories(dir.resolve("run")).resolve("inputs.pb");
    Files.write(inputs, LiteralMap.getDefaultInstance().toByteArray());
    return new InvokerContext(
        SubTask.of(template, template.getInterface(), OptionalInt.empty()),
        MapTaskSpec.Form.ARRAY_NODE,
        DataMode.INDIVIDUAL_INPUT_FILES,
        "map_fast",
        runId,
        dir.resolve("run").toString(),
        inputs.toString(),
        settings);
  }

  @Test
  void shouldRenderTheBundleAndAFreshDestinationPerAttemptRemovedAfterIt() throws Exception {
    Path bundle = Files.write(dir.resolve("fast0123.tar.gz"), new byte[] {1, 2, 3});
    Path log = dir.resolve("log");
    ContainerInvoker invoker =
        new ContainerInvoker(
            context(recorder(log), ProcessSettings.defaults().withFastBundle(bundle.toString())));
    Map<String, Literal> inputs = Map.of("x", org.flytebeam.types.Literals.of(1L));

    assertThatThrownBy(() -> invoker.invoke(4, 0, inputs, Optional.empty()))
        .isInstanceOf(AttemptFailedException.class);
    assertThat(invoker.invoke(4, 1, inputs, Optional.empty())).isEmpty();

    List<String> lines = Files.readAllLines(log);
    assertThat(lines).hasSize(2);
    String[] first = lines.get(0).split(" ");
    String[] second = lines.get(1).split(" ");
    assertThat(first[0]).isEqualTo(bundle.toString());
    assertThat(second[0]).isEqualTo(bundle.toString());
    // Each attempt had a fresh destination, empty when it started (the first attempt's "unpacked"
    // file is not in the second's, which may have the same path: a worker's attempt folders are
    // used again), inside the run's attempt folders, gone after it.
    assertThat(first[2]).isEqualTo("0");
    assertThat(second[2]).isEqualTo("0");
    for (String dest : List.of(first[1], second[1])) {
      assertThat(Path.of(dest)).doesNotExist();
      assertThat(Path.of(dest).startsWith(dir.resolve("run").resolve("attempts"))).isTrue();
    }
    // The bundle itself is the run's, untouched.
    assertThat(Files.readAllBytes(bundle)).containsExactly(1, 2, 3);
  }

  @Test
  void shouldRefuseAFastRegisteredTaskWithoutABundleBeforeTheRun() throws Exception {
    InvokerContext context = context(recorder(dir.resolve("log")), ProcessSettings.defaults());

    assertThatThrownBy(() -> ContainerInvoker.check(context))
        .isInstanceOf(InvalidDefinitionException.class)
        .hasMessage(
            "task [fast] is fast-registered (its container reads its code from {{"
                + " .remote_package_path }}) but no code bundle is given: pass --fast-bundle"
                + " FILE|URI (the fast*.tar.gz of pyflyte package), or run the package archive"
                + " that holds it");
    assertThat(dir.resolve("log")).doesNotExist();
  }

  @Test
  void shouldSayOnceHowManyTasksLackTheBundle() {
    assertThat(FastRegistration.missingBundle(List.of("a", "b", "c")).orElseThrow())
        .startsWith("task [a] (and 2 more) is fast-registered");
    assertThat(FastRegistration.missingBundle(List.of())).isEmpty();
    assertThat(FastRegistration.nameProblem("/x/fast1.tar.gz")).isEmpty();
    assertThat(FastRegistration.nameProblem("gs://b/code.zip").orElseThrow())
        .contains("does not end in .tar.gz");
  }

  @Test
  void shouldNotNeedABundleForArgumentsAlreadyRendered() throws Exception {
    // What flytectl register leaves: the upload's URI and the destination, as plain text.
    TaskTemplate rendered =
        recorder(dir.resolve("log")).toBuilder()
            .setContainer(
                Container.newBuilder()
                    .addArgs("sh")
                    .addArgs("-c")
                    .addArgs(": > \"$3/outputs.pb\"")
                    .addArgs("script")
                    .addArgs("s3://my-bucket/fast/script_mode.tar.gz")
                    .addArgs("/root")
                    .addArgs("{{.outputPrefix}}"))
            .build();

    assertThat(FastRegistration.needsBundle(rendered)).isFalse();
    assertThat(FastRegistration.needsBundle(recorder(dir.resolve("log")))).isTrue();
    InvokerContext context = context(rendered, ProcessSettings.defaults());
    List<String> warnings = ContainerInvoker.check(context);
    assertThat(warnings).noneMatch(w -> w.contains("fast"));
  }
}
