package org.flytebeam.runner;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.flytebeam.examples.SayHello;
import org.flytebeam.idl.DefinitionWriter;
import org.flytebeam.spec.MapTask;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An error is one line, whatever a hostile file put in the names and values it quotes. */
class ErrorLineTest {
  @TempDir Path dir;

  @Test
  void shouldKeepAnErrorQuotingLineBreaksAndEscapesOnOneLine() throws Exception {
    Path def = dir.resolve("hello.def.json");
    DefinitionWriter.write(MapTask.of(new SayHello()).build(), def);
    // An input named with a line break and a terminal escape, and no "name" input.
    Path in = Cli.write(dir, "in.json", "{\"x\\n\\u001b[31mred\": [1]}");

    Cli cli = Cli.run("run", "--definition", def.toString(), "--inputs", in.toString());

    assertThat(cli.exitCode()).as(cli.err()).isEqualTo(ExitCode.INVALID);
    assertThat(cli.err().lines())
        .singleElement()
        .satisfies(
            line ->
                assertThat(line)
                    .startsWith("error: ")
                    .contains("x\\n\\u001b[31mred")
                    .doesNotContain("\u001b"));
  }

  @Test
  void shouldEscapeControlCharactersButKeepOtherText() {
    assertThat(Failures.oneLine("a\r\nb\tc\u0000d\u2028é 漢"))
        .isEqualTo("a\\r\\nb\\tc\\u0000d\\u2028é 漢");
  }
}
