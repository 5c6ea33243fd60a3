package org.flytebeam.runner;

import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;
import flyteidl.core.IdentifierOuterClass.ResourceType;
import flyteidl.core.Interface.TypedInterface;
import flyteidl.core.Interface.Variable;
import flyteidl.core.Interface.VariableMap;
import flyteidl.core.Literals.KeyValuePair;
import flyteidl.core.Literals.LiteralMap;
import flyteidl.core.Literals.RetryStrategy;
import flyteidl.core.Tasks.Container;
import flyteidl.core.Tasks.DataLoadingConfig;
import flyteidl.core.Tasks.TaskMetadata;
import flyteidl.core.Tasks.TaskTemplate;
import flyteidl.core.Types.LiteralType;
import flyteidl.core.WorkflowClosureOuterClass.WorkflowClosure;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import org.flytebeam.idl.DefinitionWriter;
import org.flytebeam.spec.MapTask;
import org.flytebeam.spec.TaskId;

/**
 * Container sub-tasks for tests: flytekit's map command as a python3 stand-in ({@code
 * pyflyte-map-execute}, in test resources, which writes outputs.pb and error.pb by hand), the
 * shared flyteidl examples, and raw containers built in code.
 */
final class Containers {
  private Containers() {}

  /** flytekit's commands, as python3 stand-ins in test resources. */
  static final List<String> FAKE_COMMANDS =
      List.of("pyflyte-map-execute", "pyflyte-execute", "pyflyte-fast-execute");

  /**
   * A folder holding executable stand-ins for {@code pyflyte-map-execute}, {@code pyflyte-execute}
   * and {@code pyflyte-fast-execute} (python3, see their own doc strings).
   */
  static Path fakeFlytekit(Path dir) throws IOException {
    Path bin = Files.createDirectories(dir.resolve("bin"));
    List<String> files = new ArrayList<>(FAKE_COMMANDS);
    files.addAll(List.of("flyte_pb.py", "flyte_loader.py"));
    for (String name : files) {
      try (InputStream in = Containers.class.getResourceAsStream("/containers/" + name)) {
        Files.copy(in, bin.resolve(name));
      }
    }
    for (String name : FAKE_COMMANDS) {
      Files.setPosixFilePermissions(
          bin.resolve(name), PosixFilePermissions.fromString("rwxr-xr-x"));
    }
    return bin;
  }

  /** A PATH holding {@code bin} first, then the worker's own. */
  static String pathWith(Path bin) {
    return bin + ":" + System.getenv("PATH");
  }

  static String resource(String name) throws IOException {
    try (InputStream in = Containers.class.getResourceAsStream("/containers/" + name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  /** Copies an inputs resource into {@code dir}. */
  static Path inputs(Path dir, String resource) throws IOException {
    return Cli.write(dir, resource, resource(resource));
  }

  /**
   * A shared example definition (a WorkflowClosure or a legacy TaskTemplate) with {@code edit}
   * applied to its task template and {@code retries} set (on the sub-node too, whose retries win),
   * written into {@code dir}. An ArrayNode gets run_all_sub_nodes, as in {@link #mapOver}.
   */
  static Path definition(Path dir, String resource, int retries, UnaryOperator<TaskTemplate> edit)
      throws IOException {
    String json = resource(resource);
    Message edited;
    if (json.contains("\"workflow\"")) {
      WorkflowClosure.Builder closure = WorkflowClosure.newBuilder();
      JsonFormat.parser().merge(json, closure);
      closure.setTasks(0, retries(retries).apply(edit.apply(closure.getTasks(0))));
      closure
          .getWorkflowBuilder()
          .getNodesBuilder(0)
          .getArrayNodeBuilder()
          .setRunAllSubNodes(true)
          .getNodeBuilder()
          .getMetadataBuilder()
          .setRetries(RetryStrategy.newBuilder().setRetries(retries));
      edited = closure.build();
    } else {
      TaskTemplate.Builder template = TaskTemplate.newBuilder();
      JsonFormat.parser().merge(json, template);
      edited = retries(retries).apply(edit.apply(template.build()));
    }
    return Cli.write(dir, resource, JsonFormat.printer().print(edited));
  }

  /**
   * The template's container gets {@code PATH} = {@code bin} then the worker's PATH, and FAKE_LOG.
   */
  static UnaryOperator<TaskTemplate> withFake(Path bin, Path log) {
    return t ->
        t.toBuilder()
            .setContainer(
                t.getContainer().toBuilder()
                    .addEnv(KeyValuePair.newBuilder().setKey("PATH").setValue(pathWith(bin)))
                    .addEnv(KeyValuePair.newBuilder().setKey("FAKE_LOG").setValue(log.toString())))
            .build();
  }

  static UnaryOperator<TaskTemplate> retries(int retries) {
    return t ->
        t.toBuilder()
            .setMetadata(
                t.getMetadata().toBuilder()
                    .setRetries(RetryStrategy.newBuilder().setRetries(retries)))
            .build();
  }

  /** The lines FAKE_LOG got: one per attempt, {@code "<index> <attempt> <prev checkpoint>"}. */
  static List<String> attempts(Path log) throws IOException {
    return Files.exists(log) ? Files.readAllLines(log) : List.of();
  }

  static VariableMap vars(Object... nameAndType) {
    VariableMap.Builder vars = VariableMap.newBuilder();
    for (int i = 0; i < nameAndType.length; i += 2) {
      vars.putVariables(
          (String) nameAndType[i],
          Variable.newBuilder().setType((LiteralType) nameAndType[i + 1]).build());
    }
    return vars.build();
  }

  /** A FlyteDirectory's type: a multipart blob of no particular format. */
  static LiteralType folder() {
    return LiteralType.newBuilder()
        .setBlob(
            flyteidl.core.Types.BlobType.newBuilder()
                .setDimensionality(flyteidl.core.Types.BlobType.BlobDimensionality.MULTIPART))
        .build();
  }

  /**
   * A raw container over a folder {@code d} that writes a folder {@code o}: a copy of {@code
   * d/a.txt} and {@code nested/seen.txt}, holding {@code d/sub/c.txt} and the names in {@code d}.
   * Given a folder holding {@code hostile.txt}, it writes {@code o/a.txt} and a link {@code o/b} to
   * {@code secret} instead, which must never be uploaded.
   */
  static TaskTemplate folderCopier(Path secret) {
    return rawContainer(
        "folder-copier",
        vars("d", folder()),
        vars("o", folder()),
        "if [ -e /var/inputs/d/hostile.txt ]; then mkdir /var/outputs/o &&"
            + " echo fine > /var/outputs/o/a.txt && ln -s "
            + secret
            + " /var/outputs/o/b; exit 0; fi;"
            + " mkdir -p /var/outputs/o/nested && cp /var/inputs/d/a.txt /var/outputs/o/a.txt &&"
            + " { cat /var/inputs/d/sub/c.txt; echo; ls /var/inputs/d | tr '\\n' ' '; }"
            + " > /var/outputs/o/nested/seen.txt");
  }

  /**
   * A flytekit ContainerTask-style template: {@code sh -c script}, data in /var/inputs and
   * /var/outputs.
   */
  static TaskTemplate rawContainer(
      String name, VariableMap inputs, VariableMap outputs, String script) {
    return TaskTemplate.newBuilder()
        .setId(TaskId.of(name).toProto(ResourceType.TASK))
        .setType("raw-container")
        .setMetadata(TaskMetadata.getDefaultInstance())
        .setInterface(TypedInterface.newBuilder().setInputs(inputs).setOutputs(outputs))
        .setContainer(
            Container.newBuilder()
                .setImage("debian:bookworm-slim")
                .addCommand("sh")
                .addCommand("-c")
                .addCommand(script)
                .setDataConfig(
                    DataLoadingConfig.newBuilder()
                        .setEnabled(true)
                        .setInputPath("/var/inputs")
                        .setOutputPath("/var/outputs")
                        .setFormat(DataLoadingConfig.LiteralMapFormat.JSON)))
        .build();
  }

  /**
   * The same template whose container runs {@code args} (command cleared; image, env, data_config
   * kept).
   */
  static TaskTemplate withArgs(TaskTemplate t, List<String> args) {
    return t.toBuilder()
        .setContainer(t.getContainer().toBuilder().clearCommand().clearArgs().addAllArgs(args))
        .build();
  }

  /** The same template without data_config: its process writes outputs.pb itself. */
  static TaskTemplate withoutDataConfig(TaskTemplate t) {
    return t.toBuilder().setContainer(t.getContainer().toBuilder().clearDataConfig()).build();
  }

  static TaskTemplate withTimeout(TaskTemplate t, Duration timeout) {
    return t.toBuilder()
        .setMetadata(
            t.getMetadata().toBuilder()
                .setTimeout(
                    com.google.protobuf.Duration.newBuilder()
                        .setSeconds(timeout.getSeconds())
                        .setNanos(timeout.getNano())))
        .build();
  }

  /**
   * A map over {@code template} (every input mapped), written as a definition file. With
   * run_all_sub_nodes, so that a failing element never aborts the others: tests that mix failures
   * and successes stay deterministic.
   */
  static Path mapOver(Path dir, String name, TaskTemplate template) {
    Path file = dir.resolve(name);
    DefinitionWriter.write(MapTask.of(template).runAllSubNodes(true).build(), file);
    return file;
  }

  static LiteralMap outputs(Path file) throws IOException {
    return LiteralMap.parseFrom(Files.readAllBytes(file));
  }

  /**
   * Lines of stderr that are not blank, but the progress lines: a run slower than the progress
   * interval (a loaded machine) prints some, and the tests mean the warnings and errors.
   */
  static List<String> lines(String text) {
    List<String> lines = new ArrayList<>();
    for (String line : text.split("\n")) {
      if (!line.isBlank() && !line.startsWith("progress: ")) {
        lines.add(line);
      }
    }
    return lines;
  }
}
