package org.flytebeam.runner;

import static org.assertj.core.api.Assertions.assertThat;

import flyteidl.core.Literals.Literal;
import flyteidl.core.Literals.LiteralMap;
import flyteidl.core.Tasks.TaskTemplate;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;
import org.flytebeam.examples.Square;
import org.flytebeam.graph.FlytePackage;
import org.flytebeam.idl.DefinitionWriter;
import org.flytebeam.idl.PackageReader;
import org.flytebeam.runner.testing.ChildProcesses;
import org.flytebeam.runner.testing.S3Server;
import org.flytebeam.spec.MapTask;
import org.flytebeam.types.Blob;
import org.flytebeam.types.LiteralTypes;
import org.flytebeam.types.Literals;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * {@code s3://} end to end against a real S3 API server (s3proxy in a child JVM on 127.0.0.1, see
 * {@link S3Server}), with {@code --s3-endpoint}: definitions, inputs by reference, outputs, {@code
 * --outputs-dir}, {@code --cache} and {@code --work-dir} on s3 on the DirectRunner and Spark {@code
 * local[2]} alike; container tasks' blobs; packages, serialize folders and code bundles on s3; and
 * the one-line errors of a bad endpoint, an unreachable store and a missing bucket.
 */
class S3RunIT {
  private static final String BUCKET = "flyte";

  @TempDir static Path shared;
  @TempDir Path dir;

  private static S3Server server;
  private static S3Client s3;

  @BeforeAll
  static void startServer() {
    server = S3Server.start(shared);
    // The usual AWS chain: these system properties come first, as AWS_ACCESS_KEY_ID and
    // AWS_SECRET_ACCESS_KEY would for a process of its own.
    System.setProperty("aws.accessKeyId", S3Server.ACCESS_KEY);
    System.setProperty("aws.secretAccessKey", S3Server.SECRET_KEY);
    s3 =
        S3Client.builder()
            .endpointOverride(URI.create(server.endpoint()))
            .region(Region.US_EAST_1)
            .forcePathStyle(true)
            .credentialsProvider(
                StaticCredentialsProvider.create(
                    AwsBasicCredentials.create(S3Server.ACCESS_KEY, S3Server.SECRET_KEY)))
            .build();
    s3.createBucket(b -> b.bucket(BUCKET));
  }

  @AfterAll
  static void stopServer() {
    System.clearProperty("aws.accessKeyId");
    System.clearProperty("aws.secretAccessKey");
    if (s3 != null) {
      s3.close();
    }
    if (server != null) {
      long pid = server.pid();
      server.close();
      assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
    }
    ChildProcesses.stopAll();
  }

  @Test
  void shouldRunAMapWhoseFilesAreAllOnS3AlikeOnTheDirectRunnerAndSpark() throws Exception {
    // given: a cacheable map, its definition, its inputs file and its items (JSON Lines) on s3
    put("defs/square.def.json", Files.readAllBytes(squareDefinition()));
    put(
        "in/x.jsonl",
        LongStream.rangeClosed(1, 40).mapToObj(Long::toString).collect(Collectors.joining("\n")));
    put(
        "in/inputs.json",
        "{\"x\": {\"uri\": \"" + uri("in/x.jsonl") + "\", \"format\": \"jsonl\"}}");
    List<Object> squares =
        LongStream.rangeClosed(1, 40).mapToObj(x -> (Object) (x * x)).collect(Collectors.toList());

    List<List<String>> shardsByRunner = new ArrayList<>();
    for (List<String> runner : List.of(List.of("--runner", "direct"), spark())) {
      String name = runner.contains("direct") ? "direct" : "spark";

      // when: everything on s3, the cache empty
      Cli first =
          run(
              runner,
              "--definition",
              uri("defs/square.def.json"),
              "--inputs",
              uri("in/inputs.json"),
              "--outputs",
              uri(name + "/out.pb"),
              "--cache",
              uri(name + "/cache"),
              "--work-dir",
              uri(name + "/work"),
              "--summary",
              dir.resolve(name + "-1.json").toString());

      // then: the outputs, the run folder and the cache entries are on s3
      assertThat(first.exitCode()).as(first.err()).isZero();
      LiteralMap out = LiteralMap.parseFrom(get(name + "/out.pb"));
      assertThat(Inputs.plain(out, "o0")).as(name).isEqualTo(squares);
      assertThat(keys(name + "/work/run-"))
          .as(name)
          .anyMatch(k -> k.contains("/results/range-"))
          .anyMatch(k -> k.endsWith("/verdict.bin"));
      assertThat(keys(name + "/cache/")).as(name).filteredOn(k -> k.endsWith(".entry")).hasSize(40);
      assertThat(Files.readString(dir.resolve(name + "-1.json"))).contains("\"cacheHits\":0");

      // when: again, with the outputs as shards on s3
      Cli second =
          run(
              runner,
              "--definition",
              uri("defs/square.def.json"),
              "--inputs",
              uri("in/inputs.json"),
              "--outputs-dir",
              uri(name + "/outputs-dir"),
              "--cache",
              uri(name + "/cache"),
              "--summary",
              dir.resolve(name + "-2.json").toString());

      // then: every element came from the cache, and the shards hold the same outputs
      assertThat(second.exitCode()).as(second.err()).isZero();
      assertThat(Files.readString(dir.resolve(name + "-2.json"))).contains("\"cacheHits\":40");
      LiteralMap blobs = LiteralMap.parseFrom(get(name + "/outputs-dir/outputs.pb"));
      assertThat(blobs.getLiteralsOrThrow("o0").getScalar().getBlob().getUri())
          .isEqualTo(uri(name + "/outputs-dir/elements/"));
      List<String> lines = new ArrayList<>();
      for (String key : keys(name + "/outputs-dir/elements/")) {
        new String(get(key), StandardCharsets.UTF_8).lines().forEach(lines::add);
      }
      assertThat(lines).hasSize(40).contains("{\"index\":6,\"outputs\":{\"o0\":49}}");
      shardsByRunner.add(lines);
    }
    assertThat(shardsByRunner.get(1)).isEqualTo(shardsByRunner.get(0));
  }

  @Test
  void shouldGiveContainerTasksTheirBlobsOnS3() throws Exception {
    // given: a raw container whose output is a file it writes (a FlyteFile), and one without
    // data_config (as flytekit's tasks run) that keeps the inputs.pb it gets
    put("files/a.txt", "alpha");
    TaskTemplate writer =
        Containers.rawContainer(
            "report",
            Containers.vars("f", LiteralTypes.of(Blob.class)),
            Containers.vars("y", LiteralTypes.of(Blob.class)),
            "{ echo report; cat /var/inputs/f; } > /var/outputs/y");
    Path seen = dir.resolve("seen-inputs.pb");
    TaskTemplate flytekitLike =
        Containers.withoutDataConfig(
            Containers.withArgs(
                Containers.rawContainer(
                    "keep-inputs",
                    Containers.vars("f", LiteralTypes.of(Blob.class)),
                    Containers.vars(),
                    ""),
                List.of(
                    "sh",
                    "-c",
                    "cp {{.input}} " + seen + " && printf '' > {{.outputPrefix}}/outputs.pb")));
    put("defs/writer.def.json", Files.readAllBytes(Containers.mapOver(dir, "w.def.json", writer)));
    put(
        "defs/keeper.def.json",
        Files.readAllBytes(Containers.mapOver(dir, "k.def.json", flytekitLike)));
    Path in = Cli.write(dir, "in.json", "{\"f\": [{\"uri\": \"" + uri("files/a.txt") + "\"}]}");

    // when: the blob output goes under a raw output prefix on s3
    Cli wrote =
        run(
            List.of(),
            "--definition",
            uri("defs/writer.def.json"),
            "--inputs",
            in.toString(),
            "--raw-output-prefix",
            uri("raw"),
            "--outputs",
            dir.resolve("out.pb").toString());

    // then: a blob literal pointing there, holding what the task wrote from its input file
    assertThat(wrote.exitCode()).as(wrote.err()).isZero();
    String y =
        Inputs.list(Containers.outputs(dir.resolve("out.pb")), "y")
            .get(0)
            .getScalar()
            .getBlob()
            .getUri();
    assertThat(y).startsWith(uri("raw/")).endsWith("/y");
    assertThat(new String(get(y.substring(uri("").length())), StandardCharsets.UTF_8))
        .isEqualTo("report\nalpha");

    // when: a flytekit-style task gets the same input
    Cli kept =
        run(List.of(), "--definition", uri("defs/keeper.def.json"), "--inputs", in.toString());

    // then: its inputs.pb holds the s3 URI itself, which flytekit downloads on its own
    assertThat(kept.exitCode()).as(kept.err()).isZero();
    Literal f = LiteralMap.parseFrom(Files.readAllBytes(seen)).getLiteralsOrThrow("f");
    Literal item = f.hasCollection() ? f.getCollection().getLiterals(0) : f;
    assertThat(item.getScalar().getBlob().getUri()).isEqualTo(uri("files/a.txt"));
  }

  @Test
  void shouldGiveAContainerTaskAFolderFromS3AndUploadTheFolderItWrites() throws Exception {
    // given: two FlyteDirectories on s3, one with a nested folder, one whose task links out
    put("dirs/in/a.txt", "alpha");
    put("dirs/in/b.txt", "beta");
    put("dirs/in/sub/c.txt", "gamma");
    put("dirs/hostile/hostile.txt", "x");
    Path secret = Files.writeString(dir.resolve("id_rsa"), "PRIVATE KEY");
    put(
        "defs/folders.def.json",
        Files.readAllBytes(
            Containers.mapOver(dir, "folders.def.json", Containers.folderCopier(secret))));
    Path in =
        Cli.write(
            dir,
            "folders.json",
            "{\"d\": [{\"uri\": \""
                + uri("dirs/in/")
                + "\", \"multipart\": true}, {\"uri\": \""
                + uri("dirs/hostile")
                + "\", \"multipart\": true}]}");
    long started = System.nanoTime();

    // when: the folders it writes go under a raw output prefix on s3
    Cli cli =
        run(
            List.of(),
            "--definition",
            uri("defs/folders.def.json"),
            "--inputs",
            in.toString(),
            "--raw-output-prefix",
            uri("rawdirs"),
            "--outputs",
            dir.resolve("folders.pb").toString());

    // then: element 0 got the whole folder, nested file included, and its folder came back as a
    // multipart blob on s3 holding every file it wrote
    assertThat(cli.exitCode()).as(cli.err()).isEqualTo(ExitCode.MAP_FAILED);
    List<Literal> o = Inputs.list(Containers.outputs(dir.resolve("folders.pb")), "o");
    flyteidl.core.Literals.Blob folder = o.get(0).getScalar().getBlob();
    assertThat(folder.getMetadata().getType().getDimensionality())
        .isEqualTo(flyteidl.core.Types.BlobType.BlobDimensionality.MULTIPART);
    assertThat(folder.getUri()).startsWith(uri("rawdirs/run-")).endsWith("/0/0/o");
    String key = folder.getUri().substring(uri("").length());
    assertThat(keys(key + "/")).containsExactly(key + "/a.txt", key + "/nested/seen.txt");
    assertThat(new String(get(key + "/a.txt"), StandardCharsets.UTF_8)).isEqualTo("alpha");
    assertThat(new String(get(key + "/nested/seen.txt"), StandardCharsets.UTF_8))
        .isEqualTo("gamma\na.txt b.txt sub ");

    // and element 1, whose folder links out of itself, failed with nothing of it uploaded
    assertThat(o.get(1).getScalar().hasNoneType() || o.get(1).getValueCase().getNumber() == 0)
        .as(o.get(1).toString())
        .isTrue();
    assertThat(cli.err()).contains("[1]: ").contains("output [o] holds the symbolic link [o/b]");
    assertThat(keys("rawdirs/")).noneMatch(k -> k.contains("/1/"));
    for (String k : keys("rawdirs/")) {
      assertThat(new String(get(k), StandardCharsets.UTF_8)).doesNotContain("PRIVATE KEY");
    }
    System.out.printf("S3RunIT: folders on s3: %.1f s%n", (System.nanoTime() - started) / 1e9);
  }

  @Test
  void shouldReadAnOffloadedLiteralAndAFilePatternOnS3() throws Exception {
    // given: the list as flytepropeller offloads it, a binary Literal on s3, named by a binary
    // LiteralMap on s3; and JSON Lines parts on s3 matched by a pattern
    put("defs/square.def.json", Files.readAllBytes(squareDefinition()));
    Literal list = Inputs.range(300);
    put("offloaded/x.pb", list.toByteArray());
    LiteralMap offloaded =
        LiteralMap.newBuilder()
            .putLiterals(
                "x",
                Literal.newBuilder()
                    .setOffloadedMetadata(
                        flyteidl.core.Literals.LiteralOffloadedMetadata.newBuilder()
                            .setUri(uri("offloaded/x.pb"))
                            .setSizeBytes(list.getSerializedSize()))
                    .build())
            .build();
    put("offloaded/inputs.pb", offloaded.toByteArray());
    put("parts/part-00000.jsonl", "1\n2\n3\n");
    put("parts/part-00001.jsonl", "4\n5\n");
    put("parts/other.jsonl", "100\n"); // not matched by part-*
    put(
        "parts/inputs.json",
        "{\"x\": {\"pattern\": \"" + uri("parts/part-*.jsonl") + "\", \"format\": \"jsonl\"}}");

    // when
    Cli fromOffloaded =
        run(
            List.of(),
            "--definition",
            uri("defs/square.def.json"),
            "--inputs",
            uri("offloaded/inputs.pb"),
            "--outputs",
            uri("offloaded/out.pb"),
            "--no-cache");
    Cli fromPattern =
        run(
            List.of(),
            "--definition",
            uri("defs/square.def.json"),
            "--inputs",
            uri("parts/inputs.json"),
            "--outputs",
            uri("parts/out.pb"),
            "--no-cache");

    // then: every output, read back from s3
    assertThat(fromOffloaded.exitCode()).as(fromOffloaded.err()).isZero();
    assertThat(Inputs.plain(LiteralMap.parseFrom(get("offloaded/out.pb")), "o0"))
        .isEqualTo(LongStream.range(0, 300).mapToObj(x -> (Object) (x * x)).toList());
    assertThat(fromPattern.exitCode()).as(fromPattern.err()).isZero();
    assertThat(Inputs.plain(LiteralMap.parseFrom(get("parts/out.pb")), "o0"))
        .containsExactly(1L, 4L, 9L, 16L, 25L);
  }

  @Test
  void shouldExecuteAJavaTaskWhoseInputsAndOutputsAreOnS3() throws Exception {
    // given: the inputs LiteralMap on s3; Beam's file systems as a fresh JVM has them, so only
    // execute's own --s3-endpoint can lead s3:// to the server
    put(
        "exec/ok/inputs.pb",
        LiteralMap.newBuilder().putLiterals("x", Literals.of(7L)).build().toByteArray());
    put(
        "exec/bad/inputs.pb",
        LiteralMap.newBuilder().putLiterals("x", Literals.of(-1L)).build().toByteArray());
    org.apache.beam.sdk.io.FileSystems.setDefaultPipelineOptions(
        org.apache.beam.sdk.options.PipelineOptionsFactory.create());

    // when
    Cli ok = execute("exec/ok");
    Cli bad = execute("exec/bad");

    // then: outputs.pb on s3, and error.pb for the failing input
    assertThat(ok.exitCode()).as(ok.err()).isZero();
    assertThat(LiteralMap.parseFrom(get("exec/ok/out/outputs.pb")).getLiteralsMap())
        .containsEntry("o0", Literals.of(70L));
    assertThat(bad.exitCode()).as(bad.err()).isEqualTo(ExitCode.MAP_FAILED);
    flyteidl.core.Errors.ErrorDocument error =
        flyteidl.core.Errors.ErrorDocument.parseFrom(get("exec/bad/out/error.pb"));
    assertThat(error.getError().getMessage()).contains("negative: -1");
    assertThat(keys("exec/bad/out/")).containsExactly("exec/bad/out/error.pb");
  }

  private static Cli execute(String base) {
    return Cli.run(
        "execute",
        "--s3-endpoint",
        server.endpoint(),
        "--s3-region",
        "us-east-1",
        "--task",
        "test_counted",
        "--inputs",
        uri(base + "/inputs.pb"),
        "--output-prefix",
        uri(base + "/out"));
  }

  @Test
  void shouldRunAPackageArchiveAFolderOfSerializedFilesAndACodeBundleFromS3() throws Exception {
    // given: flytesnacks' fast-registered package (stand-ins for flytekit), as an archive, as the
    // folder pyflyte serialize writes, and without its bundle, the bundle beside it
    Path bin = Containers.fakeFlytekit(dir);
    Path log = dir.resolve("fake.log");
    Path pkg = FastPackages.pkg(dir, bin, log, true);
    put("pkg/package.tgz", Files.readAllBytes(pkg));
    for (var member : members(pkg).entrySet()) {
      put("serialized/" + member.getKey(), member.getValue());
    }
    put("pkg/no-bundle.tgz", Files.readAllBytes(FastPackages.pkg(dir, bin, log, false)));
    Path bundle = FastPackages.bundle(dir);
    put("bundles/" + bundle.getFileName(), Files.readAllBytes(bundle));
    Path in = Cli.write(dir, "in.json", "{\"a\": 50, \"b\": \"hello\"}");

    for (List<String> definition :
        List.of(
            List.of("--definition", uri("pkg/package.tgz")),
            List.of("--definition", uri("serialized/")),
            List.of("--definition", uri("serialized")),
            List.of(
                "--definition",
                uri("pkg/no-bundle.tgz"),
                "--fast-bundle",
                uri("bundles/" + bundle.getFileName())))) {
      // when
      List<String> args = new ArrayList<>(definition);
      args.addAll(
          List.of(
              "--workflow",
              FastPackages.BASIC_WF,
              "--inputs",
              in.toString(),
              "--outputs",
              dir.resolve("out.pb").toString()));
      Cli cli = run(List.of(), args.toArray(new String[0]));

      // then: the task code came from the bundle on s3 (or in the archive), and ran
      assertThat(cli.exitCode()).as(definition + ": " + cli.err()).isZero();
      LiteralMap out = Containers.outputs(dir.resolve("out.pb"));
      assertThat(out.getLiteralsMap())
          .as(definition.toString())
          .containsEntry("o0", Literals.of(52L));
      assertThat(out.getLiteralsMap()).containsEntry("o1", Literals.of("helloworld"));
    }
    List<String[]> fast = FastPackages.logged(log, "fast");
    assertThat(fast).hasSize(8).allSatisfy(line -> assertThat(line[1]).endsWith(".tar.gz"));

    // and describe reads the folder on s3 too
    Cli described =
        Cli.run(
            "describe",
            "--s3-endpoint",
            server.endpoint(),
            "--definition",
            uri("serialized/"),
            "--workflow",
            FastPackages.BASIC_WF);
    assertThat(described.exitCode()).as(described.err()).isZero();
    assertThat(described.out()).contains(FastPackages.BASIC_WF);
    FlytePackage read = PackageReader.readRemoteFolder(uri("serialized"));
    assertThat(read.fastBundle()).hasValueSatisfying(b -> assertThat(b).startsWith(uri("")));
  }

  @Test
  void shouldSayInOneLineWhatIsWrongWithTheEndpointOrTheBucket() throws Exception {
    Path in = Cli.write(dir, "in.json", "{\"x\": [1]}");

    Cli badUrl =
        Cli.run(
            "run",
            "--s3-endpoint",
            "ftp//127.0.0.1",
            "--definition",
            uri("defs/none.def.json"),
            "--inputs",
            in.toString());
    assertThat(badUrl.exitCode()).isEqualTo(ExitCode.INVALID);
    assertThat(Containers.lines(badUrl.err()))
        .containsExactly(
            "error: --s3-endpoint [ftp//127.0.0.1] is not a valid endpoint: its scheme must be"
                + " http or https; give http(s)://HOST[:PORT], e.g. http://127.0.0.1:9000");

    // A port nothing listens on.
    Cli unreachable =
        Cli.run(
            "run",
            "--s3-endpoint",
            "http://127.0.0.1:" + org.flytebeam.runner.testing.SparkStandalone.freePort(),
            "--definition",
            uri("defs/square.def.json"),
            "--inputs",
            in.toString(),
            "--",
            "--awsRegion=us-east-1");
    assertThat(unreachable.exitCode()).isEqualTo(ExitCode.INVALID);
    List<String> lines = Containers.lines(unreachable.err());
    assertThat(lines).hasSize(1);
    assertThat(lines.get(0))
        .startsWith("error: --definition file [" + uri("defs/square.def.json") + "] cannot be")
        .contains("check that the store is up and reachable at its endpoint");

    Cli noBucket =
        run(
            List.of(),
            "--definition",
            "s3://no-such-bucket/square.def.json",
            "--inputs",
            in.toString());
    assertThat(noBucket.exitCode()).isEqualTo(ExitCode.INVALID);
    assertThat(Containers.lines(noBucket.err()))
        .singleElement()
        .asString()
        .contains("[s3://no-such-bucket/square.def.json]")
        .doesNotContain("Exception:");

    Cli wrongKey;
    String secret = System.getProperty("aws.secretAccessKey");
    System.setProperty("aws.secretAccessKey", "not-the-secret");
    try {
      wrongKey =
          run(List.of(), "--definition", uri("defs/square.def.json"), "--inputs", in.toString());
    } finally {
      System.setProperty("aws.secretAccessKey", secret);
    }
    assertThat(wrongKey.exitCode()).isEqualTo(ExitCode.INVALID);
    assertThat(Containers.lines(wrongKey.err()))
        .singleElement()
        .asString()
        .contains("[" + uri("defs/square.def.json") + "]", "check the credentials");
  }

  @Test
  void shouldBuildNothingOfS3InTheJarUntilAnS3PathIsUsed() throws Exception {
    // given: the self-contained jar, through the launcher, as a user runs it
    Path def = Path.of(System.getProperty("flytebeam.it.root"), "examples/definitions");
    Path examples = Path.of(System.getProperty("flytebeam.it.examplesJar"));

    // when: a local run, with the JVM's class loading logged
    ChildProcesses.Child local =
        launch(
            "local",
            "-Xlog:class+load=info",
            "run",
            "--definition",
            def.resolve("say-hello.def.json").toString(),
            "--inputs",
            def.resolve("say-hello.inputs.json").toString(),
            "--jars",
            examples.toString());

    // then: no S3 client, region lookup or S3 file system was built
    assertThat(local.waitFor(java.time.Duration.ofMinutes(5))).as(local.tail()).isZero();
    List<String> loaded =
        local.output().lines().filter(l -> l.contains("[class,load]")).collect(Collectors.toList());
    assertThat(loaded).hasSizeGreaterThan(1000);
    assertThat(loaded)
        .noneMatch(l -> l.contains(" software.amazon.awssdk.services."))
        .noneMatch(l -> l.contains(" software.amazon.awssdk.regions.providers."))
        .noneMatch(l -> l.contains(" org.apache.beam.sdk.io.aws2.s3.S3FileSystem "));

    // when: a run whose definition, inputs and outputs are on s3, credentials in the environment
    put("defs/square.def.json", Files.readAllBytes(squareDefinition()));
    put("jar/inputs.json", "{\"x\": [3, 4]}");
    ChildProcesses.Child remote =
        launch(
            "remote",
            "",
            "run",
            "--s3-endpoint",
            server.endpoint(),
            "--definition",
            uri("defs/square.def.json"),
            "--inputs",
            uri("jar/inputs.json"),
            "--outputs",
            uri("jar/out.pb"),
            "--no-cache",
            "--jars",
            examples.toString());

    // then: the lazily registered s3:// served it
    assertThat(remote.waitFor(java.time.Duration.ofMinutes(5))).as(remote.tail()).isZero();
    assertThat(Inputs.plain(LiteralMap.parseFrom(get("jar/out.pb")), "o0"))
        .containsExactly(9L, 16L);
  }

  /** {@code ./flyte-beam ARGS} in a process of its own, with the server's credentials. */
  private ChildProcesses.Child launch(String name, String javaOpts, String... args) {
    List<String> command =
        new ArrayList<>(List.of("bash", System.getProperty("flytebeam.it.launcher")));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.environment().put("FLYTE_BEAM_JAVA_OPTS", javaOpts);
    builder.environment().put("AWS_ACCESS_KEY_ID", S3Server.ACCESS_KEY);
    builder.environment().put("AWS_SECRET_ACCESS_KEY", S3Server.SECRET_KEY);
    builder.environment().remove("AWS_REGION");
    builder.environment().remove("AWS_PROFILE");
    return ChildProcesses.start(builder, dir.resolve(name + ".log"));
  }

  /** The CLI's run command against the server, {@code runner}'s options first. */
  private static Cli run(List<String> runner, String... args) {
    List<String> all = new ArrayList<>(List.of("run", "--s3-endpoint", server.endpoint()));
    all.addAll(runner);
    all.addAll(List.of(args));
    return Cli.run(all.toArray(new String[0]));
  }

  private static List<String> spark() {
    return List.of("--spark-master", "local[2]");
  }

  private Path squareDefinition() {
    Path file = dir.resolve("square.def.json");
    DefinitionWriter.write(MapTask.of(new Square()).cache("1").build(), file);
    return file;
  }

  private static String uri(String key) {
    return "s3://" + BUCKET + "/" + key;
  }

  private static void put(String key, String text) {
    put(key, text.getBytes(StandardCharsets.UTF_8));
  }

  private static void put(String key, byte[] bytes) {
    s3.putObject(b -> b.bucket(BUCKET).key(key), RequestBody.fromBytes(bytes));
  }

  private static byte[] get(String key) {
    return s3.getObjectAsBytes(b -> b.bucket(BUCKET).key(key)).asByteArray();
  }

  /** The keys under {@code prefix}, sorted. */
  private static List<String> keys(String prefix) {
    return s3.listObjectsV2Paginator(b -> b.bucket(BUCKET).prefix(prefix)).contents().stream()
        .map(S3Object::key)
        .sorted()
        .collect(Collectors.toList());
  }

  /** An archive's regular files, by their names in it. */
  private static java.util.Map<String, byte[]> members(Path tgz) throws IOException {
    java.util.Map<String, byte[]> members = new java.util.LinkedHashMap<>();
    try (TarArchiveInputStream tar =
        new TarArchiveInputStream(
            new GzipCompressorInputStream(new ByteArrayInputStream(Files.readAllBytes(tgz))))) {
      TarArchiveEntry entry;
      while ((entry = tar.getNextEntry()) != null) {
        if (entry.isFile()) {
          members.put(entry.getName().replaceFirst("^/+", ""), tar.readAllBytes());
        }
      }
    }
    return members;
  }
}
