package org.flytebeam.runner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.flytebeam.runner.Containers.outputs;

import com.google.protobuf.util.JsonFormat;
import flyteidl.admin.TaskOuterClass.TaskSpec;
import flyteidl.core.Literals.KeyValuePair;
import flyteidl.core.Literals.LiteralMap;
import flyteidl.core.Tasks.TaskTemplate;
import flyteidl.core.WorkflowClosureOuterClass.WorkflowClosure;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;
import org.flytebeam.cache.CacheMode;
import org.flytebeam.exec.ProcessSettings;
import org.flytebeam.graph.FlytePackage;
import org.flytebeam.idl.PackageReader;
import org.flytebeam.types.Literals;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fast-registered packages run end to end: flytectl's {@code valid-fast-register.tgz} (public test
 * data, a {@code pyflyte package} of flytesnacks' {@code core} with its code bundle), its tasks'
 * containers pointed at the python3 stand-ins of {@code pyflyte-fast-execute}, {@code
 * pyflyte-execute} and {@code pyflyte-map-execute}, which unpack the real bundle and import the
 * real task modules from it.
 */
class FastRegistrationRunTest {
  static final String BASIC_WF = "core.flyte_basics.basic_workflow.my_wf";
  private static final String MAPPABLE = "core.control_flow.map_task.a_mappable_task";

  @TempDir Path dir;

  static Path fixture() {
    return Path.of(DescribePackageTest.fixture("valid-fast-register.tgz"));
  }

  /**
   * The fixture with every task's container given {@code PATH} (the stand-ins first) and {@code
   * FAKE_LOG}, and the tasks that are not fast-registered, whose code Flyte takes from the image,
   * {@code PYTHONPATH} = the project unpacked in {@code dir/image} (what a worker would have
   * installed); every other member copied as it is, the code bundle too unless {@code withBundle}
   * is false.
   */
  static Path pkg(Path dir, Path bin, Path log, boolean withBundle) throws IOException {
    Path image = unpackedProject(dir.resolve("image"));
    Path out = dir.resolve(withBundle ? "pkg.tgz" : "pkg-without-bundle.tgz");
    try (TarArchiveInputStream in =
            new TarArchiveInputStream(
                new GzipCompressorInputStream(Files.newInputStream(fixture())));
        TarArchiveOutputStream tar =
            new TarArchiveOutputStream(
                new GzipCompressorOutputStream(Files.newOutputStream(out)))) {
      TarArchiveEntry entry;
      while ((entry = in.getNextEntry()) != null) {
        if (!entry.isFile()) {
          continue;
        }
        String name = entry.getName();
        byte[] bytes = in.readAllBytes();
        String base = name.substring(name.lastIndexOf('/') + 1);
        if (base.startsWith("fast") && base.endsWith(".tar.gz") && !withBundle) {
          continue;
        }
        if (base.endsWith("_1.pb") && !base.startsWith(".")) {
          TaskSpec spec = TaskSpec.parseFrom(bytes);
          bytes =
              spec.toBuilder()
                  .setTemplate(withStandIns(spec.getTemplate(), bin, log, image))
                  .build()
                  .toByteArray();
        }
        TarArchiveEntry copy = new TarArchiveEntry(name);
        copy.setSize(bytes.length);
        tar.putArchiveEntry(copy);
        tar.write(bytes);
        tar.closeArchiveEntry();
      }
    }
    return out;
  }

  private static TaskTemplate withStandIns(TaskTemplate t, Path bin, Path log, Path image) {
    if (!t.hasContainer()) {
      return t;
    }
    var container =
        t.getContainer().toBuilder()
            .addEnv(KeyValuePair.newBuilder().setKey("PATH").setValue(Containers.pathWith(bin)))
            .addEnv(KeyValuePair.newBuilder().setKey("FAKE_LOG").setValue(log.toString()));
    if (!t.getContainer().getArgsList().contains("pyflyte-fast-execute")) {
      container.addEnv(KeyValuePair.newBuilder().setKey("PYTHONPATH").setValue(image.toString()));
    }
    return t.toBuilder().setContainer(container).build();
  }

  /** The fixture's code bundle unpacked into {@code target}: its regular files, nothing else. */
  private static Path unpackedProject(Path target) throws IOException {
    Files.createDirectories(target);
    try (TarArchiveInputStream in =
        new TarArchiveInputStream(
            new GzipCompressorInputStream(Files.newInputStream(bundleIn())))) {
      TarArchiveEntry entry;
      while ((entry = in.getNextEntry()) != null) {
        String name = entry.getName().replaceFirst("^/+", "");
        if (!entry.isFile() || name.isEmpty() || name.contains("..")) {
          continue;
        }
        Path file = target.resolve(name).normalize();
        if (!file.startsWith(target)) {
          continue;
        }
        Files.createDirectories(file.getParent());
        Files.write(file, in.readAllBytes());
      }
    }
    return target;
  }

  /** The package's code bundle ({@code fast*.tar.gz}), copied out as a file of its own. */
  private Path bundle() throws IOException {
    Path source = bundleIn();
    return Files.copy(source, dir.resolve(source.getFileName().toString()));
  }

  private static Path extracted;

  /** The fixture's code bundle, extracted once into a temporary file of this test JVM. */
  private static synchronized Path bundleIn() throws IOException {
    if (extracted != null) {
      return extracted;
    }
    try (TarArchiveInputStream in =
        new TarArchiveInputStream(new GzipCompressorInputStream(Files.newInputStream(fixture())))) {
      TarArchiveEntry entry;
      while ((entry = in.getNextEntry()) != null) {
        String base = entry.getName().substring(entry.getName().lastIndexOf('/') + 1);
        if (base.startsWith("fast") && base.endsWith(".tar.gz")) {
          Path file = Files.createTempDirectory("fast-fixture").resolve(base);
          Files.write(file, in.readAllBytes());
          file.toFile().deleteOnExit();
          file.getParent().toFile().deleteOnExit();
          extracted = file;
          return file;
        }
      }
    }
    throw new AssertionError("the fixture holds no code bundle");
  }

  /** A code bundle of our own: {@code files} (path to Python source) in a gzip-compressed tar. */
  private Path bundleOf(String name, Map<String, String> files) throws IOException {
    Path file = dir.resolve(name);
    try (OutputStream raw = Files.newOutputStream(file);
        TarArchiveOutputStream tar =
            new TarArchiveOutputStream(new GzipCompressorOutputStream(raw))) {
      for (Map.Entry<String, String> f : files.entrySet()) {
        byte[] bytes = f.getValue().getBytes(StandardCharsets.UTF_8);
        TarArchiveEntry entry = new TarArchiveEntry(f.getKey());
        entry.setSize(bytes.length);
        tar.putArchiveEntry(entry);
        tar.write(bytes);
        tar.closeArchiveEntry();
      }
    }
    return file;
  }

  private Cli run(String... args) {
    return Cli.run(args);
  }

  /** FAKE_LOG's lines of one kind ({@code fast}, {@code execute}), split on spaces. */
  static List<String[]> logged(Path log, String kind) throws IOException {
    List<String[]> lines = new ArrayList<>();
    if (!Files.exists(log)) {
      return lines;
    }
    for (String line : Files.readAllLines(log)) {
      if (line.startsWith(kind + " ")) {
        lines.add(line.split(" "));
      }
    }
    return lines;
  }

  @Test
  void shouldRunAFastRegisteredWorkflowWithThePackagesOwnBundle() throws Exception {
    // given: t1(a) -> (a + 2, "world"); t2(a, b) -> b + a, both fast-registered
    Path bin = Containers.fakeFlytekit(dir);
    Path log = dir.resolve("fake.log");
    Path pkg = pkg(dir, bin, log, true);
    Path in = Cli.write(dir, "in.json", "{\"a\": 50, \"b\": \"hello\"}");

    // when
    Cli cli =
        run(
            "run",
            "--definition",
            pkg.toString(),
            "--workflow",
            BASIC_WF,
            "--inputs",
            in.toString(),
            "--outputs",
            dir.resolve("out.pb").toString());

    // then: the real task code, from the bundle, ran
    assertThat(cli.exitCode()).as(cli.err()).isZero();
    LiteralMap out = outputs(dir.resolve("out.pb"));
    assertThat(out.getLiteralsMap()).containsEntry("o0", Literals.of(52L));
    assertThat(out.getLiteralsMap()).containsEntry("o1", Literals.of("helloworld"));
    List<String[]> fast = logged(log, "fast");
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
    List<String[]> executed = logged(log, "execute");
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
    Path pkg = pkg(dir, bin, log, true);
    Path in = Cli.write(dir, "in.json", "{\"a\": [1, 2, 3, 4, 5]}");

    // when
    Cli cli =
        run(
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
    assertThat(logged(log, "fast")).hasSize(1);
  }

  @Test
  void shouldUseTheGivenBundleOverThePackagesOwn() throws Exception {
    Path bin = Containers.fakeFlytekit(dir);
    Path log = dir.resolve("fake.log");
    Path pkg = pkg(dir, bin, log, true);
    Map<String, String> code = new LinkedHashMap<>();
    code.put("core/__init__.py", "");
    code.put("core/flyte_basics/__init__.py", "");
    code.put(
        "core/flyte_basics/basic_workflow.py",
        "import typing\nfrom flytekit import task\n\n"
            + "@task\ndef t1(a: int) -> typing.NamedTuple('OutputsBC', t1_int_output=int, c=str):\n"
            + "    return a * 10, 'v2'\n\n"
            + "@task\ndef t2(a: str, b: str) -> str:\n    return a + '+' + b\n");
    Path mine = bundleOf("fast-mine.tar.gz", code);
    Path in = Cli.write(dir, "in.json", "{\"a\": 5, \"b\": \"x\"}");

    Cli cli =
        run(
            "run",
            "--definition",
            pkg.toString(),
            "--workflow",
            BASIC_WF,
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
    assertThat(logged(log, "fast"))
        .allSatisfy(line -> assertThat(line[1]).isEqualTo(mine.toString()));
  }

  @Test
  void shouldRefuseFastRegisteredTasksWithoutABundleBeforeTheRun() throws Exception {
    Path bin = Containers.fakeFlytekit(dir);
    Path log = dir.resolve("fake.log");
    Path pkg = pkg(dir, bin, log, false);
    Path in = Cli.write(dir, "in.json", "{\"a\": 50, \"b\": \"hello\"}");

    Cli cli =
        run(
            "run",
            "--definition",
            pkg.toString(),
            "--workflow",
            BASIC_WF,
            "--inputs",
            in.toString());

    assertThat(cli.exitCode()).isEqualTo(2);
    assertThat(cli.errWithoutProgress())
        .isEqualTo(
            "error: task [core.flyte_basics.basic_workflow.t1] (and 1 more) is fast-registered"
                + " (its container reads its code from {{ .remote_package_path }}) but no code"
                + " bundle is given: pass --fast-bundle FILE|URI (the fast*.tar.gz of pyflyte"
                + " package), or run the package archive that holds it\n");
    assertThat(log).doesNotExist();
  }

  @Test
  void shouldRefuseABundleThatIsMissingOrNotATarGz() throws Exception {
    Path bin = Containers.fakeFlytekit(dir);
    Path log = dir.resolve("fake.log");
    Path pkg = pkg(dir, bin, log, false);
    Path in = Cli.write(dir, "in.json", "{\"a\": 50, \"b\": \"hello\"}");
    Path zip = Files.write(dir.resolve("code.zip"), new byte[] {1});

    Cli missing =
        run(
            "run",
            "--definition",
            pkg.toString(),
            "--workflow",
            BASIC_WF,
            "--inputs",
            in.toString(),
            "--fast-bundle",
            dir.resolve("nope.tar.gz").toString());
    Cli notTar =
        run(
            "run",
            "--definition",
            pkg.toString(),
            "--workflow",
            BASIC_WF,
            "--inputs",
            in.toString(),
            "--fast-bundle",
            zip.toString());

    assertThat(missing.exitCode()).isEqualTo(2);
    assertThat(missing.errWithoutProgress())
        .startsWith("error: --fast-bundle [" + dir.resolve("nope.tar.gz") + "] is not a file");
    assertThat(notTar.exitCode()).isEqualTo(2);
    assertThat(notTar.errWithoutProgress())
        .startsWith("error: --fast-bundle [" + zip + "] does not end in .tar.gz");
    assertThat(log).doesNotExist();
  }

  @Test
  void shouldRunAMapOverAFastRegisteredTaskAsFlytekitWritesIt() throws Exception {
    // given: map_task(a_mappable_task) as define writes it over the package's task:
    // pyflyte-fast-execute ... -- pyflyte-map-execute ... ArrayNodeMapTaskResolver
    Path bin = Containers.fakeFlytekit(dir);
    Path log = dir.resolve("fake.log");
    Path pkg = pkg(dir, bin, log, true);
    Path def = dir.resolve("map.def.json");
    Cli define =
        run(
            "define",
            "--from",
            pkg.toString(),
            "--task",
            MAPPABLE,
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
    Cli without = run("run", "--definition", def.toString(), "--inputs", in.toString());
    Cli cli =
        run(
            "run",
            "--definition",
            def.toString(),
            "--inputs",
            in.toString(),
            "--fast-bundle",
            bundle().toString(),
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
    List<String[]> fast = logged(log, "fast");
    assertThat(fast).hasSize(3);
    assertThat(fast.stream().map(line -> line[2]).distinct()).hasSize(3);
  }

  private static WorkflowClosure parseClosure(Path json) throws IOException {
    WorkflowClosure.Builder closure = WorkflowClosure.newBuilder();
    JsonFormat.parser().merge(Files.readString(json), closure);
    return closure.build();
  }

  @Test
  void shouldNameThePackagesTasksWhenDefineIsGivenAnUnknownOne() throws Exception {
    Cli cli =
        run(
            "define",
            "--from",
            fixture().toString(),
            "--task",
            "core.nope",
            "--out",
            dir.resolve("x.json").toString());

    assertThat(cli.exitCode()).isEqualTo(2);
    assertThat(cli.err())
        .startsWith("error: --task [core.nope] is not a task of ")
        .contains(MAPPABLE)
        .contains("core.flyte_basics.task.square");
    assertThat(dir.resolve("x.json")).doesNotExist();
  }

  @Test
  void shouldPassAlreadyRenderedFastArgumentsAsTheyAre() throws Exception {
    // given: what flytectl register leaves in the args: the upload's URI and a destination
    Path bin = Containers.fakeFlytekit(dir);
    Path log = dir.resolve("fake.log");
    FlytePackage pkg = PackageReader.read(pkg(dir, bin, log, false));
    TaskTemplate task = pkg.tasks().get(MAPPABLE);
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
    Cli cli = run("run", "--definition", def.toString(), "--inputs", in.toString());

    // then
    assertThat(cli.exitCode()).as(cli.err()).isEqualTo(1);
    assertThat(cli.err()).contains("cannot fetch s3://my-bucket/fast/script_mode.tar.gz");
    assertThat(logged(log, "fast"))
        .allSatisfy(
            line -> {
              assertThat(line[1]).isEqualTo("s3://my-bucket/fast/script_mode.tar.gz");
              assertThat(line[2]).isEqualTo(dest);
            });
  }

  @Test
  void shouldCopyALocalBundleIntoTheRunFolderWhenTheWorkersAreElsewhere() throws Exception {
    Path bundle = bundle();
    RunOptions options = RunOptions.defaults().withFastBundle(bundle.toString());
    Path runFolder = Files.createDirectories(dir.resolve("run-1"));

    RunOptions cluster = FastBundles.place(options, false, runFolder.toString());
    RunOptions local = FastBundles.place(options, true, runFolder.toString());

    Path placed = runFolder.resolve("fast-bundle").resolve(bundle.getFileName());
    assertThat(cluster.fastBundle()).contains(placed.toString());
    assertThat(Files.readAllBytes(placed)).isEqualTo(Files.readAllBytes(bundle));
    assertThat(local.fastBundle()).contains(bundle.toString());
  }

  @Test
  void shouldTakeThePackagesBundleUnlessOneIsGiven() throws Exception {
    FlytePackage pkg = PackageReader.read(fixture());
    RunOptions none = RunOptions.defaults();
    RunOptions given = RunOptions.defaults().withFastBundle(dir.resolve("x.tar.gz").toString());

    assertThat(FastBundles.withPackageBundle(none, pkg).fastBundle())
        .isEqualTo(pkg.fastBundle().map(RunOptions::absolute));
    assertThat(FastBundles.withPackageBundle(given, pkg).fastBundle())
        .contains(dir.resolve("x.tar.gz").toString());
    // The bundle survives the options' own normalization (raw output prefix made absolute).
    RunOptions rebuilt =
        new RunOptions(
            RunnerKind.DirectRunner,
            "local[*]",
            Optional.empty(),
            List.of(),
            new ProcessSettings("raw", 0, List.of(), "", "rel/fast.tar.gz"),
            List.of(),
            Optional.empty(),
            CacheMode.ENABLED,
            Optional.empty());
    assertThat(rebuilt.fastBundle())
        .contains(Path.of("rel/fast.tar.gz").toAbsolutePath().toString());
    assertThat(rebuilt.process().rawOutputPrefix())
        .isEqualTo(Path.of("raw").toAbsolutePath().toString());
  }
}
