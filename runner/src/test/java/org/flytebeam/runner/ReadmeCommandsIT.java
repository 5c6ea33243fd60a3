package org.flytebeam.runner;

import static java.util.Map.entry;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Every command of the README's fenced {@code sh} blocks, run exactly as written with {@code bash}
 * from the repository's root, in README order, against the jars {@code package} built; or listed in
 * {@link #NOT_RUN} with the reason it cannot run here. A command that is neither fails the test, so
 * a section added to the README is run (or its reason written down) from then on.
 *
 * <p>"The root" is a fresh folder holding a link to each entry of the checkout's root: relative
 * paths ({@code ./flyte-beam}, {@code examples/...}, {@code api/target/...}) resolve as in the
 * checkout, and what the commands write ({@code classes/}, {@code my-tasks.jar}, {@code
 * greet.def.json}) stays out of it. A {@code java} block that is a whole file (it starts with its
 * {@code package} line) is saved there first under its class's name, as the README asks ("Save this
 * as {@code Greet.java}").
 */
class ReadmeCommandsIT {
  private static final Duration TIMEOUT = Duration.ofMinutes(5);
  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * README commands that are not run, and why. Add one only when it cannot run in a test (a
   * placeholder host, a cluster, the test command itself); the text must be the README's command
   * exactly, continuation lines joined by one space.
   */
  private static final Map<String, String> NOT_RUN =
      Map.ofEntries(
          entry("mvn verify", "the build command that runs this very test"),
          entry(
              "./flyte-beam run --definition map.def.json --inputs inputs.json --outputs outputs.json"
                  + " --runner SparkRunner --spark-master spark://HOST:7077 --work-dir"
                  + " /shared/flyte-beam",
              "HOST is a placeholder for the user's cluster; SparkClusterIT runs the launcher on a"
                  + " real standalone cluster"),
          entry(
              "spark-submit --master spark://HOST:7077 --conf"
                  + " spark.executor.extraJavaOptions=\"--add-opens=java.base/java.lang=ALL-UNNAMED"
                  + " ...\" --class org.flytebeam.runner.Main runner/target/flyte-beam-cluster.jar run"
                  + " --definition hdfs://NAMENODE:8020/maps/map.def.json --inputs"
                  + " hdfs://NAMENODE:8020/maps/inputs.json --outputs"
                  + " hdfs://NAMENODE:8020/maps/outputs.json --work-dir"
                  + " hdfs://NAMENODE:8020/tmp/flyte-beam --jars my-tasks.jar",
              "needs a Spark distribution's spark-submit, a cluster and HDFS (placeholders);"
                  + " SparkClusterIT runs SparkSubmit with the cluster jar and a task jar"),
          entry(
              "./flyte-beam run --s3-endpoint http://HOST:PORT --definition"
                  + " s3://flyte/defs/square.def.json --inputs s3://flyte/in/inputs.json --outputs"
                  + " s3://flyte/direct/out.pb --cache s3://flyte/direct/cache --work-dir"
                  + " s3://flyte/direct/work --jars examples/target/flyte-beam-examples.jar",
              "needs an S3 API server at HOST:PORT (a placeholder) and the bucket flyte; S3RunIT"
                  + " runs these against s3proxy on a free port"),
          entry(
              "./flyte-beam run --s3-endpoint http://HOST:PORT --definition"
                  + " s3://flyte/defs/square.def.json --inputs s3://flyte/in/inputs.json --outputs-dir"
                  + " s3://flyte/direct/outputs-dir --cache s3://flyte/direct/cache --jars"
                  + " examples/target/flyte-beam-examples.jar",
              "needs an S3 API server at HOST:PORT (a placeholder) and the bucket flyte; S3RunIT"
                  + " runs these against s3proxy on a free port"),
          entry(
              "./flyte-beam run --s3-endpoint http://HOST:PORT --spark-master 'local[2]'"
                  + " --definition s3://flyte/defs/square.def.json --inputs s3://flyte/in/inputs.json"
                  + " --outputs s3://flyte/spark/out.pb --cache s3://flyte/spark/cache --work-dir"
                  + " s3://flyte/spark/work --jars examples/target/flyte-beam-examples.jar",
              "needs an S3 API server at HOST:PORT (a placeholder) and the bucket flyte; S3RunIT"
                  + " runs these against s3proxy on a free port"),
          entry(
              "./flyte-beam run --s3-endpoint http://HOST:PORT --definition"
                  + " s3://flyte/pkg/package.tgz --workflow core.flyte_basics.basic_workflow.my_wf"
                  + " --inputs in.json --outputs out.pb",
              "needs an S3 API server at HOST:PORT (a placeholder) and the bucket flyte; S3RunIT"
                  + " runs these against s3proxy on a free port"),
          entry(
              "./flyte-beam run --s3-endpoint http://HOST:PORT --definition s3://flyte/serialized/"
                  + " --workflow core.flyte_basics.basic_workflow.my_wf --inputs in.json --outputs out.pb",
              "needs an S3 API server at HOST:PORT (a placeholder) and the bucket flyte; S3RunIT"
                  + " runs these against s3proxy on a free port"),
          entry(
              "./flyte-beam run --s3-endpoint http://HOST:PORT --definition"
                  + " s3://flyte/pkg/no-bundle.tgz --fast-bundle s3://flyte/bundles/fast-BUNDLE.tar.gz"
                  + " --workflow core.flyte_basics.basic_workflow.my_wf --inputs in.json --outputs out.pb",
              "needs an S3 API server at HOST:PORT (a placeholder) and the bucket flyte; S3RunIT"
                  + " runs these against s3proxy on a free port"),
          entry(
              "./flyte-beam run --s3-endpoint http://HOST:PORT --definition s3://flyte/defs/folders.def.json --inputs folders.json --raw-output-prefix s3://flyte/rawdirs --outputs folders.pb",
              "needs an S3 API server at HOST:PORT (a placeholder) and the bucket flyte; S3RunIT runs these against s3proxy on a free port"),
          entry(
              "./flyte-beam run --hadoop-conf CONF --definition folders.def.json --inputs folders.json --raw-output-prefix hdfs://NAMENODE:PORT/folders/raw --outputs folders.pb",
              "needs HDFS at NAMENODE:PORT and its configuration folder CONF (placeholders); HdfsRunIT runs it on a MiniDFSCluster"),
          entry(
              "./flyte-beam run --s3-endpoint http://HOST:PORT --definition s3://flyte/defs/square.def.json --inputs s3://flyte/offloaded/inputs.pb --outputs s3://flyte/offloaded/out.pb --no-cache",
              "needs an S3 API server at HOST:PORT (a placeholder) and the bucket flyte; S3RunIT runs these against s3proxy on a free port"),
          entry(
              "./flyte-beam run --s3-endpoint http://HOST:PORT --definition s3://flyte/defs/square.def.json --inputs s3://flyte/parts/inputs.json --outputs s3://flyte/parts/out.pb --no-cache",
              "needs an S3 API server at HOST:PORT (a placeholder) and the bucket flyte; S3RunIT runs these against s3proxy on a free port"),
          entry(
              "./flyte-beam execute --s3-endpoint http://HOST:PORT --s3-region us-east-1 --task test_counted --inputs s3://flyte/exec/ok/inputs.pb --output-prefix s3://flyte/exec/ok/out",
              "needs an S3 API server at HOST:PORT (a placeholder) and the bucket flyte; S3RunIT runs these against s3proxy on a free port"),
          entry(
              "java <the Java 17 flags> -cp \"$SPARK_HOME/jars/*\""
                  + " org.apache.spark.deploy.SparkSubmit --master spark://HOST:7077 --class"
                  + " org.flytebeam.runner.Main flyte-beam-cluster.jar run ...",
              "a template (<the Java 17 flags>, run ...), not a command; SparkClusterIT runs it"),
          entry(
              "HADOOP_CONF_DIR=/etc/hadoop/conf spark-submit --master yarn --deploy-mode client"
                  + " --num-executors 2 --executor-cores 1 --executor-memory 512m --jars"
                  + " my-tasks.jar --class org.flytebeam.runner.Main"
                  + " runner/target/flyte-beam-cluster.jar run --definition square.def.json"
                  + " --inputs square.inputs.json --outputs outputs.json --work-dir"
                  + " hdfs://NAMENODE:PORT/tmp/flyte-beam",
              "needs a YARN cluster and HDFS (placeholders) and a Spark distribution's"
                  + " spark-submit; YarnIT runs it on MiniYARNCluster with free ports"),
          entry(
              "HADOOP_CONF_DIR=/etc/hadoop/conf spark-submit --master yarn --deploy-mode cluster"
                  + " --num-executors 2 --executor-cores 1 --executor-memory 512m --driver-memory"
                  + " 512m --jars my-tasks.jar --class org.flytebeam.runner.Main"
                  + " runner/target/flyte-beam-cluster.jar run --definition"
                  + " hdfs://NAMENODE:PORT/maps/square.def.json --inputs"
                  + " hdfs://NAMENODE:PORT/maps/inputs.json --outputs"
                  + " hdfs://NAMENODE:PORT/maps/outputs.json --outputs-dir"
                  + " hdfs://NAMENODE:PORT/maps/out --work-dir hdfs://NAMENODE:PORT/maps/work",
              "needs a YARN cluster and HDFS (placeholders) and a Spark distribution's"
                  + " spark-submit; YarnIT runs it on MiniYARNCluster with free ports"),
          entry(
              "HADOOP_CONF_DIR=/etc/hadoop/conf ./flyte-beam run --definition"
                  + " hdfs://NAMENODE:PORT/first/map.def.json --inputs"
                  + " hdfs://NAMENODE:PORT/first/inputs.json --outputs"
                  + " hdfs://NAMENODE:PORT/first/out/outputs.json --work-dir"
                  + " hdfs://NAMENODE:PORT/first/work --cache hdfs://NAMENODE:PORT/cache --jars"
                  + " my-tasks.jar",
              "needs HDFS (NAMENODE:PORT placeholders); HdfsRunIT runs it on MiniDFSCluster with a"
                  + " free port"),
          entry(
              "./flyte-beam run --hadoop-conf /etc/hadoop/conf --definition"
                  + " hdfs://NAMENODE:PORT/first/map.def.json --inputs"
                  + " hdfs://NAMENODE:PORT/second/inputs.json --outputs-dir"
                  + " hdfs://NAMENODE:PORT/second/out --work-dir hdfs://NAMENODE:PORT/second/work"
                  + " --cache hdfs://NAMENODE:PORT/cache --jars my-tasks.jar",
              "needs HDFS (NAMENODE:PORT placeholders); HdfsRunIT runs it on MiniDFSCluster with a"
                  + " free port"));

  /** What the README says of a command's result; a command not here must exit 0. */
  private record Expected(int exitCode, List<String> stderrHas, JsonNode stdoutJson) {}

  private Path root;
  private Path work;

  @BeforeEach
  void mirrorTheRoot() throws IOException {
    root = Path.of(System.getProperty("flytebeam.it.root")).toRealPath();
    work = Files.createTempDirectory("flyte-beam-readme-");
    try (Stream<Path> entries = Files.list(root)) {
      for (Path entry : entries.toList()) {
        String name = entry.getFileName().toString();
        if (!Set.of(".git", ".flyte-beam").contains(name)) {
          Files.createSymbolicLink(work.resolve(name), entry);
        }
      }
    }
  }

  @AfterEach
  void deleteTheFolder() throws IOException {
    try (Stream<Path> paths = Files.walk(work)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p); // links are removed, never followed
      }
    }
  }

  @Test
  void shouldRunEveryReadmeCommandAsWrittenOrSayWhyNot() throws IOException {
    String readme = Files.readString(root.resolve("README.md"), StandardCharsets.UTF_8);
    saveWholeJavaFiles(readme);
    Map<String, Expected> expected = expectations(readme);
    List<String> commands = commands(readme);
    assertThat(commands).as("the README's sh commands").isNotEmpty();

    List<String> unaccounted = new ArrayList<>();
    List<String> ran = new ArrayList<>();
    for (String command : commands) {
      if (NOT_RUN.containsKey(command)) {
        continue;
      }
      Result result = run(command);
      ran.add(command);
      Expected expect = expected.getOrDefault(command, new Expected(0, List.of(), null));
      assertThat(result.exitCode())
          .as("exit code of README command [%s]; stderr:%n%s", command, result.stderr())
          .isEqualTo(expect.exitCode());
      for (String line : expect.stderrHas()) {
        assertThat(result.stderr()).as("stderr of [%s]", command).contains(line);
      }
      if (expect.stdoutJson() != null) {
        assertThat(JSON.readTree(result.stdout()))
            .as("stdout of [%s]", command)
            .isEqualTo(expect.stdoutJson());
      }
    }
    for (String command : NOT_RUN.keySet()) {
      if (!commands.contains(command)) {
        unaccounted.add("listed as not run, but no longer in the README: " + command);
      }
    }
    System.out.printf(
        "ReadmeCommandsIT: ran %d README commands (%s), %d not run (NOT_RUN)%n",
        ran.size(), String.join("; ", ran), commands.size() - ran.size());
    assertThat(unaccounted).isEmpty();
    assertThat(expected.keySet()).as("commands with expectations were run").isSubsetOf(ran);
  }

  /**
   * What the README states of its commands' results: the quick start prints the {@code json} block
   * that follows it, the task of "Map your own Java task" greets its inputs, and the
   * failing-element example passes with its failure summary.
   */
  private static Map<String, Expected> expectations(String readme) throws IOException {
    Map<String, Expected> expected = new LinkedHashMap<>();
    Matcher quickStartOutput =
        Pattern.compile("The first command prints[^\n]*\n\n```json\n(.*?)```", Pattern.DOTALL)
            .matcher(readme);
    assertThat(quickStartOutput.find()).as("the README shows the quick start's output").isTrue();
    expected.put(
        "./flyte-beam run --definition examples/definitions/say-hello.def.json --inputs"
            + " examples/definitions/say-hello.inputs.json",
        new Expected(0, List.of(), JSON.readTree(quickStartOutput.group(1))));
    expected.put(
        "./flyte-beam run --definition greet.def.json --inputs inputs.json --jars my-tasks.jar",
        new Expected(
            0,
            List.of(),
            JSON.readTree("{\"o0\": [\"hello earth!\", \"hello mars!\", \"hello venus!\"]}")));
    expected.put(
        "./flyte-beam run --definition examples/definitions/fail-on-two-ratio.def.json --inputs"
            + " examples/definitions/fail-on-two-ratio.inputs.json",
        new Expected(
            0,
            List.of(
                "map succeeded: 3 of 4 elements succeeded (3 required)",
                "failures: 1 failed (1 kind of error):",
                "[1]: IllegalArgumentException: x must not be 2"),
            JSON.readTree("{\"o0\": [1, null, 3, 4]}")));
    return expected;
  }

  /** The commands of every fenced {@code sh} block, comments dropped, continuations joined. */
  static List<String> commands(String markdown) {
    List<String> commands = new ArrayList<>();
    Matcher block = Pattern.compile("(?m)^```sh\n(.*?)^```$", Pattern.DOTALL).matcher(markdown);
    while (block.find()) {
      StringBuilder current = new StringBuilder();
      for (String line : block.group(1).split("\n", -1)) {
        String text = line.strip();
        if (current.length() == 0 && (text.isEmpty() || text.startsWith("#"))) {
          continue;
        }
        boolean continued = text.endsWith("\\");
        if (continued) {
          text = text.substring(0, text.length() - 1).strip();
        }
        if (current.length() > 0) {
          current.append(' ');
        }
        current.append(text);
        if (!continued) {
          commands.add(current.toString());
          current.setLength(0);
        }
      }
      assertThat(current).as("a README sh block ends in a continuation line").isEmpty();
    }
    return commands;
  }

  /** Saves each {@code java} block that is a whole file (starts with {@code package}). */
  private void saveWholeJavaFiles(String readme) throws IOException {
    Matcher block = Pattern.compile("(?m)^```java\n(.*?)^```$", Pattern.DOTALL).matcher(readme);
    Pattern className = Pattern.compile("(?m)^public (?:final )?class (\\w+)");
    while (block.find()) {
      String source = block.group(1);
      if (!source.startsWith("package ")) {
        continue;
      }
      Matcher name = className.matcher(source);
      assertThat(name.find()).as("a whole java file in the README names its class").isTrue();
      Files.writeString(work.resolve(name.group(1) + ".java"), source, StandardCharsets.UTF_8);
    }
  }

  private record Result(int exitCode, String stdout, String stderr) {}

  private Result run(String command) {
    try {
      Path out = Files.createTempFile(work.getParent(), "readme-out-", ".txt");
      Path err = Files.createTempFile(work.getParent(), "readme-err-", ".txt");
      try {
        Process process =
            new ProcessBuilder("bash", "-c", command)
                .directory(work.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                .redirectOutput(out.toFile())
                .redirectError(err.toFile())
                .start();
        if (!process.waitFor(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
          process.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
          process.destroyForcibly();
          throw new AssertionError(
              "README command ["
                  + command
                  + "] did not end within "
                  + TIMEOUT
                  + "; stderr:\n"
                  + Files.readString(err));
        }
        return new Result(process.exitValue(), Files.readString(out), Files.readString(err));
      } finally {
        Files.deleteIfExists(out);
        Files.deleteIfExists(err);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }
}
