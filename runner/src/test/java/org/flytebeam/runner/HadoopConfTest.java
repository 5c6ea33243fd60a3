package org.flytebeam.runner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.flytebeam.InvalidDefinitionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Hadoop client configuration folder, made into Beam's {@code --hdfsConfiguration}. */
class HadoopConfTest {
  @TempDir Path dir;

  private static String site(String... nameValues) {
    StringBuilder xml = new StringBuilder("<?xml version=\"1.0\"?>\n<configuration>\n");
    for (int i = 0; i < nameValues.length; i += 2) {
      xml.append("  <property>\n    <name>")
          .append(nameValues[i])
          .append("</name>\n    <value>")
          .append(nameValues[i + 1])
          .append("</value>\n  </property>\n");
    }
    return xml.append("</configuration>\n").toString();
  }

  private static JsonNode configuration(String option) throws IOException {
    assertThat(option).startsWith("--hdfsConfiguration=");
    JsonNode list = new ObjectMapper().readTree(option.substring(option.indexOf('=') + 1));
    assertThat(list.size()).isEqualTo(1);
    return list.get(0);
  }

  @Test
  void shouldReadCoreAndHdfsSiteWithHdfsSiteWinning() throws IOException {
    Files.writeString(
        dir.resolve("core-site.xml"),
        site(
            "fs.defaultFS",
            "hdfs://nn:8020",
            "dfs.replication",
            "3",
            "hadoop.tmp.dir",
            "${user.home}/t"));
    Files.writeString(dir.resolve("hdfs-site.xml"), site("dfs.replication", "1"));
    Files.writeString(
        dir.resolve("yarn-site.xml"), site("yarn.resourcemanager.address", "rm:8032"));

    Optional<String> option = HadoopConf.beamOption(dir.toString(), Map.of(), List.of());

    JsonNode conf = configuration(option.orElseThrow());
    assertThat(conf.get("fs.defaultFS").asText()).isEqualTo("hdfs://nn:8020");
    assertThat(conf.get("dfs.replication").asText()).isEqualTo("1");
    // Kept as written: Hadoop expands it where it is read.
    assertThat(conf.get("hadoop.tmp.dir").asText()).isEqualTo("${user.home}/t");
    assertThat(conf.has("yarn.resourcemanager.address")).isFalse();
  }

  @Test
  void shouldTakeHadoopConfDirFromTheEnvironmentWhenNoFolderIsGiven() throws IOException {
    Files.writeString(dir.resolve("core-site.xml"), site("fs.defaultFS", "hdfs://env:9000"));

    Optional<String> option =
        HadoopConf.beamOption(null, Map.of("HADOOP_CONF_DIR", dir.toString()), List.of());
    ClassLoader empty = new java.net.URLClassLoader(new java.net.URL[0], null);
    Optional<String> none = HadoopConf.beamOption(null, Map.of(), List.of(), empty);
    Optional<String> missing =
        HadoopConf.beamOption(
            null, Map.of("HADOOP_CONF_DIR", dir.resolve("no").toString()), List.of(), empty);

    assertThat(configuration(option.orElseThrow()).get("fs.defaultFS").asText())
        .isEqualTo("hdfs://env:9000");
    assertThat(none).isEmpty();
    assertThat(missing).as("left to Beam, which ignores it too").isEmpty();
  }

  @Test
  void shouldFallBackToTheClassPathAsAYarnContainerHasIt() throws IOException {
    // A YARN container: no HADOOP_CONF_DIR, the submitter's configuration on the class path.
    Path classes = Files.createDirectories(dir.resolve("__hadoop_conf__"));
    Files.writeString(classes.resolve("core-site.xml"), site("fs.defaultFS", "hdfs://cp:8020"));
    try (java.net.URLClassLoader loader =
        new java.net.URLClassLoader(new java.net.URL[] {classes.toUri().toURL()}, null)) {

      Optional<String> option = HadoopConf.beamOption(null, Map.of(), List.of(), loader);

      assertThat(configuration(option.orElseThrow()).get("fs.defaultFS").asText())
          .isEqualTo("hdfs://cp:8020");
    }
  }

  @Test
  void shouldLeaveAGivenHdfsConfigurationAloneAndRefuseBoth() throws IOException {
    Files.writeString(dir.resolve("core-site.xml"), site("fs.defaultFS", "hdfs://env:9000"));
    List<String> beamArgs = List.of("--hdfsConfiguration=[{\"fs.defaultFS\": \"hdfs://x:1\"}]");

    assertThat(HadoopConf.beamOption(null, Map.of("HADOOP_CONF_DIR", dir.toString()), beamArgs))
        .isEmpty();
    assertThatThrownBy(() -> HadoopConf.beamOption(dir.toString(), Map.of(), beamArgs))
        .isInstanceOf(InvalidDefinitionException.class)
        .hasMessageContaining("give one of them");
  }

  @Test
  void shouldNameAFolderThatIsNoHadoopConfiguration() throws IOException {
    Path empty = Files.createDirectories(dir.resolve("empty"));
    Path broken = Files.createDirectories(dir.resolve("broken"));
    Files.writeString(broken.resolve("core-site.xml"), "<configuration><property>");
    Path hostile = Files.createDirectories(dir.resolve("hostile"));
    Files.writeString(
        hostile.resolve("core-site.xml"),
        "<?xml version=\"1.0\"?><!DOCTYPE c [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>"
            + "<configuration><property><name>a</name><value>&x;</value></property></configuration>");

    assertThatThrownBy(
            () -> HadoopConf.beamOption(dir.resolve("none").toString(), Map.of(), List.of()))
        .hasMessageStartingWith("--hadoop-conf [" + dir.resolve("none") + "] is not a folder");
    assertThatThrownBy(() -> HadoopConf.beamOption(empty.toString(), Map.of(), List.of()))
        .hasMessageContaining("holds neither core-site.xml nor hdfs-site.xml");
    assertThatThrownBy(() -> HadoopConf.beamOption(broken.toString(), Map.of(), List.of()))
        .hasMessageContaining("is not a readable Hadoop configuration file");
    assertThatThrownBy(() -> HadoopConf.beamOption(hostile.toString(), Map.of(), List.of()))
        .isInstanceOf(InvalidDefinitionException.class)
        .hasMessageContaining("is not a readable Hadoop configuration file");
  }

  @Test
  void shouldGiveTheConfigurationToTheCommandsBeamOptions() throws IOException {
    Files.writeString(dir.resolve("core-site.xml"), site("fs.defaultFS", "hdfs://cli:1"));
    RunCommand command = new RunCommand();
    command.hadoopConf = dir.toString();

    List<String> beamArgs = command.runOptions().beamArgs();

    assertThat(beamArgs).hasSize(1);
    assertThat(configuration(beamArgs.get(0)).get("fs.defaultFS").asText())
        .isEqualTo("hdfs://cli:1");
  }
}
