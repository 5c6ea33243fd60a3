package org.flytebeam.runner;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.google.protobuf.util.JsonFormat;
import flyteidl.admin.TaskOuterClass.TaskSpec;
import flyteidl.admin.WorkflowOuterClass.WorkflowSpec;
import flyteidl.core.Compiler.CompiledTask;
import flyteidl.core.Compiler.CompiledWorkflow;
import flyteidl.core.Compiler.CompiledWorkflowClosure;
import flyteidl.core.Tasks.TaskTemplate;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * flytesnacks' {@code core.control_flow.map_task.my_map_workflow} (a legacy map of {@code
 * a_mappable_task}, then {@code coalesce} over its list), as {@code pyflyte} wrote it in Flyte's
 * own test data, run by the CLI in a child JVM whose {@code PATH} holds stand-ins for {@code
 * pyflyte-map-execute} and {@code pyflyte-execute} that read inputs.pb, run the package's own
 * Python functions (its code bundle on {@code PYTHONPATH}) and write outputs.pb: as a folder
 * ({@code pyflyte serialize}), as a CompiledWorkflowClosure (what FlyteAdmin hands out) in JSON and
 * in YAML.
 *
 * <p>The package's python tasks are fast-registered ({@code pyflyte-fast-execute
 * --additional-distribution {{ .remote_package_path }} ... -- pyflyte-execute ...}); the folder
 * here is the same package as {@code pyflyte serialize} writes it without fast registration: the
 * command after {@code --}.
 */
class WorkflowPackageIT {
  private static final String MAP_WF = "core.control_flow.map_task.my_map_workflow";

  @TempDir Path dir;
  private Path bin;
  private Path log;
  private Path folder;
  private Path code;

  @BeforeEach
  void unpack() throws Exception {
    bin = Containers.fakeFlytekit(dir);
    log = dir.resolve("attempts.log");
    folder = Files.createDirectories(dir.resolve("serialized"));
    untar(DescribePackageTest.fixture("flytesnacks-core.tgz"), folder);
    try (Stream<Path> files = Files.walk(folder)) {
      for (Path f : files.filter(p -> p.toString().endsWith("_1.pb")).toList()) {
        TaskSpec spec = TaskSpec.parseFrom(Files.readAllBytes(f));
        Files.write(f, withoutFastRegistration(spec).toByteArray());
      }
    }
    // The user's code (the package's code bundle), installed where the worker's Python finds it.
    code = Files.createDirectories(dir.resolve("code"));
    Path bundle;
    try (Stream<Path> files = Files.walk(folder)) {
      bundle =
          files
              .filter(p -> p.getFileName().toString().matches("fast.*\\.tar\\.gz"))
              .findFirst()
              .orElseThrow();
    }
    untar(bundle.toString(), code);
    Files.delete(bundle);
  }

  private static void untar(String archive, Path into) throws Exception {
    Process tar =
        new ProcessBuilder("tar", "xzf", archive, "-C", into.toString())
            .redirectErrorStream(true)
            .start();
    assertThat(tar.waitFor(2, TimeUnit.MINUTES)).isTrue();
    assertThat(tar.exitValue())
        .as(
            new String(
                tar.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8))
        .isZero();
  }

  /** The task as written without fast registration: the command pyflyte-fast-execute runs. */
  private static TaskSpec withoutFastRegistration(TaskSpec spec) {
    List<String> args = spec.getTemplate().getContainer().getArgsList();
    if (args.isEmpty() || !args.get(0).equals("pyflyte-fast-execute")) {
      return spec;
    }
    List<String> command = args.subList(args.indexOf("--") + 1, args.size());
    TaskSpec.Builder b = spec.toBuilder();
    b.getTemplateBuilder().getContainerBuilder().clearArgs().addAllArgs(command);
    return b.build();
  }

  private TaskSpec taskSpec(String name) throws Exception {
    try (Stream<Path> files = Files.walk(folder)) {
      Path f =
          files
              .filter(p -> p.getFileName().toString().endsWith("_" + name + "_1.pb"))
              .findFirst()
              .orElseThrow();
      return TaskSpec.parseFrom(Files.readAllBytes(f));
    }
  }

  /** What FlyteAdmin's compiler hands out for the workflow: its template and its tasks. */
  private CompiledWorkflowClosure compiledClosure() throws Exception {
    WorkflowSpec wf;
    try (Stream<Path> files = Files.walk(folder)) {
      Path f =
          files
              .filter(p -> p.getFileName().toString().endsWith(MAP_WF + "_2.pb"))
              .findFirst()
              .orElseThrow();
      wf = WorkflowSpec.parseFrom(Files.readAllBytes(f));
    }
    CompiledWorkflowClosure.Builder closure =
        CompiledWorkflowClosure.newBuilder()
            .setPrimary(CompiledWorkflow.newBuilder().setTemplate(wf.getTemplate()));
    for (String task :
        List.of(
            "core.control_flow.map_task.mapper_a_mappable_task_0",
            "core.control_flow.map_task.coalesce")) {
      TaskTemplate t = taskSpec(task).getTemplate();
      closure.addTasks(CompiledTask.newBuilder().setTemplate(t));
    }
    return closure.build();
  }

  /** Runs the CLI in a child JVM with the stand-ins first on PATH. */
  private Result run(String definition, String... extra) throws Exception {
    Path in = Cli.write(dir, "in.json", "{\"a\": [1, 2, 3]}");
    Path out = dir.resolve("out.json");
    Files.deleteIfExists(out);
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> command =
        new ArrayList<>(List.of(java, "-Xmx512m", "-cp", System.getProperty("java.class.path")));
    command.addAll(
        List.of(
            "org.flytebeam.runner.Main",
            "run",
            "--definition",
            definition,
            "--inputs",
            in.toString(),
            "--outputs",
            out.toString(),
            "--pass-env",
            "FAKE_LOG",
            "--pass-env",
            "PYTHONPATH",
            "--quiet"));
    command.addAll(List.of(extra));
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .redirectError(dir.resolve("stderr.txt").toFile())
            .redirectOutput(dir.resolve("stdout.txt").toFile());
    builder.environment().put("PATH", Containers.pathWith(bin));
    builder.environment().put("FAKE_LOG", log.toString());
    builder.environment().put("PYTHONPATH", code.toString());
    Process process = builder.start();
    try {
      assertThat(process.waitFor(10, TimeUnit.MINUTES)).isTrue();
      String err = Files.readString(dir.resolve("stderr.txt"));
      String outputs = Files.exists(out) ? Files.readString(out).replaceAll("\\s", "") : "";
      return new Result(process.exitValue(), outputs, err);
    } finally {
      process.destroyForcibly();
    }
  }

  private record Result(int exitCode, String outputs, String err) {}

  private static final String JOINED =
      "{\"literals\":{\"o0\":{\"scalar\":{\"primitive\":{\"stringValue\":\"345\"}}}}}";

  private void assertRanTheMapThenCoalesce(Result r) throws Exception {
    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(r.outputs()).isEqualTo(JOINED);
    // Three elements of the legacy map (index, attempt, and no previous checkpoint, which flytekit
    // 0.19's command does not take), then coalesce once.
    List<String> attempts = Containers.attempts(log);
    assertThat(attempts).hasSize(4);
    assertThat(attempts.subList(0, 3)).containsExactlyInAnyOrder("0 0 ", "1 0 ", "2 0 ");
    assertThat(attempts.get(3))
        .startsWith("execute --inputs ")
        .endsWith("task-module core.control_flow.map_task task-name coalesce");
  }

  @Test
  void theFolderPyflyteSerializeWritesRunsByTheWorkflowsName() throws Exception {
    Result r = run(folder.toString(), "--workflow", MAP_WF);

    assertRanTheMapThenCoalesce(r);
  }

  @Test
  void aCompiledWorkflowClosureRunsAsJsonAndAsYaml() throws Exception {
    String json = JsonFormat.printer().print(compiledClosure());
    Path jsonFile = Cli.write(dir, "closure.json", json);
    Path yamlFile =
        Cli.write(
            dir,
            "closure.yaml",
            new YAMLMapper().writeValueAsString(new ObjectMapper().readTree(json)));

    assertRanTheMapThenCoalesce(run(jsonFile.toString()));
    Files.delete(log);
    assertRanTheMapThenCoalesce(run(yamlFile.toString()));
  }
}
