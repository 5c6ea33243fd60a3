package org.flytebeam.exec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import flyteidl.core.Literals.Literal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.flytebeam.FlyteBeamException;
import org.flytebeam.types.LiteralList;
import org.flytebeam.types.Literals;
import org.flytebeam.types.PrimitiveLiterals;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RangeResultsTest {
  @TempDir Path dir;

  private static List<ElementOutcome> outcomes() {
    return List.of(
        new ElementOutcome(
            10,
            ElementStatus.SUCCEEDED,
            1,
            1_700_000_000_000L,
            5,
            "",
            List.of(Literals.of(7L), Literals.of("a"))),
        new ElementOutcome(
            11,
            ElementStatus.FAILED,
            3,
            1_700_000_000_004L,
            12,
            "ValueError: boom",
            List.of(),
            false,
            List.of(
                new AttemptError(2, "ValueError: boom", "java.lang.IllegalStateException: x\n"),
                new AttemptError(3, "ValueError: boom", ""))),
        new ElementOutcome(
            12, ElementStatus.TIMED_OUT, 2, 1_699_999_999_999L, 300, "timed out", List.of()),
        ElementOutcome.aborted(13),
        new ElementOutcome(
            14,
            ElementStatus.SUCCEEDED,
            0,
            1_700_000_000_010L,
            0,
            "",
            List.of(Literals.of(8L), Literals.of("b")),
            true));
  }

  @Test
  void shouldReadBackExactlyWhatWasWrittenCacheHitsIncluded() {
    RangeResults.write(dir.toString(), 10, 15, outcomes());

    assertThat(RangeResults.read(dir.toString(), 10, 15)).contains(outcomes());
    assertThat(RangeResults.read(dir.toString(), 10, 15).get())
        .extracting(ElementOutcome::cacheHit)
        .containsExactly(false, false, false, false, true);
  }

  @Test
  void shouldReadBackTheNodeCountsOfWorkflowElements() {
    List<ElementOutcome> written =
        List.of(
            outcomes().get(0).withNodes(new NodeCounts(3, 3, 0, 2)),
            outcomes().get(1).withNodes(new NodeCounts(2, 1, 1, 0)),
            outcomes().get(3));
    RangeResults.write(dir.toString(), 10, 15, written);

    assertThat(RangeResults.read(dir.toString(), 10, 15).get())
        .extracting(ElementOutcome::nodes)
        .containsExactly(new NodeCounts(3, 3, 0, 2), new NodeCounts(2, 1, 1, 0), NodeCounts.none());
    assertThat(RangeResults.read(dir.toString(), 10, 15)).contains(written);
  }

  @Test
  void shouldTreatAMissingOrTruncatedFileAsNotDone() throws Exception {
    assertThat(RangeResults.read(dir.toString(), 10, 15)).isEmpty();

    RangeResults.write(dir.toString(), 10, 15, outcomes());
    Path file = Path.of(RangeResults.path(dir.toString(), 10, 15));
    byte[] bytes = Files.readAllBytes(file);
    for (int cut : new int[] {0, 3, bytes.length / 2, bytes.length - 1}) {
      Files.write(file, java.util.Arrays.copyOf(bytes, cut));
      assertThat(RangeResults.read(dir.toString(), 10, 15)).as("cut at %d", cut).isEmpty();
    }
  }

  @Test
  void shouldNotMistakeAnotherRangesFileForThisOne() throws Exception {
    RangeResults.write(dir.toString(), 10, 15, outcomes());
    Files.copy(
        Path.of(RangeResults.path(dir.toString(), 10, 15)),
        Path.of(RangeResults.path(dir.toString(), 20, 25)));

    assertThat(RangeResults.read(dir.toString(), 20, 25)).isEmpty();
  }

  /** Outcomes whose outputs are kept as values, a literal among them, and a failed one. */
  private static List<ElementOutcome> primitiveOutcomes() {
    Literal list = Literals.collection(List.of(Literals.of(1L), Literals.of(2L)));
    return List.of(
        new ElementOutcome(
            0,
            ElementStatus.SUCCEEDED,
            1,
            1_700_000_000_000L,
            1,
            "",
            LiteralList.wrap(new Object[] {-5L, Double.NaN, "é \uD83D\uDE00", true, list})),
        new ElementOutcome(
            1, ElementStatus.FAILED, 1, 1_700_000_000_001L, 1, "ValueError: no", List.of()),
        new ElementOutcome(
            2,
            ElementStatus.SUCCEEDED,
            1,
            1_700_000_000_002L,
            1,
            "",
            LiteralList.wrap(
                new Object[] {
                  Long.MIN_VALUE, Double.NEGATIVE_INFINITY, "", false, Literals.none()
                })),
        new ElementOutcome(
            3,
            ElementStatus.SUCCEEDED,
            1,
            1_700_000_000_003L,
            1,
            "",
            // Literals as a generic invoker gives them: written as literals.
            List.of(
                Literals.of(9L),
                Literals.of(0.5),
                Literals.of("g"),
                Literals.of(true),
                Literals.none())));
  }

  @Test
  void shouldReadPrimitiveOutputsBackAsTheirLiterals() {
    RangeResults.write(dir.toString(), 0, 4, primitiveOutcomes());

    List<ElementOutcome> read = RangeResults.read(dir.toString(), 0, 4).orElseThrow();

    assertThat(read).isEqualTo(primitiveOutcomes());
    assertThat(read.get(0).outputs().get(0)).isEqualTo(Literals.of(-5L));
    assertThat(read.get(0).outputs().get(2)).isEqualTo(Literals.of("é \uD83D\uDE00"));
    // Kept as values after reading too: nothing is made of them until asked.
    assertThat(((LiteralList) read.get(0).outputs()).value(0)).isEqualTo(-5L);
  }

  @Test
  void shouldVisitEachOutputAsTheBytesOfItsLiteral() throws Exception {
    RangeResults.write(dir.toString(), 0, 4, primitiveOutcomes());
    List<String> seen = new ArrayList<>();

    boolean read =
        RangeResults.visitOutputs(
            dir.toString(),
            0,
            4,
            5,
            (index, succeeded, k, kind, bits, bytes) -> {
              if (!succeeded) {
                seen.add(index + "/" + k + " none");
                return;
              }
              ByteString literal =
                  kind == PrimitiveLiterals.LITERAL ? bytes : literalBytes(kind, bits, bytes);
              Literal expected = primitiveOutcomes().get((int) index).outputs().get(k);
              assertThat(literal).as("%d/%d", index, k).isEqualTo(expected.toByteString());
              seen.add(index + "/" + k);
            });

    assertThat(read).isTrue();
    assertThat(seen).hasSize(20).contains("1/0 none", "1/4 none", "0/4", "3/4");
  }

  @Test
  void shouldVisitOutputsPastAnElementsNodeCounts() throws Exception {
    List<ElementOutcome> outcomes = new ArrayList<>(primitiveOutcomes());
    outcomes.set(0, outcomes.get(0).withNodes(new NodeCounts(3, 2, 1, 0)));
    RangeResults.write(dir.toString(), 0, 4, outcomes);
    List<Object> ints = new ArrayList<>();

    boolean read =
        RangeResults.visitOutputs(
            dir.toString(),
            0,
            4,
            5,
            (index, succeeded, k, kind, bits, bytes) -> {
              if (succeeded && k == 0) {
                ints.add(kind == PrimitiveLiterals.INTEGER ? bits : "literal");
              }
            });

    assertThat(read).isTrue();
    assertThat(ints).containsExactly(-5L, Long.MIN_VALUE, "literal");
    assertThat(RangeResults.read(dir.toString(), 0, 4).orElseThrow().get(0).nodes())
        .isEqualTo(new NodeCounts(3, 2, 1, 0));
  }

  @Test
  void shouldNotVisitAFileWithAnotherCountOfOutputsOrNone() throws Exception {
    assertThat(RangeResults.visitOutputs(dir.toString(), 0, 4, 5, (i, s, k, t, b, y) -> {}))
        .isFalse();
    RangeResults.write(dir.toString(), 0, 4, primitiveOutcomes());
    List<Long> seen = new ArrayList<>();

    assertThat(
            RangeResults.visitOutputs(dir.toString(), 0, 4, 2, (i, s, k, t, b, y) -> seen.add(i)))
        .isFalse();
    assertThat(seen).isEmpty();
  }

  @Test
  void shouldRefuseAResultFileOfAnOlderFormatWithAMessage() throws Exception {
    RangeResults.write(dir.toString(), 10, 15, outcomes());
    Path file = Path.of(RangeResults.path(dir.toString(), 10, 15));
    byte[] bytes = Files.readAllBytes(file);
    // The version digit of "FBR3" (the magic is little-endian): the format before primitives.
    bytes[0] = (byte) '3';
    Files.write(file, bytes);

    assertThatThrownBy(() -> RangeResults.read(dir.toString(), 10, 15))
        .isInstanceOf(FlyteBeamException.class)
        .hasMessageContaining("is of format FBR3")
        .hasMessageContaining("this one reads FBR4")
        .hasMessageContaining("run the map again");
    assertThatThrownBy(
            () -> RangeResults.visitOutputs(dir.toString(), 10, 15, 2, (i, s, k, t, b, y) -> {}))
        .isInstanceOf(FlyteBeamException.class);
  }

  private static ByteString literalBytes(int kind, long bits, ByteString utf8) {
    try {
      ByteString.Output out = ByteString.newOutput();
      com.google.protobuf.CodedOutputStream coded =
          com.google.protobuf.CodedOutputStream.newInstance(out);
      PrimitiveLiterals.writeLiteral(coded, kind, bits, utf8);
      coded.flush();
      ByteString written = out.toByteString();
      assertThat(written.size()).isEqualTo(PrimitiveLiterals.literalSize(kind, bits, utf8));
      return written;
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
