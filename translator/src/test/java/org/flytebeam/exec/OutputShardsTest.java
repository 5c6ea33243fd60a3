package org.flytebeam.exec;

import static org.assertj.core.api.Assertions.assertThat;

import flyteidl.core.Literals.Literal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.flytebeam.types.LiteralList;
import org.flytebeam.types.Literals;
import org.flytebeam.types.PrimitiveLiterals;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An output shard's lines: outputs held as plain values are written as their literals are. */
class OutputShardsTest {
  @TempDir Path dir;

  private String shard(String name, List<List<Literal>> outputs) throws Exception {
    String outputsDir = Files.createDirectories(dir.resolve(name)).toString() + "/";
    OutputShards.claim(outputsDir, "run-" + name);
    List<ElementOutcome> outcomes = new ArrayList<>();
    for (int i = 0; i < outputs.size(); i++) {
      outcomes.add(new ElementOutcome(i, ElementStatus.SUCCEEDED, 1, 0, 0, "", outputs.get(i)));
    }
    outcomes.add(
        new ElementOutcome(outputs.size(), ElementStatus.FAILED, 1, 0, 0, "boom", List.of()));
    OutputShards.write(
        outputsDir, "run-" + name, 0, outcomes.size(), List.of("o0", "o1"), outcomes);
    return Files.readString(
        Path.of(OutputShards.path(outputsDir, 0, outcomes.size())), StandardCharsets.UTF_8);
  }

  @Test
  void shouldWritePlainValuesAsTheirLiteralsPlainJson() throws Exception {
    Object[][] values = {
      {0L, 1L << 40},
      {-7L, Long.MIN_VALUE},
      {0.1, -0.0},
      {Double.NaN, Double.POSITIVE_INFINITY},
      {Double.NEGATIVE_INFINITY, 1e300},
      {"", "é\n\"quoted\" \u0001 😀"},
      {true, false},
      {"x", 3.0}
    };
    List<List<Literal>> asValues = new ArrayList<>();
    List<List<Literal>> asLiterals = new ArrayList<>();
    for (Object[] v : values) {
      asValues.add(LiteralList.wrap(v.clone()));
      asLiterals.add(List.of(PrimitiveLiterals.toLiteral(v[0]), PrimitiveLiterals.toLiteral(v[1])));
    }
    // an output that is a literal beside a plain value
    asValues.add(
        LiteralList.wrap(new Object[] {Literals.collection(List.of(Literals.of(1L))), 2L}));
    asLiterals.add(List.of(Literals.collection(List.of(Literals.of(1L))), Literals.of(2L)));

    String byValue = shard("values", asValues);
    String byLiteral = shard("literals", asLiterals);

    assertThat(byValue).isEqualTo(byLiteral);
    assertThat(byValue.lines().toList())
        .contains(
            "{\"index\":1,\"outputs\":{\"o0\":-7,\"o1\":-9223372036854775808}}",
            "{\"index\":3,\"outputs\":{\"o0\":\"NaN\",\"o1\":\"Infinity\"}}",
            "{\"index\":8,\"outputs\":{\"o0\":[1],\"o1\":2}}",
            "{\"index\":9,\"outputs\":{\"o0\":null,\"o1\":null}}");
  }
}
