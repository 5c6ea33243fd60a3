package org.flytebeam.runner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.flytebeam.runner.Containers.vars;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.util.JsonFormat;
import flyteidl.core.Literals.Literal;
import flyteidl.core.Literals.LiteralMap;
import flyteidl.core.Types.BlobType.BlobDimensionality;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.apache.beam.runners.spark.SparkPipelineOptions;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.runners.TransformHierarchy;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PValue;
import org.flytebeam.beam.MapResult;
import org.flytebeam.beam.MapRunPlan;
import org.flytebeam.beam.MapTaskTransform;
import org.flytebeam.examples.SayHello;
import org.flytebeam.idl.DefinitionWriter;
import org.flytebeam.runner.testing.TestTasks;
import org.flytebeam.spec.MapTask;
import org.flytebeam.spec.MapTaskSpec;
import org.flytebeam.types.LiteralTypes;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --outputs-dir}: outputs as sharded JSON Lines files and a LiteralMap of blobs. */
class OutputsDirTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  @BeforeEach
  void reset() {
    TestTasks.reset();
  }

  private Path definition(MapTaskSpec spec, String name) {
    Path file = dir.resolve(name);
    DefinitionWriter.write(spec, file);
    return file;
  }

  private Path ints(String name, long... values) throws IOException {
    StringBuilder s = new StringBuilder("{\"x\": [");
    for (int i = 0; i < values.length; i++) {
      s.append(i == 0 ? "" : ",").append(values[i]);
    }
    return Cli.write(dir, name, s.append("]}").toString());
  }

  /** Negative where {@code i % 7 == 3}: those elements fail. */
  private static long[] mixed(int n) {
    long[] x = new long[n];
    for (int i = 0; i < n; i++) {
      x[i] = i % 7 == 3 ? -i : i;
    }
    return x;
  }

  /** The shard files, by name: they must tile [0, size) in index order. */
  static List<Path> shards(Path outputsDir) throws IOException {
    try (Stream<Path> files = Files.list(outputsDir.resolve("elements"))) {
      return files.sorted().toList();
    }
  }

  /** Every shard's lines, in file-name order. */
  static List<String> lines(Path outputsDir) throws IOException {
    List<String> all = new ArrayList<>();
    for (Path shard : shards(outputsDir)) {
      all.addAll(Files.readAllLines(shard));
    }
    return all;
  }

  private static void assertTiles(Path outputsDir, long size) throws IOException {
    long next = 0;
    for (Path shard : shards(outputsDir)) {
      String name = shard.getFileName().toString();
      assertThat(name).matches("part-\\d{12}-\\d{12}\\.jsonl");
      long start = Long.parseLong(name.substring(5, 17));
      long end = Long.parseLong(name.substring(18, 30));
      assertThat(start).as(name).isEqualTo(next);
      assertThat(Files.readAllLines(shard)).as(name).hasSize((int) (end - start));
      next = end;
    }
    assertThat(next).isEqualTo(size);
    assertThat(outputsDir.resolve("_temporary")).doesNotExist();
  }

  private static void assertBlobs(LiteralMap outputs, Path outputsDir, String... names) {
    assertThat(outputs.getLiteralsMap()).containsOnlyKeys(names);
    for (String name : names) {
      Literal value = outputs.getLiteralsMap().get(name);
      assertThat(value.getScalar().getBlob().getUri())
          .isEqualTo(outputsDir.toAbsolutePath() + "/elements/");
      assertThat(value.getScalar().getBlob().getMetadata().getType().getFormat())
          .isEqualTo("jsonl");
      assertThat(value.getScalar().getBlob().getMetadata().getType().getDimensionality())
          .isEqualTo(BlobDimensionality.MULTIPART);
    }
  }

  @Test
  void shouldWriteEveryIndexOnceInOrderWithNoneForFailuresWhenTheMapFails() throws Exception {
    // given: 3,000 elements, every seventh fails, all must succeed, every element runs
    int n = 3000;
    Path def =
        definition(MapTask.of(new TestTasks.Counted()).runAllSubNodes(true).build(), "c.def.json");
    Path out = dir.resolve("out");

    // when
    Cli cli =
        Cli.run(
            "run",
            "--definition",
            def.toString(),
            "--inputs",
            ints("in.json", mixed(n)).toString(),
            "--outputs-dir",
            out.toString(),
            "--quiet");

    // then: exit 1, and still every element's line, in index order
    assertThat(cli.exitCode()).as(cli.err()).isEqualTo(ExitCode.MAP_FAILED);
    assertThat(cli.err()).startsWith("error: map failed: 2571 of 3000 elements succeeded");
    assertTiles(out, n);
    List<String> lines = lines(out);
    assertThat(lines).hasSize(n);
    for (int i = 0; i < n; i++) {
      JsonNode line = JSON.readTree(lines.get(i));
      assertThat(line.size()).isEqualTo(2);
      assertThat(line.get("index").asLong()).isEqualTo(i);
      JsonNode o0 = line.at("/outputs/o0");
      if (i % 7 == 3) {
        assertThat(o0.isNull()).as(lines.get(i)).isTrue();
      } else {
        assertThat(o0.asLong()).as(lines.get(i)).isEqualTo(10L * i);
      }
    }
    assertThat(lines.get(3)).isEqualTo("{\"index\":3,\"outputs\":{\"o0\":null}}");
    assertThat(TestTasks.calls("test_counted")).isEqualTo(n);
    // stdout: the small LiteralMap, as plain JSON; the same map in DIR/outputs.pb
    JsonNode printed = JSON.readTree(cli.out());
    assertThat(printed.at("/o0/uri").asText()).isEqualTo(out.toAbsolutePath() + "/elements/");
    assertThat(printed.at("/o0/format").asText()).isEqualTo("jsonl");
    assertThat(printed.at("/o0/multipart").asBoolean()).isTrue();
    assertBlobs(LiteralMap.parseFrom(Files.readAllBytes(out.resolve("outputs.pb"))), out, "o0");
  }

  @Test
  void shouldNameTheBlobsAfterTheWorkflowOutputsInJsonAndBinaryForms() throws Exception {
    // given: the workflow output [greetings] reads the map node's [o0]
    Path def = definition(MapTask.of(new SayHello()).build(), "hello.def.json");
    ObjectNode closure = (ObjectNode) JSON.readTree(def.toFile());
    ((ObjectNode) closure.at("/workflow/outputs/0")).put("var", "greetings");
    ObjectNode vars = (ObjectNode) closure.at("/workflow/interface/outputs/variables");
    vars.set("greetings", vars.remove("o0"));
    Files.writeString(def, JSON.writeValueAsString(closure));
    Path in = Cli.write(dir, "in.json", "{\"name\": [\"earth\", \"mars\"]}");
    Path out = dir.resolve("out");

    // when: --outputs as protobuf JSON as well
    Cli cli =
        Cli.run(
            "run",
            "--definition",
            def.toString(),
            "--inputs",
            in.toString(),
            "--quiet",
            "--outputs-dir",
            out.toString(),
            "--outputs",
            dir.resolve("outputs.json").toString());

    // then
    assertThat(cli.exitCode()).as(cli.err()).isZero();
    assertThat(cli.out()).isEmpty();
    LiteralMap.Builder json = LiteralMap.newBuilder();
    JsonFormat.parser().merge(Files.readString(dir.resolve("outputs.json")), json);
    assertBlobs(json.build(), out, "greetings");
    assertThat(LiteralMap.parseFrom(Files.readAllBytes(out.resolve("outputs.pb"))))
        .isEqualTo(json.build());
    // the lines hold the node's output names
    assertThat(lines(out))
        .containsExactly(
            "{\"index\":0,\"outputs\":{\"o0\":\"hello earth!\"}}",
            "{\"index\":1,\"outputs\":{\"o0\":\"hello mars!\"}}");
  }

  @Test
  void shouldWriteEveryOutputOnEachLineWhenTheTaskHasSeveral() throws Exception {
    Path def =
        definition(
            MapTask.of(new TestTasks.Paired()).minSuccessRatio(0.5f).build(), "pair.def.json");
    Path out = dir.resolve("out");

    Cli cli =
        Cli.run(
            "run",
            "--definition",
            def.toString(),
            "--inputs",
            ints("in.json", 1, -2, 3).toString(),
            "--outputs-dir",
            out.toString(),
            "--outputs",
            dir.resolve("o.pb").toString(),
            "--quiet");

    assertThat(cli.exitCode()).as(cli.err()).isZero();
    assertThat(lines(out))
        .containsExactly(
            "{\"index\":0,\"outputs\":{\"twice\":2,\"label\":\"n1\"}}",
            "{\"index\":1,\"outputs\":{\"twice\":null,\"label\":null}}",
            "{\"index\":2,\"outputs\":{\"twice\":6,\"label\":\"n3\"}}");
    assertBlobs(
        LiteralMap.parseFrom(Files.readAllBytes(dir.resolve("o.pb"))), out, "twice", "label");
  }

  @Test
  void shouldWriteIdenticalShardsOnTheDirectRunnerAndSparkLocal() throws Exception {
    MapTaskSpec spec =
        MapTask.of(new TestTasks.Counted()).concurrency(3).minSuccessRatio(0.5f).build();
    LiteralMap inputs = Inputs.of("x", Inputs.ints(mixed(5000)));
    Path onDirect = dir.resolve("direct");
    Path onSpark = dir.resolve("spark");

    MapResult direct =
        FlyteBeam.run(spec, inputs, RunOptions.defaults().withOutputsDir(onDirect.toString()));
    int directCalls = TestTasks.calls("test_counted");
    TestTasks.reset();
    MapResult spark =
        FlyteBeam.run(
            spec,
            inputs,
            RunOptions.defaults()
                .withRunner(RunnerKind.SparkRunner)
                .withSparkMaster("local[2]")
                .withOutputsDir(onSpark.toString()));
    try {
      assertThat(direct.success()).isTrue();
      assertThat(spark.verdict().errors().format()).isEqualTo(direct.verdict().errors().format());
      assertThat(spark.verdict()).isEqualTo(direct.verdict());
      assertTiles(onSpark, 5000);
      assertThat(lines(onSpark)).hasSize(5000).isEqualTo(lines(onDirect));
      assertThat(shards(onSpark).stream().map(Path::getFileName).toList())
          .isEqualTo(shards(onDirect).stream().map(Path::getFileName).toList());
      // every element ran exactly once on each runner: nothing was computed again
      assertThat(directCalls).isEqualTo(5000);
      assertThat(TestTasks.calls("test_counted")).isEqualTo(5000);
      assertThat(TestTasks.CALLS.get("test_counted").values()).allMatch(c -> c.get() == 1);
      // the Java API's outputs are the blobs, also written to DIR/outputs.pb
      assertBlobs(spark.outputs(), onSpark, "o0");
      assertThat(LiteralMap.parseFrom(Files.readAllBytes(onSpark.resolve("outputs.pb"))))
          .isEqualTo(spark.outputs());
    } finally {
      FlyteBeam.deleteLocalFolder(direct.plan().workDir());
      FlyteBeam.deleteLocalFolder(spark.plan().workDir());
    }
  }

  @Test
  void shouldGiveTheInvocationsOneConsumerAndSpillCachedDataOnSpark() {
    // Beam's Spark runner caches (and so may evict and recompute) only a collection read by more
    // than one transform: the invocations' output must feed the count alone.
    MapTaskSpec spec = MapTask.of(new TestTasks.Counted()).build();
    MapRunPlan plan =
        MapRunPlan.prepare(spec, Inputs.of("x", Inputs.ints(1, 2)), dir.toString(), "structure");
    Pipeline pipeline = Pipeline.create();
    pipeline.apply(MapTaskTransform.of(plan));
    List<PValue> invoked = new ArrayList<>();
    AtomicInteger consumers = new AtomicInteger();
    pipeline.traverseTopologically(
        new Pipeline.PipelineVisitor.Defaults() {
          @Override
          public void visitPrimitiveTransform(TransformHierarchy.Node node) {
            if (node.getFullName().contains("/Invoke[test_counted]")) {
              invoked.addAll(node.getOutputs().values());
            }
            for (PValue input : node.getInputs().values()) {
              if (invoked.contains(input)) {
                consumers.incrementAndGet();
              }
            }
          }
        });
    plan.release();

    assertThat(invoked).singleElement().isInstanceOf(PCollection.class);
    assertThat(consumers.get()).isEqualTo(1);
    // Whatever Spark caches spills to disk rather than being dropped and recomputed.
    RunOptions options = RunOptions.defaults().withRunner(RunnerKind.SparkRunner);
    assertThat(
            FlyteBeam.pipelineOptions(spec, options)
                .as(SparkPipelineOptions.class)
                .getStorageLevel())
        .isEqualTo("MEMORY_AND_DISK");
  }

  @Test
  void shouldExitTwoBeforeAnyElementRunsWhenTheOutputsDirCannotBeWritten() throws Exception {
    Path def = definition(MapTask.of(new TestTasks.Counted()).build(), "c.def.json");
    Path blocker = Files.writeString(dir.resolve("blocker"), "a file, not a folder");

    Cli cli =
        Cli.run(
            "run",
            "--definition",
            def.toString(),
            "--inputs",
            ints("in.json", 1, 2).toString(),
            "--outputs-dir",
            blocker.resolve("out").toString(),
            "--quiet");

    assertThat(cli.exitCode()).as(cli.err()).isEqualTo(ExitCode.INVALID);
    assertThat(cli.err())
        .startsWith("error: --outputs-dir: outputs folder [" + blocker.resolve("out"))
        .contains("cannot be written", "give a folder you can write");
    assertThat(cli.err().lines().count()).isEqualTo(1);
    assertThat(TestTasks.calls("test_counted")).isZero();
  }

  @Test
  void shouldExitTwoRatherThanMixShardsWhenTheFolderHoldsAnEarlierRun() throws Exception {
    Path def = definition(MapTask.of(new TestTasks.Counted()).build(), "c.def.json");
    Path out = dir.resolve("out");
    String in = ints("in.json", 1, 2).toString();
    assertThat(
            Cli.run(
                    "run",
                    "--definition",
                    def.toString(),
                    "--inputs",
                    in,
                    "--outputs-dir",
                    out.toString(),
                    "--quiet")
                .exitCode())
        .isZero();
    TestTasks.reset();

    Cli again =
        Cli.run(
            "run",
            "--definition",
            def.toString(),
            "--inputs",
            in,
            "--outputs-dir",
            out.toString(),
            "--quiet");

    assertThat(again.exitCode()).as(again.err()).isEqualTo(ExitCode.INVALID);
    assertThat(again.err())
        .startsWith("error: --outputs-dir: ")
        .contains("already holds 2 shards", "give an empty or new folder");
    assertThat(TestTasks.calls("test_counted")).isZero();
    assertThat(lines(out)).hasSize(2);
  }

  @Test
  void shouldWriteNoneForEveryElementWhenTheMapCannotSucceedOrAnEmptyFolderWhenItIsEmpty()
      throws Exception {
    // min_successes above the size: nothing runs, yet every index has its line
    Path def =
        definition(MapTask.of(new TestTasks.Counted()).minSuccesses(5).build(), "c.def.json");
    Path out = dir.resolve("out");
    Cli cli =
        Cli.run(
            "run",
            "--definition",
            def.toString(),
            "--inputs",
            ints("in.json", 1, 2, 3).toString(),
            "--outputs-dir",
            out.toString(),
            "--quiet");
    assertThat(cli.exitCode()).as(cli.err()).isEqualTo(ExitCode.MAP_FAILED);
    assertThat(lines(out))
        .containsExactly(
            "{\"index\":0,\"outputs\":{\"o0\":null}}",
            "{\"index\":1,\"outputs\":{\"o0\":null}}",
            "{\"index\":2,\"outputs\":{\"o0\":null}}");
    assertThat(TestTasks.calls("test_counted")).isZero();

    // no elements: an empty folder, and the blob map
    Path empty = dir.resolve("empty");
    Cli none =
        Cli.run(
            "run",
            "--definition",
            def.toString(),
            "--inputs",
            ints("none.json").toString(),
            "--outputs-dir",
            empty.toString(),
            "--quiet");
    assertThat(none.exitCode()).as(none.err()).isZero();
    assertThat(shards(empty)).isEmpty();
    assertBlobs(LiteralMap.parseFrom(Files.readAllBytes(empty.resolve("outputs.pb"))), empty, "o0");
  }

  @Test
  void shouldWriteTheShardsOfAContainerSubTask() throws Exception {
    // given: a raw container (sh) doubling x, failing on x = 3
    Path def =
        Containers.mapOver(
            dir,
            "double.def.json",
            Containers.rawContainer(
                "double",
                vars("x", LiteralTypes.of(Long.class)),
                vars("y", LiteralTypes.of(Long.class)),
                "x={{.inputs.x}}; [ $x -eq 3 ] && { echo no >&2; exit 1; }; echo $((x * 2)) > /var/outputs/y"));
    Path out = dir.resolve("out");

    // when
    Cli cli =
        Cli.run(
            "run",
            "--definition",
            def.toString(),
            "--inputs",
            ints("in.json", 1, 2, 3, 4).toString(),
            "--outputs-dir",
            out.toString(),
            "--quiet");

    // then
    assertThat(cli.exitCode()).as(cli.err()).isEqualTo(ExitCode.MAP_FAILED);
    assertThat(lines(out))
        .containsExactly(
            "{\"index\":0,\"outputs\":{\"y\":2}}",
            "{\"index\":1,\"outputs\":{\"y\":4}}",
            "{\"index\":2,\"outputs\":{\"y\":null}}",
            "{\"index\":3,\"outputs\":{\"y\":8}}");
  }

  @Test
  void shouldDescribeTheBlobsAndTheLinesThatOutputsDirGives() {
    Path def =
        definition(
            MapTask.of(new TestTasks.Paired()).minSuccessRatio(0.5f).build(), "pair.def.json");

    Cli cli = Cli.run("describe", "--definition", def.toString());

    assertThat(cli.exitCode()).as(cli.err()).isZero();
    assertThat(cli.out())
        .contains(
            "outputs-dir: (twice, label: Blob[jsonl, multipart] of DIR/elements/), one line per element:"
                + " {\"index\": int, \"outputs\": {\"twice\": int or null, \"label\": str or null}}");
  }
}
