package org.flytebeam.runner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.flytebeam.runner.Containers.outputs;

import com.google.protobuf.util.JsonFormat;
import flyteidl.core.Literals.LiteralMap;
import flyteidl.core.Tasks.TaskTemplate;
import flyteidl.core.WorkflowClosureOuterClass.WorkflowClosure;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.flytebeam.graph.FlytePackage;
import org.flytebeam.idl.PackageReader;
import org.flytebeam.types.Literals;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fast-registered packages run end to end, a process per attempt (see {@link FastPackages}): a
 * workflow with the package's own bundle and with {@code --fast-bundle}, a map over a fast task as
 * {@code define} writes it, arguments already rendered, and flytesnacks' map workflow.
 */
class FastRegistrationRunIT {
  @TempDir Path dir;

  @Test
  void shouldRunAFastRegisteredWorkflowWithThePackagesOwnBundle() throws Exception {
    // given: t1(a) -> (a + 2, "world"); t2(a, b) -> b + a, both fast-registered
    Path bin = Containers.fakeFlytekit(dir);
    Path log = dir.resolve("fake.log");
    Path pkg = FastPackages.pkg(dir, bin, log, true);
    Path in = Cli.write(dir, "in.json", "{\"a\": 50, \"b\": \"hello\"}");

    // when
    Cli cli =
        Cli.run(
            "run",
            "--definition",
            pkg.toString(),
            "--workflow",
            FastPackages.BASIC_WF,
            "--inputs",
            in.toString(),
            "--outputs",
            dir.resolve("out.pb").toString());

    // then: the real task code, from the bundle, ran
    assertThat(cli.exitCode()).as(cli.err()).isZero();
    LiteralMap out = outputs(dir.resolve("out.pb"));
    assertThat(out.getLiteralsMap()).containsEntry("o0", Literals.of(52L));
    assertThat(out.getLiteralsMap()).containsEntry("o1", Literals.of("helloworld"));
    List<String[]> fast = FastPackages.logged(log, "fast");
    assertThat(fast).hasSize(2);
    for (String[] line : fast) {
      // "fast <distribution> <dest-dir> <its entries before>": a .tar.gz, an empty fresh folder
      assertThat(line[1]).endsWith(".tar.gz");
      assertThat(Path.of(line[1])).isRegularFile();
      assertThat(line[3]).isEqualTo("[]");
      assertThat(Path.of(line[2])).doesNotExist();
    }
    assertThat(fast.get(0)[2]).isNotEqualTo(fast.get(1)[2]);
    // pyflyte-fast-execute passed the distribution on before --resolver, as flytekit does.
    List<String[]> executed = FastPackages.logged(log, "execute");
    assertThat(executed).hasSize(2);
    assertThat(String.join(" ", executed.get(0)))
        .contains("--dynamic-addl-distro " + fast.get(0)[1] + " --dynamic-dest-dir ")
        .contains(" --resolver flytekit.core.python_auto_container.default_task_resolver");
  }

  @Test
  void shouldRunFlytesnacksMapWorkflowOfThePackage() throws Exception {
    // given: my_map_workflow: mapper_a_mappable_task_0 (flytekit 0.19's legacy map, not
    // fast-registered) over a, then coalesce (fast-registered) joins the strings
    Path bin = Containers.fakeFlytekit(dir);
    Path log = dir.resolve("fake.log");
    Path pkg = FastPackages.pkg(dir, bin, log, true);
    Path in = Cli.write(dir, "in.json", "{\"a\": [1, 2, 3, 4, 5]}");

    // when
    Cli cli =
        Cli.run(
            "run",
            "--definition",
            pkg.toString(),
            "--workflow",
            "core.control_flow.map_task.my_map_workflow",
            "--inputs",
            in.toString());

    // then: a_mappable_task(a) = str(a + 2), joined
    assertThat(cli.exitCode()).as(cli.err()).isZero();
    assertThat(cli.out()).contains("\"34567\"");
    assertThat(FastPackages.logged(log, "fast")).hasSize(1);
  }

  @Test
  void shouldUseTheGivenBundleOverThePackagesOwn() throws Exception {
    Path bin = Containers.fakeFlytekit(dir);
    Path log = dir.resolve("fake.log");
    Path pkg = FastPackages.pkg(dir, bin, log, true);
    Map<String, String> code = new LinkedHashMap<>();
    code.put("core/__init__.py", "");
    code.put("core/flyte_basics/__init__.py", "");
    code.put(
        "core/flyte_basics/basic_workflow.py",
        "import typing\nfrom flytekit import task\n\n"
            + "@task\ndef t1(a: int) -> typing.NamedTuple('OutputsBC', t1_int_output=int, c=str):\n"
            + "    return a * 10, 'v2'\n\n"
            + "@task\ndef t2(a: str, b: str) -> str:\n    return a + '+' + b\n");
    Path mine = FastPackages.bundleOf(dir, "fast-mine.tar.gz", code);
    Path in = Cli.write(dir, "in.json", "{\"a\": 5, \"b\": \"x\"}");

    Cli cli =
        Cli.run(
            "run",
            "--definition",
            pkg.toString(),
            "--workflow",
            FastPackages.BASIC_WF,
            "--inputs",
            in.toString(),
            "--fast-bundle",
            mine.toString(),
            "--outputs",
            dir.resolve("out.pb").toString());

    assertThat(cli.exitCode()).as(cli.err()).isZero();
    LiteralMap out = outputs(dir.resolve("out.pb"));
    assertThat(out.getLiteralsMap()).containsEntry("o0", Literals.of(50L));
    assertThat(out.getLiteralsMap()).containsEntry("o1", Literals.of("v2+x"));
    assertThat(FastPackages.logged(log, "fast"))
        .allSatisfy(line -> assertThat(line[1]).isEqualTo(mine.toString()));
  }

  @Test
  void shouldRunAMapOverAFastRegisteredTaskAsFlytekitWritesIt() throws Exception {
    // given: map_task(a_mappable_task) as define writes it over the package's task:
    // pyflyte-fast-execute ... -- pyflyte-map-execute ... ArrayNodeMapTaskResolver
    Path bin = Containers.fakeFlytekit(dir);
    Path log = dir.resolve("fake.log");
    Path pkg = FastPackages.pkg(dir, bin, log, true);
    Path def = dir.resolve("map.def.json");
    Cli define =
        Cli.run(
            "define",
            "--from",
            pkg.toString(),
            "--task",
            FastPackages.MAPPABLE,
            "--parallelism",
            "2",
            "--out",
            def.toString());
    assertThat(define.exitCode()).as(define.err()).isZero();
    assertThat(define.err()).contains("is fast-registered: run the definition with --fast-bundle");
    WorkflowClosure written = parseClosure(def);
    assertThat(written.getTasks(0).getContainer().getArgsList())
        .startsWith(
            "pyflyte-fast-execute", "--additional-distribution", "{{ .remote_package_path }}")
        .contains(
            "pyflyte-map-execute", "flytekit.core.array_node_map_task.ArrayNodeMapTaskResolver");
    assertThat(written.getWorkflow().getNodes(0).getArrayNode().getParallelism()).isEqualTo(2);
    Path in = Cli.write(dir, "in.json", "{\"a\": [1, 2, 3]}");

    // when: the map alone, so the bundle comes from --fast-bundle
    Cli without = Cli.run("run", "--definition", def.toString(), "--inputs", in.toString());
    Cli cli =
        Cli.run(
            "run",
            "--definition",
            def.toString(),
            "--inputs",
            in.toString(),
            "--fast-bundle",
            FastPackages.bundle(dir).toString(),
            "--outputs",
            dir.resolve("out.pb").toString());

    // then
    assertThat(without.exitCode()).isEqualTo(2);
    // The name's hash is flytekit's md5("2None1.0"): concurrency 2, no min_successes, ratio 1.0.
    assertThat(without.errWithoutProgress())
        .startsWith(
            "error: task [core.control_flow.map_task.map_a_mappable_task_"
                + "43e2299725b86f6735550fdcb2663de8-arraynode] is fast-registered");
    assertThat(cli.exitCode()).as(cli.err()).isZero();
    assertThat(Inputs.plain(outputs(dir.resolve("out.pb")), "o0")).containsExactly("3", "4", "5");
    List<String[]> fast = FastPackages.logged(log, "fast");
    assertThat(fast).hasSize(3);
    // Each element unpacked into a destination empty when it started (a worker's attempt folders
    // are used again, so two elements may have had the same path).
    assertThat(fast).allSatisfy(line -> assertThat(line[3]).isEqualTo("[]"));
  }

  @Test
  void shouldPassAlreadyRenderedFastArgumentsAsTheyAre() throws Exception {
    // given: what flytectl register leaves in the args: the upload's URI and a destination
    Path bin = Containers.fakeFlytekit(dir);
    Path log = dir.resolve("fake.log");
    FlytePackage pkg = PackageReader.read(FastPackages.pkg(dir, bin, log, false));
    TaskTemplate task = pkg.tasks().get(FastPackages.MAPPABLE);
    // The destination exists, as /root does in the image (pyflyte-fast-execute requires it).
    String dest = Files.createDirectories(dir.resolve("root")).toString();
    List<String> args = new ArrayList<>(task.getContainer().getArgsList());
    args.set(args.indexOf("{{ .remote_package_path }}"), "s3://my-bucket/fast/script_mode.tar.gz");
    args.set(args.indexOf("{{ .dest_dir }}"), dest);
    TaskTemplate rendered =
        task.toBuilder()
            .setContainer(task.getContainer().toBuilder().clearArgs().addAllArgs(args))
            .build();
    Path def = Containers.mapOver(dir, "map.def.json", rendered);
    Path in = Cli.write(dir, "in.json", "{\"a\": [1]}");

    // when: no bundle is needed; the stand-in cannot fetch from s3, so the element fails
    Cli cli = Cli.run("run", "--definition", def.toString(), "--inputs", in.toString());

    // then
    assertThat(cli.exitCode()).as(cli.err()).isEqualTo(1);
    assertThat(cli.err()).contains("cannot fetch s3://my-bucket/fast/script_mode.tar.gz");
    assertThat(FastPackages.logged(log, "fast"))
        .allSatisfy(
            line -> {
              assertThat(line[1]).isEqualTo("s3://my-bucket/fast/script_mode.tar.gz");
              assertThat(line[2]).isEqualTo(dest);
            });
  }

  private static WorkflowClosure parseClosure(Path json) throws IOException {
    WorkflowClosure.Builder closure = WorkflowClosure.newBuilder();
    JsonFormat.parser().merge(Files.readString(json), closure);
    return closure.build();
  }
}
