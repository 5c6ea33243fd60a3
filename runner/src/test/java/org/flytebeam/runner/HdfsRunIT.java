package org.flytebeam.runner;

import static org.assertj.core.api.Assertions.assertThat;

import flyteidl.core.Literals.Literal;
import flyteidl.core.Literals.LiteralMap;
import flyteidl.core.Literals.LiteralOffloadedMetadata;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.apache.hadoop.fs.FileStatus;
import org.flytebeam.examples.Square;
import org.flytebeam.idl.DefinitionWriter;
import org.flytebeam.runner.testing.ChildProcesses;
import org.flytebeam.runner.testing.ChildProcesses.Child;
import org.flytebeam.runner.testing.HdfsClient;
import org.flytebeam.runner.testing.MiniHadoop;
import org.flytebeam.spec.MapTask;
import org.flytebeam.spec.MapTaskSpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * flyte-beam with every path on a real HDFS (a NameNode and a DataNode on 127.0.0.1, {@link
 * MiniHadoop}), through the launcher as a user runs it, on the DirectRunner: the definition, the
 * inputs file and the inputs it names by reference (JSON Lines, a file pattern, an offloaded
 * literal), {@code --outputs}, {@code --outputs-dir}, {@code --cache} and {@code --work-dir}. The
 * Hadoop configuration comes from {@code HADOOP_CONF_DIR}, or {@code --hadoop-conf DIR}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HdfsRunIT {
  private static final Duration RUN_TIMEOUT = Duration.ofMinutes(3);
  private static final int SIZE = 3_000;

  /**
   * Elements of the cached runs: every cache entry is a file written and renamed on HDFS, about 0.1
   * to 0.3 s each on a loaded machine.
   */
  private static final int CACHED = 60;

  private final Path launcher = Path.of(System.getProperty("flytebeam.it.launcher"));
  private final Path examplesJar = Path.of(System.getProperty("flytebeam.it.examplesJar"));

  private Path dir;
  private MiniHadoop hadoop;
  private HdfsClient hdfs;
  private String root;
  private long startNanos;

  @BeforeAll
  void startHdfs() throws IOException {
    startNanos = System.nanoTime();
    dir = Files.createTempDirectory("flyte-beam-hdfs-it-");
    hadoop = MiniHadoop.start(dir, false);
    root = hadoop.hdfs();
    hdfs = HdfsClient.open(root);
  }

  @AfterAll
  void stopHdfs() throws IOException {
    try {
      if (hdfs != null) {
        hdfs.close();
      }
    } finally {
      if (hadoop != null) {
        hadoop.close();
      }
      ChildProcesses.stopAll();
      System.out.printf(
          "HdfsRunIT: %.1f s including HDFS start and stop%n",
          (System.nanoTime() - startNanos) / 1e9);
      FlyteBeam.deleteLocalFolder(dir.toString());
    }
  }

  @Test
  void shouldRunWithDefinitionInputsOutputsCacheAndWorkDirOnHdfs() throws IOException {
    // given: a cacheable map of square, its definition and inputs on hdfs, x by reference to a
    // JSON Lines file on hdfs
    String base = root + "/first";
    String definition = putDefinition(MapTask.of(new Square()).cache("1").build(), base);
    hdfs.put(base + "/x.jsonl", lines(0, CACHED));
    String inputs =
        hdfs.put(
            base + "/inputs.json",
            "{\"x\": {\"uri\": \"" + base + "/x.jsonl\", \"format\": \"jsonl\"}}");

    // when
    Child first =
        launch(
            "first",
            hadoop.environment(),
            "--definition",
            definition,
            "--inputs",
            inputs,
            "--outputs",
            base + "/out/outputs.json",
            "--work-dir",
            base + "/work",
            "--cache",
            root + "/cache");

    // then: every output, read back from hdfs; the run folder and the cache entries are on hdfs
    assertThat(first.waitFor(RUN_TIMEOUT)).as(first.tail()).isZero();
    assertThat(Inputs.longs(Inputs.fromJson(hdfs.string(base + "/out/outputs.json")), "o0"))
        .isEqualTo(squares(0, CACHED));
    List<FileStatus> runs = hdfs.list(base + "/work");
    assertThat(runs).as("one run folder on hdfs").hasSize(1);
    assertThat(hdfs.exists(runs.get(0).getPath() + "/verdict.bin")).isTrue();
    assertThat(hdfs.filesBelow(root + "/cache"))
        .filteredOn(f -> f.endsWith(".entry"))
        .hasSize(CACHED);
    assertThat(first.output()).contains("map succeeded: " + CACHED + " of " + CACHED);
    assertThat(first.output()).doesNotContain("from the cache");

    // when: the same map over a file pattern on hdfs matching two parts, into --outputs-dir on hdfs
    String second = root + "/second";
    hdfs.put(second + "/parts/part-00000.jsonl", lines(0, CACHED / 2));
    hdfs.put(second + "/parts/part-00001.jsonl", lines(CACHED / 2, CACHED));
    hdfs.put(second + "/parts/other.jsonl", lines(0, 7)); // not matched by part-*
    String patternInputs =
        hdfs.put(
            second + "/inputs.json",
            "{\"x\": {\"pattern\": \"" + second + "/parts/part-*.jsonl\", \"format\": \"jsonl\"}}");
    Child again =
        launch(
            "second",
            Map.of(),
            "--hadoop-conf",
            hadoop.confDir().toString(),
            "--definition",
            definition,
            "--inputs",
            patternInputs,
            "--outputs-dir",
            second + "/out",
            "--work-dir",
            second + "/work",
            "--cache",
            root + "/cache");

    // then: every element came from the cache; the shards on hdfs hold every output in order
    assertThat(again.waitFor(RUN_TIMEOUT)).as(again.tail()).isZero();
    assertThat(again.output()).contains(CACHED + " from the cache");
    assertThat(shardValues(second + "/out")).isEqualTo(squares(0, CACHED));
    LiteralMap blobs = LiteralMap.parseFrom(hdfs.bytes(second + "/out/outputs.pb"));
    assertThat(blobs.getLiteralsOrThrow("o0").getScalar().getBlob().getUri())
        .isEqualTo(second + "/out/elements/");
    assertThat(hdfs.exists(second + "/out/_temporary")).isFalse();
  }

  @Test
  void shouldReadAnOffloadedLiteralFromHdfs() throws IOException {
    // given: the list as flytepropeller offloads it, a binary Literal on hdfs; the inputs and the
    // definition on hdfs too, as binary LiteralMap and JSON
    String base = root + "/offloaded";
    String definition = putDefinition(MapTask.of(new Square()).build(), base);
    Literal list = Inputs.range(SIZE);
    hdfs.put(base + "/x.pb", list.toByteArray());
    LiteralMap inputs =
        LiteralMap.newBuilder()
            .putLiterals(
                "x",
                Literal.newBuilder()
                    .setOffloadedMetadata(
                        LiteralOffloadedMetadata.newBuilder()
                            .setUri(base + "/x.pb")
                            .setSizeBytes(list.getSerializedSize()))
                    .build())
            .build();
    String inputsUri = hdfs.put(base + "/inputs.pb", inputs.toByteArray());

    // when
    Child run =
        launch(
            "offloaded",
            hadoop.environment(),
            "--definition",
            definition,
            "--inputs",
            inputsUri,
            "--outputs",
            base + "/outputs.pb",
            "--work-dir",
            base + "/work");

    // then
    assertThat(run.waitFor(RUN_TIMEOUT)).as(run.tail()).isZero();
    LiteralMap outputs = LiteralMap.parseFrom(hdfs.bytes(base + "/outputs.pb"));
    assertThat(Inputs.longs(outputs, "o0")).isEqualTo(squares(0, SIZE));
  }

  @Test
  void shouldGiveAContainerTaskAFolderFromHdfsAndUploadTheFolderItWrites() throws IOException {
    // given: two FlyteDirectories on hdfs, one with a nested folder, one whose task links out
    String base = root + "/folders";
    hdfs.put(base + "/in/a.txt", "alpha");
    hdfs.put(base + "/in/b.txt", "beta");
    hdfs.put(base + "/in/sub/c.txt", "gamma");
    hdfs.put(base + "/hostile/hostile.txt", "x");
    Path secret = Files.writeString(dir.resolve("id_rsa"), "PRIVATE KEY");
    Path def = Containers.mapOver(dir, "folders.def.json", Containers.folderCopier(secret));
    Path in =
        Files.writeString(
            dir.resolve("folders.json"),
            "{\"d\": [{\"uri\": \""
                + base
                + "/in/\", \"multipart\": true}, {\"uri\": \""
                + base
                + "/hostile\", \"multipart\": true}]}");
    Path out = dir.resolve("folders.pb");

    // when: the folders it writes go under a raw output prefix on hdfs
    Child run =
        launch(
            "folders",
            hadoop.environment(),
            "--definition",
            def.toString(),
            "--inputs",
            in.toString(),
            "--raw-output-prefix",
            base + "/raw",
            "--outputs",
            out.toString());

    // then: element 0 got the whole folder, nested file included, and its folder came back as a
    // multipart blob on hdfs holding every file it wrote
    assertThat(run.waitFor(RUN_TIMEOUT)).as(run.tail()).isEqualTo(ExitCode.MAP_FAILED);
    List<Literal> o = Inputs.list(LiteralMap.parseFrom(Files.readAllBytes(out)), "o");
    flyteidl.core.Literals.Blob folder = o.get(0).getScalar().getBlob();
    assertThat(folder.getMetadata().getType().getDimensionality())
        .as(o + "\n" + run.output())
        .isEqualTo(flyteidl.core.Types.BlobType.BlobDimensionality.MULTIPART);
    assertThat(folder.getUri()).startsWith(base + "/raw/run-").endsWith("/0/0/o");
    assertThat(hdfs.string(folder.getUri() + "/a.txt")).isEqualTo("alpha");
    assertThat(hdfs.string(folder.getUri() + "/nested/seen.txt"))
        .isEqualTo("gamma\na.txt b.txt sub ");
    List<String> uploaded = hdfs.filesBelow(base + "/raw");
    String folderPath = URI.create(folder.getUri()).getPath();
    assertThat(uploaded)
        .containsExactlyInAnyOrder(folderPath + "/a.txt", folderPath + "/nested/seen.txt");

    // and element 1, whose folder links out of itself, failed with nothing of it uploaded
    assertThat(run.output()).contains("[1]: output [o] holds the symbolic link [o/b]");
  }

  private Child launch(String name, Map<String, String> env, String... args) {
    List<String> command = new ArrayList<>(List.of("bash", launcher.toString(), "run"));
    command.addAll(List.of(args));
    command.addAll(List.of("--jars", examplesJar.toString()));
    ProcessBuilder builder = new ProcessBuilder(command);
    System.out.printf(
        "HdfsRunIT: run %s starts at %.1f s%n", name, (System.nanoTime() - startNanos) / 1e9);
    builder.environment().remove("HADOOP_CONF_DIR");
    builder.environment().remove("YARN_CONF_DIR");
    builder.environment().putAll(env);
    builder.environment().put("FLYTE_BEAM_JAVA_OPTS", "-Xmx512m");
    return ChildProcesses.start(builder, dir.resolve(name + ".log"));
  }

  private String putDefinition(MapTaskSpec spec, String base) throws IOException {
    Path local = dir.resolve(base.replaceAll("[^A-Za-z0-9]", "_") + ".def.json");
    DefinitionWriter.write(spec, local);
    return hdfs.put(base + "/map.def.json", Files.readAllBytes(local));
  }

  /** The o0 of every line of the shards under {@code outputsDir/elements/}, in index order. */
  private List<Long> shardValues(String outputsDir) throws IOException {
    Pattern line = Pattern.compile("\\{\"index\":(\\d+),\"outputs\":\\{\"o0\":(-?\\d+)}}");
    List<String> names = new ArrayList<>();
    for (FileStatus s : hdfs.list(outputsDir + "/elements")) {
      names.add(s.getPath().getName());
    }
    names.sort(null);
    assertThat(names).allMatch(n -> n.matches("part-\\d{12}-\\d{12}\\.jsonl"));
    List<Long> values = new ArrayList<>();
    for (String name : names) {
      for (String l : hdfs.string(outputsDir + "/elements/" + name).lines().toList()) {
        Matcher m = line.matcher(l);
        assertThat(m.matches()).as(l).isTrue();
        assertThat(Long.parseLong(m.group(1))).isEqualTo(values.size());
        values.add(Long.parseLong(m.group(2)));
      }
    }
    return values;
  }

  private static String lines(long from, long to) {
    return LongStream.range(from, to).mapToObj(x -> x + "\n").collect(Collectors.joining());
  }

  private static List<Long> squares(long from, long to) {
    return LongStream.range(from, to).map(x -> x * x).boxed().toList();
  }
}
