package org.flytebeam.runner;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A task jar as a user builds it against {@code flyte-beam-api} alone (the JDK's {@code javac} and
 * {@code jar} as processes, nothing of flyte-beam but {@code api/target/flyte-beam-api.jar} on the
 * class path), then defined and run with the checkout's {@code ./flyte-beam --jars}: it works the
 * first time, with no services file written by hand and no annotation.
 */
class TaskApiJarIT {
  private static final Duration TIMEOUT = Duration.ofMinutes(5);

  private final Path apiJar = Path.of(System.getProperty("flytebeam.it.apiJar"));
  private final Path launcher = Path.of(System.getProperty("flytebeam.it.launcher"));
  private final Path localJar = Path.of(System.getProperty("flytebeam.it.localJar"));
  private final Path clusterJar = Path.of(System.getProperty("flytebeam.it.clusterJar"));

  @TempDir Path dir;

  private static final String SHOUT =
      """
      package com.acme.tasks;

      import org.flytebeam.task.JavaTask;
      import org.flytebeam.task.TaskContext;

      public class Shout extends JavaTask<Shout.In, Shout.Out> {
        public record In(String word, long times) {}

        public record Out(String o0) {}

        public Shout() {
          super("acme_shout", In.class, Out.class);
        }

        @Override
        public Out run(In input, TaskContext context) {
          return new Out(input.word().toUpperCase(java.util.Locale.ROOT).repeat((int) input.times()));
        }
      }
      """;

  /** An abstract base (not a task), a static nested task, and a private helper class. */
  private static final String TASKS =
      """
      package com.acme.tasks;

      import org.flytebeam.task.JavaTask;
      import org.flytebeam.task.RecoverableException;
      import org.flytebeam.task.TaskContext;

      public final class Tasks {
        private Tasks() {}

        public abstract static class Base<I extends Record, O extends Record>
            extends JavaTask<I, O> {
          protected Base(String name, Class<I> in, Class<O> out) {
            super(name, in, out);
          }
        }

        public static final class Half extends Base<Half.In, Half.Out> {
          public record In(long x) {}

          public record Out(long o0) {}

          public Half() {
            super("acme_half", In.class, Out.class);
          }

          @Override
          public Out run(In input, TaskContext context) {
            if (input.x() % 2 != 0) {
              throw new RecoverableException("odd [" + input.x() + "]");
            }
            return new Out(input.x() / 2);
          }
        }
      }
      """;

  @Test
  void shouldBeASmallJarOfTheTaskApiAndItsProcessorAlone() throws IOException {
    assertThat(apiJar).as("built by package").isRegularFile();
    assertThat(Files.size(apiJar)).isLessThan(100_000);
    try (ZipFile jar = new ZipFile(apiJar.toFile())) {
      List<String> classes =
          jar.stream().map(e -> e.getName()).filter(n -> n.endsWith(".class")).toList();
      assertThat(classes)
          .contains(
              "org/flytebeam/task/JavaTask.class",
              "org/flytebeam/task/TaskContext.class",
              "org/flytebeam/task/RecoverableException.class",
              "org/flytebeam/types/Blob.class",
              "org/flytebeam/task/processing/JavaTaskProcessor.class")
          .allMatch(
              n ->
                  n.startsWith("org/flytebeam/task/")
                      || n.equals("org/flytebeam/types/Blob.class"));
      assertThat(
              new String(
                  jar.getInputStream(
                          jar.getEntry("META-INF/services/javax.annotation.processing.Processor"))
                      .readAllBytes(),
                  StandardCharsets.UTF_8))
          .contains("org.flytebeam.task.processing.JavaTaskProcessor");
    }
  }

  @Test
  void shouldKeepTheExampleTasksOutOfBothProductJars() throws IOException {
    for (Path product : List.of(localJar, clusterJar)) {
      try (ZipFile jar = new ZipFile(product.toFile())) {
        List<String> names = jar.stream().map(e -> e.getName()).toList();
        assertThat(names)
            .as("entries of %s", product)
            .contains("org/flytebeam/runner/Main.class", "org/flytebeam/task/JavaTask.class")
            .noneMatch(n -> n.startsWith("org/flytebeam/examples/"));
        // Compiling tasks against the product jar registers them too.
        String processors =
            new String(
                jar.getInputStream(
                        jar.getEntry("META-INF/services/javax.annotation.processing.Processor"))
                    .readAllBytes(),
                StandardCharsets.UTF_8);
        assertThat(processors).contains("JavaTaskProcessor");
        assertThat(jar.getEntry("META-INF/services/org.flytebeam.task.JavaTask"))
            .as("no task registered in %s", product)
            .isNull();
      }
    }
  }

  @Test
  void shouldRunATaskJarBuiltByPlainJavacAgainstTheApiJarFirstTime() throws IOException {
    // given: the README's commands, with the processor path as given there
    Path src = Files.writeString(dir.resolve("Shout.java"), SHOUT, StandardCharsets.UTF_8);
    exec(
        dir,
        0,
        javaTool("javac"),
        "-cp",
        apiJar.toString(),
        "-processorpath",
        apiJar.toString(),
        "-d",
        "classes",
        src.getFileName().toString());
    exec(dir, 0, javaTool("jar"), "cf", "shout.jar", "-C", "classes", ".");
    assertThat(dir.resolve("classes/META-INF/services/org.flytebeam.task.JavaTask"))
        .hasContent("com.acme.tasks.Shout");
    Path inputs =
        Files.writeString(
            dir.resolve("in.json"), "{\"word\": [\"hey\", \"ho\"], \"times\": [2, 3]}");

    // when
    Ran define =
        exec(
            dir,
            0,
            "bash",
            launcher.toString(),
            "define",
            "--task",
            "acme_shout",
            "--jars",
            "shout.jar",
            "--out",
            "shout.def.json");
    Ran run =
        exec(
            dir,
            0,
            "bash",
            launcher.toString(),
            "run",
            "--definition",
            "shout.def.json",
            "--inputs",
            inputs.toString(),
            "--jars",
            "shout.jar");

    Ran unknown =
        exec(
            dir,
            2,
            "bash",
            launcher.toString(),
            "define",
            "--task",
            "say_hello",
            "--jars",
            "shout.jar",
            "--out",
            "hello.def.json");

    // then
    assertThat(define.stderr()).contains("wrote shout.def.json");
    assertThat(new ObjectMapper().readTree(run.stdout()))
        .isEqualTo(new ObjectMapper().readTree("{\"o0\": [\"HEYHEY\", \"HOHOHO\"]}"));
    // The example tasks are not in the product: the user's task is the only one known.
    assertThat(unknown.stderr())
        .contains("no Java task named [say_hello]")
        .contains("(known: [acme_shout])");
  }

  @Test
  void shouldRegisterEveryConcreteTaskOfAMavenLayoutCompiledWithTheApiOnTheClassPathAlone()
      throws IOException {
    // given: sources as Maven lays them out, compiled as Maven compiles them when the build names
    // no annotation processors (javac finds the processor on the class path, Java 17 to 22)
    Path sources = Files.createDirectories(dir.resolve("src/main/java/com/acme/tasks"));
    Files.writeString(sources.resolve("Shout.java"), SHOUT, StandardCharsets.UTF_8);
    Files.writeString(sources.resolve("Tasks.java"), TASKS, StandardCharsets.UTF_8);
    Path classes = Files.createDirectories(dir.resolve("target/classes"));
    // An earlier build's services file, as an incremental build leaves it: its lines are kept.
    Path services =
        Files.createDirectories(classes.resolve("META-INF/services"))
            .resolve("org.flytebeam.task.JavaTask");
    Files.writeString(services, "# written by an earlier build\ncom.acme.tasks.Shout\n");

    exec(
        dir,
        0,
        javaTool("javac"),
        "-cp",
        apiJar.toString(),
        "-d",
        "target/classes",
        "src/main/java/com/acme/tasks/Shout.java",
        "src/main/java/com/acme/tasks/Tasks.java");
    exec(dir, 0, javaTool("jar"), "cf", "target/acme-tasks.jar", "-C", "target/classes", ".");

    // then: the nested task by its binary name, the abstract base left out
    assertThat(Files.readAllLines(services))
        .containsExactly("com.acme.tasks.Shout", "com.acme.tasks.Tasks$Half");
    Path inputs = Files.writeString(dir.resolve("in.json"), "{\"x\": [4, 10]}");
    exec(
        dir,
        0,
        "bash",
        launcher.toString(),
        "define",
        "--task",
        "acme_half",
        "--jars",
        "target/acme-tasks.jar",
        "--out",
        "half.def.json");
    Ran run =
        exec(
            dir,
            0,
            "bash",
            launcher.toString(),
            "run",
            "--definition",
            "half.def.json",
            "--inputs",
            inputs.toString(),
            "--jars",
            "target/acme-tasks.jar");
    assertThat(new ObjectMapper().readTree(run.stdout()))
        .isEqualTo(new ObjectMapper().readTree("{\"o0\": [2, 5]}"));
  }

  @Test
  void shouldSayExactlyWhatToAddWhenTheJarWasBuiltWithoutTheProcessor() throws IOException {
    Path src = Files.writeString(dir.resolve("Shout.java"), SHOUT, StandardCharsets.UTF_8);
    exec(
        dir,
        0,
        javaTool("javac"),
        "-proc:none",
        "-cp",
        apiJar.toString(),
        "-d",
        "classes",
        src.getFileName().toString());
    exec(dir, 0, javaTool("jar"), "cf", "bare.jar", "-C", "classes", ".");

    Ran define =
        exec(
            dir,
            2,
            "bash",
            launcher.toString(),
            "define",
            "--task",
            "acme_shout",
            "--jars",
            "bare.jar",
            "--out",
            "shout.def.json");

    assertThat(define.stderr())
        .startsWith("error: --jars file [")
        .contains("holds Java tasks [com.acme.tasks.Shout]")
        .contains("META-INF/services/org.flytebeam.task.JavaTask");
  }

  private record Ran(String stdout, String stderr) {}

  private static String javaTool(String name) {
    return Path.of(System.getProperty("java.home"), "bin", name).toString();
  }

  private static Ran exec(Path cwd, int expectedExit, String... command) {
    try {
      Path out = Files.createTempFile(cwd, "out-", ".txt");
      Path err = Files.createTempFile(cwd, "err-", ".txt");
      Process process =
          new ProcessBuilder(new ArrayList<>(List.of(command)))
              .directory(cwd.toFile())
              .redirectOutput(out.toFile())
              .redirectError(err.toFile())
              .start();
      if (!process.waitFor(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
        process.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        throw new AssertionError(String.join(" ", command) + " did not end within " + TIMEOUT);
      }
      Ran ran = new Ran(Files.readString(out), Files.readString(err));
      Files.delete(out);
      Files.delete(err);
      assertThat(process.exitValue())
          .as("exit code of %s; stderr:%n%s", String.join(" ", command), ran.stderr())
          .isEqualTo(expectedExit);
      return ran;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }
}
