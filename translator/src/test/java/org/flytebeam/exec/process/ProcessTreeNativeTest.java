package org.flytebeam.exec.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@link ProcessTreeContract} with programs started through {@link NativeSpawn}, and what only that
 * way promises: on Linux on x86-64 or aarch64 (as CI and the supported workers run, with glibc 2.34
 * or later) it must be there, not skipped; elsewhere these tests are skipped.
 */
class ProcessTreeNativeTest extends ProcessTreeContract {
  @Override
  boolean nativeSpawn() {
    return true;
  }

  @BeforeAll
  static void nativeSpawnIsThere() {
    String arch = System.getProperty("os.arch");
    // Elsewhere (macOS, another architecture) programs start through the JDK: nothing to test.
    assumeTrue(
        System.getProperty("os.name").startsWith("Linux")
            && (arch.equals("amd64") || arch.equals("aarch64")),
        "NativeSpawn is for Linux on x86-64 and aarch64");
    assertThat(NativeSpawn.unavailable()).as("why NativeSpawn is not used").isEmpty();
  }

  private String stdout(ProcessTree.Completed done) {
    return new String(done.stdout().bytes(), StandardCharsets.UTF_8);
  }

  private ProcessTree.Completed run(String... argv) throws Exception {
    return runIn(dir, Map.of("PATH", System.getenv("PATH")), argv);
  }

  private static ProcessTree.Completed runIn(
      Path workDir, Map<String, String> environment, String... argv) throws Exception {
    return ProcessTree.run(
        new ProcessTree.Launch(List.of(argv), environment, workDir, Optional.empty(), 4096),
        () -> false,
        true);
  }

  /** Writes {@code text} to {@code file}, executable by its owner. */
  private static Path executable(Path file, String text) throws Exception {
    Files.writeString(file, text);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwx------"));
    return file;
  }

  @Test
  void shouldStartTheProgramAsTheLeaderOfASessionOfItsOwn() throws Exception {
    // /proc/PID/stat after the command's name: state, ppid, pgrp, session
    ProcessTree.Completed done =
        run("sh", "-c", "echo $$; sed 's/.*) //' /proc/$$/stat | cut -d' ' -f3,4");

    List<String> lines = stdout(done).lines().toList();
    String pid = lines.get(0);
    assertThat(lines.get(1)).isEqualTo(pid + " " + pid);
    assertThat(Long.parseLong(pid)).isEqualTo(done.pid());
  }

  @Test
  void shouldGiveTheProgramNoDescriptorButItsStdinStdoutAndStderr() throws Exception {
    // given: descriptors of this JVM's, open while the program starts
    try (var in = Files.newInputStream(Files.writeString(dir.resolve("open"), "x"))) {
      // when: the shell lists its own descriptors (a glob, no process of its own), keeping those
      // still open once the glob closed the folder it read
      ProcessTree.Completed done =
          run(
              "sh",
              "-c",
              "set -- /proc/$$/fd/*; for f; do [ -e \"$f\" ] && printf '%s ' \"${f##*/}\"; done;"
                  + " true");

      // then
      assertThat(stdout(done).strip()).isEqualTo("0 1 2");
      assertThat(in.read()).isEqualTo('x');
    }
  }

  @Test
  void shouldReadStdinFromDevNull() throws Exception {
    ProcessTree.Completed done = run("sh", "-c", "readlink /proc/$$/fd/0; cat; echo end");
    assertThat(stdout(done)).isEqualTo("/dev/null\nend\n");
  }

  @Test
  void shouldRunAnExecutableWithoutAnInterpreterLineThroughTheShellAsExecvpDoes() throws Exception {
    Path script = executable(dir.resolve("plain-script"), "echo from-script \"$1\"\n");

    ProcessTree.Completed done = run(script.toString(), "arg");

    assertThat(done.exitCode()).isZero();
    assertThat(stdout(done)).isEqualTo("from-script arg\n");
  }

  @Test
  void shouldReportAFileThatCannotBeExecutedAsExitCode126() throws Exception {
    Path notExecutable = dir.resolve("not-executable");
    Files.writeString(notExecutable, "echo never\n");

    ProcessTree.Completed done = run(notExecutable.toString());

    assertThat(done.exitCode()).isEqualTo(126);
    assertThat(done.stderr().lastLines(3, 300))
        .contains("not-executable")
        .contains("Permission denied");
  }

  @Test
  void shouldLookTheProgramUpOnTheProgramsOwnPath() throws Exception {
    // given: a program only on the PATH given to the program, not on this JVM's
    Path bin = Files.createDirectories(dir.resolve("bin"));
    Path program = executable(bin.resolve("flyte-beam-only-here"), "#!/bin/sh\necho found-it\n");
    Map<String, String> environment = Map.of("PATH", bin + ":" + System.getenv("PATH"));

    ProcessTree.Completed done = runIn(dir, environment, "flyte-beam-only-here");

    assertThat(stdout(done)).isEqualTo("found-it\n");

    // and when it is gone, the next start looks again rather than using what it found before
    Files.delete(program);
    ProcessTree.Completed again = runIn(dir, environment, "flyte-beam-only-here");
    assertThat(again.exitCode()).isEqualTo(127);
  }

  @Test
  void shouldStartAProgramWhosePathAndWorkFolderAreNotAscii() throws Exception {
    Path folder = Files.createDirectories(dir.resolve("dossier-\u00e9t\u00e9"));
    Path program = executable(folder.resolve("programme-\u00e0"), "#!/bin/sh\npwd\n");

    ProcessTree.Completed done = runIn(folder, Map.of(), program.toString());

    assertThat(done.exitCode()).isZero();
    assertThat(stdout(done).strip()).isEqualTo(folder.toRealPath().toString());
  }
}
