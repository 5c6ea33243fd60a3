package org.flytebeam.examples;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.flytebeam.idl.DefinitionWriter;
import org.flytebeam.spec.MapTask;
import org.flytebeam.spec.MapTaskSpec;

/**
 * The example definitions in {@code examples/definitions/}, made from the Java builder. A test
 * checks the committed files equal what this writes; {@code main} rewrites them.
 */
public final class ExampleDefinitions {
  private ExampleDefinitions() {}

  /** File name stem to definition. */
  public static Map<String, MapTaskSpec> all() {
    return Map.of(
        "say-hello", MapTask.of(new SayHello()).concurrency(4).build(),
        "multiply", MapTask.of(new Multiply()).build(),
        "format-abc-partial", MapTask.of(new FormatAbc()).bind("c", "c").build(),
        "fail-on-two-ratio", MapTask.of(new FailOnTwo()).minSuccessRatio(0.75f).build(),
        "square-legacy", MapTask.of(new Square()).concurrency(2).legacy().build(),
        "burn-cpu", MapTask.of(new Burn()).build());
  }

  public static void main(String[] args) throws IOException {
    Path dir = Path.of(args.length > 0 ? args[0] : "examples/definitions");
    Files.createDirectories(dir);
    for (Map.Entry<String, MapTaskSpec> e : all().entrySet()) {
      DefinitionWriter.write(e.getValue(), dir.resolve(e.getKey() + ".def.json"));
    }
  }
}
