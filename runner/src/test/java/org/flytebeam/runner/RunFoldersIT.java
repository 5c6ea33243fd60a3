package org.flytebeam.runner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.flytebeam.runner.Containers.vars;

import flyteidl.core.Tasks.TaskTemplate;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.flytebeam.exec.ProcessSettings;
import org.flytebeam.exec.RunOwner;
import org.flytebeam.exec.UserFolders;
import org.flytebeam.idl.DefinitionWriter;
import org.flytebeam.runner.testing.TestTasks;
import org.flytebeam.spec.MapTask;
import org.flytebeam.types.LiteralTypes;
import org.flytebeam.types.Literals;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The folders a run makes and uses: relative ones made absolute before use, the run folders of
 * killed runs removed at the next start, defaults private to the user, files as the umask says.
 */
class RunFoldersIT {
  @TempDir Path dir;

  private String savedTmp;
  private Path relative;

  @BeforeEach
  void tmp() throws IOException {
    TestTasks.reset();
    savedTmp = System.getProperty("java.io.tmpdir");
    System.setProperty("java.io.tmpdir", Files.createDirectories(dir.resolve("tmp")).toString());
  }

  @AfterEach
  void restore() {
    System.setProperty("java.io.tmpdir", savedTmp);
    if (relative != null) {
      UserFolders.deleteTree(relative.toAbsolutePath());
    }
  }

  private Path echoDefinition() {
    TaskTemplate t =
        Containers.withArgs(
            Containers.rawContainer(
                "echo",
                vars("x", LiteralTypes.of(String.class)),
                vars("y", LiteralTypes.of(String.class)),
                ""),
            List.of("sh", "-c", "printf '%s!' \"$1\" > /var/outputs/y", "script", "{{.inputs.x}}"));
    return Containers.mapOver(dir, "echo.def.json", t);
  }

  /** The pid of a process that ran and ended. */
  private static long gone() throws Exception {
    Process p = new ProcessBuilder("true").start();
    p.waitFor();
    return p.pid();
  }

  private static Path ownedFolder(Path parent, String name, long pid) throws IOException {
    Path folder = Files.createDirectories(parent.resolve(name));
    Files.writeString(folder.resolve("inputs.pb"), "data");
    Files.writeString(
        folder.resolve(UserFolders.OWNER_FILE),
        new RunOwner(name, pid, RunOwner.thisHost(), 1).format(),
        StandardCharsets.UTF_8);
    return folder;
  }

  @Test
  void shouldRunContainerTasksWithARelativeWorkDir() throws Exception {
    // given: a work folder named relative to the current folder
    relative = Path.of("target", "wdrel-" + System.nanoTime());
    Path in = Cli.write(dir, "in.json", "{\"x\": [\"a\", \"b\"]}");
    Path out = dir.resolve("out.pb");

    // when
    Cli cli =
        Cli.run(
            "run",
            "--definition",
            echoDefinition().toString(),
            "--inputs",
            in.toString(),
            "--outputs",
            out.toString(),
            "--work-dir",
            relative.toString(),
            "--quiet");

    // then
    assertThat(cli.exitCode()).as(cli.err()).isZero();
    assertThat(Inputs.plain(Containers.outputs(out), "y")).containsExactly("a!", "b!");
  }

  @Test
  void shouldMakeEveryLocalFolderOptionAbsolute() {
    Path cwd = Path.of("").toAbsolutePath();
    RunOptions options =
        RunOptions.defaults()
            .withWorkDir("wd")
            .withCacheDir("./c/../cache")
            .withOutputsDir("file:out")
            .withProcess(new ProcessSettings("raw", 0));

    assertThat(options.workDir()).contains(cwd.resolve("wd").toString());
    assertThat(options.cacheDir()).contains(cwd.resolve("cache").toString());
    assertThat(options.outputsDir()).contains(cwd.resolve("out").toString());
    assertThat(options.process().rawOutputPrefix()).isEqualTo(cwd.resolve("raw").toString());
    // URIs stay as they are
    assertThat(RunOptions.defaults().withWorkDir("hdfs://nn/x/../y").workDir())
        .isEqualTo(Optional.of("hdfs://nn/x/../y"));
  }

  @Test
  void shouldRemoveTheRunFoldersOfKilledRunsInTheWorkDirAndKeepFinishedOnes() throws Exception {
    // given: a work folder with a killed run's folder and a finished run's folder
    Path workDir = Files.createDirectories(dir.resolve("wd"));
    long deadPid = gone();
    Path killed = ownedFolder(workDir, "run-killed", deadPid);
    Path finished = Files.createDirectories(workDir.resolve("run-finished"));
    Files.writeString(finished.resolve("inputs.pb"), "kept");
    Path def = dir.resolve("c.def.json");
    DefinitionWriter.write(MapTask.of(new TestTasks.Counted()).build(), def);
    Path in = Cli.write(dir, "in.json", "{\"x\": [1, 2]}");

    // when
    Cli cli =
        Cli.run(
            "run",
            "--definition",
            def.toString(),
            "--inputs",
            in.toString(),
            "--work-dir",
            workDir.toString(),
            "--quiet");

    // then: the killed run's folder is gone, the finished one kept, and this run's folder kept
    // without an owner (it finished)
    assertThat(cli.exitCode()).as(cli.err()).isZero();
    assertThat(killed).doesNotExist();
    assertThat(finished.resolve("inputs.pb")).isRegularFile();
    try (Stream<Path> folders = Files.list(workDir)) {
      List<Path> runs = folders.filter(p -> !p.equals(finished)).toList();
      assertThat(runs).hasSize(1);
      assertThat(runs.get(0).getFileName().toString()).startsWith(UserFolders.RUN_PREFIX);
      assertThat(runs.get(0).resolve(UserFolders.OWNER_FILE)).doesNotExist();
    }
  }

  @Test
  void shouldPutTemporaryRunFoldersInAPrivateFolderAndRemoveKilledOnes() throws Exception {
    // given: this user's folder under the temporary folder holds a killed run's folder
    Path base = UserFolders.base();
    long deadPid = gone();
    Path killed = ownedFolder(base, "run-killed", deadPid);
    Path def = dir.resolve("c.def.json");
    DefinitionWriter.write(MapTask.of(new TestTasks.Counted()).build(), def);
    Path in = Cli.write(dir, "in.json", "{\"x\": [1, 2]}");

    // when
    Cli cli = Cli.run("run", "--definition", def.toString(), "--inputs", in.toString(), "--quiet");

    // then: removed; this run's own temporary folder is gone too; the base is private
    assertThat(cli.exitCode()).as(cli.err()).isZero();
    assertThat(killed).doesNotExist();
    try (Stream<Path> left = Files.list(base)) {
      assertThat(left.filter(p -> p.getFileName().toString().startsWith("run-"))).isEmpty();
    }
    assertThat(base.getParent()).isEqualTo(dir.resolve("tmp"));
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(base)))
        .isEqualTo("rwx------");
  }

  @Test
  void shouldPutTheDefaultRawOutputsInThisUsersPrivateFolder() {
    CommandLine cl = new CommandLine(new RunCommand());
    cl.parseArgs("--definition", "d.json", "--inputs", "i.json");

    String raw = ((RunCommand) cl.getCommand()).runOptions().process().rawOutputPrefix();

    assertThat(raw).isEqualTo(UserFolders.base().resolve("raw").toString());
    assertThat(raw).startsWith(dir.resolve("tmp").toString()).doesNotContain("flyte-beam-raw");
  }

  @Test
  void shouldRefuseToRunInATemporaryFolderAnotherUserCouldHavePlanted() throws Exception {
    // given: the per-user folder exists already, writable by everyone
    Path planted =
        Files.createDirectories(
            dir.resolve("tmp").resolve("flyte-beam-" + System.getProperty("user.name")));
    Files.setPosixFilePermissions(planted, PosixFilePermissions.fromString("rwxrwxrwx"));
    Path def = dir.resolve("c.def.json");
    DefinitionWriter.write(MapTask.of(new TestTasks.Counted()).build(), def);
    Path in = Cli.write(dir, "in.json", "{\"x\": [1, 2]}");

    // when
    Cli cli = Cli.run("run", "--definition", def.toString(), "--inputs", in.toString(), "--quiet");

    // then: nothing runs; one line names the folder and the fix
    assertThat(cli.exitCode()).as(cli.err()).isEqualTo(ExitCode.INFRASTRUCTURE);
    assertThat(cli.err().lines())
        .singleElement()
        .satisfies(
            line ->
                assertThat(line)
                    .startsWith("error: ")
                    .contains("[" + planted + "] may be written by other users"));
    assertThat(TestTasks.calls("test_counted")).isZero();
  }

  @Test
  void shouldCreateFilesAsTheUmaskSays() throws Exception {
    // given: a driver whose umask lets no one else read
    Path def = dir.resolve("c.def.json");
    DefinitionWriter.write(MapTask.of(new TestTasks.Counted()).build(), def);
    Path in = Cli.write(dir, "in.json", "{\"x\": [1, 2]}");
    Path out = dir.resolve("out.pb");
    Path summary = dir.resolve("summary.json");
    Path outputsDir = dir.resolve("shards");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    String command =
        String.join(
            " ",
            "umask 077; exec",
            quote(java),
            "-cp",
            quote(System.getProperty("java.class.path")),
            "org.flytebeam.runner.Main run --quiet",
            "--definition",
            quote(def.toString()),
            "--inputs",
            quote(in.toString()),
            "--outputs",
            quote(out.toString()),
            "--outputs-dir",
            quote(outputsDir.toString()),
            "--summary",
            quote(summary.toString()));
    Process driver =
        new ProcessBuilder("sh", "-c", command)
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("driver.log").toFile())
            .start();
    try {
      assertThat(driver.waitFor(120, TimeUnit.SECONDS)).isTrue();
    } finally {
      driver.destroyForcibly();
    }

    // then: every file it wrote is the user's only
    assertThat(driver.exitValue()).as(Files.readString(dir.resolve("driver.log"))).isZero();
    List<Path> written = new java.util.ArrayList<>(List.of(out, summary));
    try (Stream<Path> files = Files.walk(outputsDir)) {
      files.filter(Files::isRegularFile).forEach(written::add);
    }
    assertThat(written).hasSizeGreaterThanOrEqualTo(4);
    for (Path file : written) {
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
          .as(file.toString())
          .isEqualTo("rw-------");
    }
    assertThat(Literals.isNone(Containers.outputs(out).getLiteralsOrThrow("o0"))).isFalse();
  }

  private static String quote(String s) {
    return "'" + s.replace("'", "'\\''") + "'";
  }
}
