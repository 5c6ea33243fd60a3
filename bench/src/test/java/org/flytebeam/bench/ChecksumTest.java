package org.flytebeam.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import flyteidl.core.Literals.Literal;
import flyteidl.core.Literals.LiteralCollection;
import flyteidl.core.Literals.LiteralMap;
import flyteidl.core.Literals.Primitive;
import flyteidl.core.Literals.Scalar;
import flyteidl.core.Literals.Void;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChecksumTest {
  @TempDir Path dir;

  @Test
  void shouldReadCountSumAndFailuresWhenMixedWithLogLines() {
    String stdout =
        "20:01:02 WARN NativeCodeLoader: whatever\n"
            + "checksum count=3 sum=14\n"
            + "some other line count=99\n"
            + "checksum failures=0\n";

    assertThat(Checksum.parse(stdout)).isEqualTo(new Checksum(3, 14, 0));
  }

  @Test
  void shouldSayWhatIsMissingWhenNoFailuresLine() {
    assertThatThrownBy(() -> Checksum.parse("checksum count=3 sum=14\n"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no [checksum failures=...] line")
        .hasMessageContaining("checksum count=3 sum=14");
  }

  @Test
  void shouldCountNoneAsFailuresWhenReadingFlyteBeamOutputs() throws Exception {
    LiteralCollection.Builder list = LiteralCollection.newBuilder();
    for (long x : new long[] {1, 4, 9}) {
      list.addLiterals(
          Literal.newBuilder()
              .setScalar(Scalar.newBuilder().setPrimitive(Primitive.newBuilder().setInteger(x))));
    }
    list.addLiterals(
        Literal.newBuilder().setScalar(Scalar.newBuilder().setNoneType(Void.getDefaultInstance())));
    Path file = dir.resolve("outputs.pb");
    Files.write(
        file,
        LiteralMap.newBuilder()
            .putLiterals("o0", Literal.newBuilder().setCollection(list).build())
            .build()
            .toByteArray());

    assertThat(Checksum.fromOutputs(file, "o0")).isEqualTo(new Checksum(3, 14, 1));
  }

  @Test
  void shouldMatchWhatTheHarnessWroteWhenReadBackAsInputs() throws Exception {
    Path file = dir.resolve("inputs.pb");
    Bench.writeInputs(file, 5);

    // The inputs are 0..4, so as "outputs" of the identity they sum to 10.
    assertThat(Checksum.fromOutputs(file, "x")).isEqualTo(new Checksum(5, 10, 0));
  }

  @Test
  void shouldSumShardsInIndexOrderCountingNullAsFailureWhenOutputsDir() throws Exception {
    // given
    Path elements = Files.createDirectories(dir.resolve("elements"));
    Files.writeString(
        elements.resolve("part-000000000002-000000000004.jsonl"),
        "{\"index\":2,\"outputs\":{\"o0\":null}}\n{\"index\":3,\"outputs\":{\"o0\":9}}\n");
    Files.writeString(
        elements.resolve("part-000000000000-000000000002.jsonl"),
        "{\"index\":0,\"outputs\":{\"o0\":0}}\n{\"index\":1,\"outputs\":{\"o0\":1}}\n");
    // when
    Checksum sum = Checksum.fromShards(elements, "o0");
    // then
    assertThat(sum).isEqualTo(new Checksum(3, 10, 1));
  }

  @Test
  void shouldRejectShardsWhenAnIndexIsMissing() throws Exception {
    Path elements = Files.createDirectories(dir.resolve("elements"));
    Files.writeString(
        elements.resolve("part-000000000000-000000000003.jsonl"),
        "{\"index\":0,\"outputs\":{\"o0\":0}}\n{\"index\":2,\"outputs\":{\"o0\":4}}\n");

    assertThatThrownBy(() -> Checksum.fromShards(elements, "o0"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("index 2 where 1 was expected");
  }

  @Test
  void shouldNameTheRunWhenItLeftNoOutputsOrNoIntegerList(@TempDir Path dir) throws Exception {
    Path missing = dir.resolve("missing.pb");
    assertThatThrownBy(() -> Checksum.ofRun(missing, "o0", "container N=5"))
        .isInstanceOf(Bench.BenchFailedException.class)
        .hasMessageStartingWith("container N=5 left no valid outputs: ");
    assertThatThrownBy(() -> Checksum.readOutputs(missing, "workflow line: the workflow N=5"))
        .isInstanceOf(Bench.BenchFailedException.class)
        .hasMessageStartingWith("workflow line: the workflow N=5 left no valid outputs: ");

    Path noList = dir.resolve("no-list.pb");
    Files.write(noList, LiteralMap.getDefaultInstance().toByteArray());
    assertThatThrownBy(() -> Checksum.ofRun(noList, "o0", "the map alone N=5"))
        .isInstanceOf(Bench.BenchFailedException.class)
        .hasMessageContaining("left no valid outputs")
        .hasMessageContaining("hold no collection [o0]");
    assertThat(Checksum.readOutputs(noList, "x").getLiteralsCount()).isZero();
  }
}
