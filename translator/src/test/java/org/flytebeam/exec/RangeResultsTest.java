package org.flytebeam.exec;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.flytebeam.types.Literals;
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
}
