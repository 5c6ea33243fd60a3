package org.flytebeam.runner;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.ServiceLoader;
import org.apache.beam.sdk.io.FileSystemRegistrar;
import org.apache.beam.sdk.options.PipelineOptionsRegistrar;
import org.apache.beam.sdk.runners.PipelineRunnerRegistrar;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The DirectRunner's context class loader: which registrations it hides, and when it applies. */
class DirectServicesTest {
  private final ClassLoader here = DirectServicesTest.class.getClassLoader();

  private static List<String> providers(Class<?> service, ClassLoader loader) {
    List<String> names = new ArrayList<>();
    ServiceLoader.load(service, loader).stream().forEach(p -> names.add(p.type().getName()));
    return names;
  }

  @Test
  void shouldHideSparkRunnersButKeepTheDirectRunner() {
    ClassLoader direct = new DirectServices(here, DirectServices.SPARK_AND_SCALA);

    assertThat(providers(PipelineRunnerRegistrar.class, here))
        .anyMatch(n -> n.startsWith("org.apache.beam.runners.spark."));
    assertThat(providers(PipelineRunnerRegistrar.class, direct))
        .contains("org.apache.beam.runners.direct.DirectRegistrar$Runner")
        .noneMatch(n -> n.startsWith("org.apache.beam.runners.spark."));
    assertThat(providers(PipelineOptionsRegistrar.class, direct))
        .contains("org.apache.beam.runners.direct.DirectRegistrar$Options")
        .noneMatch(n -> n.startsWith("org.apache.beam.runners.spark."));
  }

  @Test
  void shouldHideHadoopsFileSystemOnlyWhenAskedTo() {
    List<String> hadoopToo = new ArrayList<>(DirectServices.SPARK_AND_SCALA);
    hadoopToo.addAll(DirectServices.HADOOP);
    String hadoop = "org.apache.beam.sdk.io.hdfs.HadoopFileSystemRegistrar";

    assertThat(
            providers(
                FileSystemRegistrar.class,
                new DirectServices(here, DirectServices.SPARK_AND_SCALA)))
        .contains(hadoop, "org.apache.beam.sdk.io.LocalFileSystemRegistrar");
    assertThat(providers(FileSystemRegistrar.class, new DirectServices(here, hadoopToo)))
        .doesNotContain(hadoop)
        .contains("org.apache.beam.sdk.io.LocalFileSystemRegistrar");
  }

  @Test
  void shouldHideTheCloudModulesOptionsButNotTheirFileSystems() {
    List<String> cloudToo = new ArrayList<>(DirectServices.SPARK_AND_SCALA);
    cloudToo.addAll(DirectServices.CLOUD_OPTIONS);
    ClassLoader direct = new DirectServices(here, cloudToo);

    assertThat(providers(PipelineOptionsRegistrar.class, here))
        .contains(
            "org.apache.beam.sdk.extensions.gcp.options.GcpPipelineOptionsRegistrar",
            "org.apache.beam.sdk.io.aws2.options.AwsPipelineOptionsRegistrar",
            S3OptionsRegistrar.class.getName());
    assertThat(providers(PipelineOptionsRegistrar.class, direct))
        .contains(
            "org.apache.beam.runners.direct.DirectRegistrar$Options",
            "org.apache.beam.sdk.options.DefaultPipelineOptionsRegistrar")
        .noneMatch(n -> n.startsWith("org.apache.beam.sdk.extensions.gcp."))
        .noneMatch(n -> n.startsWith("org.apache.beam.sdk.io.aws2."))
        .doesNotContain(S3OptionsRegistrar.class.getName());
    // Jackson's module for AWS options (credentials providers) is in the same package: it stays,
    // or options holding one could not be serialized
    assertThat(providers(com.fasterxml.jackson.databind.Module.class, direct))
        .contains("org.apache.beam.sdk.io.aws2.options.AwsModule");
    assertThat(providers(FileSystemRegistrar.class, direct))
        .contains("org.apache.beam.sdk.extensions.gcp.storage.GcsFileSystemRegistrar")
        .containsAll(
            providers(FileSystemRegistrar.class, new DirectServices(here, List.of("none."))));
  }

  @Test
  void shouldSeeTheCloudOptionsWhenTheCommandGivesBeamOptionsOrS3Flags() {
    assertThat(DirectServices.namesBeamOptions(List.of("run", "--definition", "d.json"))).isFalse();
    assertThat(
            DirectServices.namesBeamOptions(
                List.of("run", "--definition", "d.json", "--", "--awsRegion=eu-west-1")))
        .isTrue();
    assertThat(DirectServices.namesBeamOptions(List.of("run", "--s3-endpoint=http://127.0.0.1:9")))
        .isTrue();
    assertThat(DirectServices.namesBeamOptions(List.of("run", "--S3-REGION", "us-east-1")))
        .isTrue();
    assertThat(DirectServices.namesBeamOptions(List.of("run", "@args.txt"))).isTrue();
  }

  @Test
  void shouldDropHiddenEntriesAndKeepTheRestOfAServiceFile(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("META-INF/services/com.fasterxml.jackson.databind.Module");
    Files.createDirectories(file.getParent());
    Files.writeString(
        file,
        "# modules\n"
            + "org.apache.beam.sdk.io.aws2.options.AwsModule\n"
            + "com.fasterxml.jackson.module.scala.DefaultScalaModule # Scala's\n"
            + "  org.example.Kept\n",
        UTF_8);
    try (URLClassLoader parent = new URLClassLoader(new URL[] {dir.toUri().toURL()}, null)) {
      DirectServices direct = new DirectServices(parent, DirectServices.SPARK_AND_SCALA);

      List<URL> urls =
          Collections.list(
              direct.getResources("META-INF/services/com.fasterxml.jackson.databind.Module"));

      assertThat(urls).hasSize(1);
      String text;
      try (var in = urls.get(0).openStream()) {
        text = new String(in.readAllBytes(), UTF_8);
      }
      assertThat(text)
          .contains("org.apache.beam.sdk.io.aws2.options.AwsModule", "org.example.Kept")
          .doesNotContain("scala");
      // Other resources are the parent's, untouched.
      assertThat(direct.getResource("META-INF/services/com.fasterxml.jackson.databind.Module"))
          .isEqualTo(file.toUri().toURL());
    }
  }

  @Test
  void shouldApplyOnlyToTheDirectRunner() {
    Properties none = new Properties();
    Properties submitted = new Properties();
    submitted.setProperty("spark.master", "yarn");

    assertThat(DirectServices.runsDirect(List.of("run", "--definition", "d.json"), none)).isTrue();
    assertThat(DirectServices.runsDirect(List.of("run", "--runner", "direct"), none)).isTrue();
    assertThat(DirectServices.runsDirect(List.of("run", "--runner", "SparkRunner"), none))
        .isFalse();
    assertThat(DirectServices.runsDirect(List.of("run", "--", "--runner=spark"), none)).isFalse();
    assertThat(DirectServices.runsDirect(List.of("run", "--spark-master", "local[2]"), none))
        .isFalse();
    assertThat(DirectServices.runsDirect(List.of("run", "--", "--sparkMaster=local"), none))
        .isFalse();
    assertThat(DirectServices.runsDirect(List.of("run", "--runner", "flink"), none)).isFalse();
    assertThat(DirectServices.runsDirect(List.of("run"), submitted)).isFalse();
    // An argument file may name a Spark runner: expanded later, so nothing is hidden.
    assertThat(DirectServices.runsDirect(List.of("run", "@spark.args"), none)).isFalse();
  }

  @Test
  void shouldSeeAHadoopConfigurationOrPath(@TempDir Path dir) throws Exception {
    List<String> plain = List.of("run", "--definition", "d.json", "--inputs", "i.json");
    try (URLClassLoader empty = new URLClassLoader(new URL[0], null)) {
      assertThat(DirectServices.usesHadoop(plain, Map.of(), empty)).isFalse();
      assertThat(
              DirectServices.usesHadoop(
                  List.of("run", "--inputs", "hdfs://nn:8020/i.json"), Map.of(), empty))
          .isTrue();
      assertThat(DirectServices.usesHadoop(List.of("run", "--hadoop-conf", "c"), Map.of(), empty))
          .isTrue();
      assertThat(
              DirectServices.usesHadoop(
                  List.of("run", "--", "--hdfsConfiguration=[{}]"), Map.of(), empty))
          .isTrue();
      assertThat(DirectServices.usesHadoop(plain, Map.of("HADOOP_CONF_DIR", "/etc/h"), empty))
          .isTrue();
      assertThat(DirectServices.usesHadoop(plain, Map.of("HADOOP_CONF_DIR", " "), empty)).isFalse();
    }
    Files.writeString(dir.resolve("core-site.xml"), "<configuration/>", UTF_8);
    try (URLClassLoader withConf = new URLClassLoader(new URL[] {dir.toUri().toURL()}, null)) {
      assertThat(DirectServices.usesHadoop(plain, Map.of(), withConf)).isTrue();
    }
  }
}
