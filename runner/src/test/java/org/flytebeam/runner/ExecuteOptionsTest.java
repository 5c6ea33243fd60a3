package org.flytebeam.runner;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code execute}'s remote-store options, as {@code run}'s: a bad one is one {@code error:} line
 * and exit 2, before the task or its inputs are looked at, and no {@code error.pb} is written.
 */
class ExecuteOptionsTest {
  @TempDir Path dir;

  @Test
  void shouldRefuseABadS3EndpointOrRegionInOneLine() {
    Cli endpoint =
        Cli.run(
            "execute",
            "--s3-endpoint",
            "ftp//127.0.0.1",
            "--task",
            "test_counted",
            "--inputs",
            dir.resolve("inputs.pb").toString(),
            "--output-prefix",
            dir.toString());
    assertThat(endpoint.exitCode()).isEqualTo(ExitCode.INVALID);
    assertThat(Containers.lines(endpoint.err()))
        .containsExactly(
            "error: --s3-endpoint [ftp//127.0.0.1] is not a valid endpoint: its scheme must be"
                + " http or https; give http(s)://HOST[:PORT], e.g. http://127.0.0.1:9000");

    Cli region =
        Cli.run(
            "execute",
            "--s3-region",
            "Not A Region",
            "--task",
            "test_counted",
            "--inputs",
            dir.resolve("inputs.pb").toString(),
            "--output-prefix",
            dir.toString());
    assertThat(region.exitCode()).isEqualTo(ExitCode.INVALID);
    assertThat(Containers.lines(region.err()))
        .singleElement()
        .asString()
        .startsWith("error: --s3-region [Not A Region] is not a region name");
    assertThat(dir.resolve("error.pb")).doesNotExist();
  }

  @Test
  void shouldRefuseAHadoopConfThatIsNotAConfigurationFolder() throws Exception {
    Path empty = Files.createDirectories(dir.resolve("conf"));
    Cli cli =
        Cli.run(
            "execute",
            "--hadoop-conf",
            empty.toString(),
            "--task",
            "test_counted",
            "--inputs",
            dir.resolve("inputs.pb").toString(),
            "--output-prefix",
            dir.toString());
    assertThat(cli.exitCode()).isEqualTo(ExitCode.INVALID);
    assertThat(Containers.lines(cli.err()))
        .singleElement()
        .asString()
        .startsWith("error: --hadoop-conf [" + empty + "] holds neither core-site.xml nor");
    assertThat(dir.resolve("error.pb")).doesNotExist();
  }
}
