package org.flytebeam.exec;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.OptionalInt;
import org.flytebeam.beam.MapVerdict;
import org.flytebeam.types.Literals;
import org.junit.jupiter.api.Test;

class NestedMapsTest {
  private static final List<String> O0 = List.of("o0");

  private static NestedMaps.Item ok(long v) {
    return new NestedMaps.Item(List.of(Literals.of(v)), "");
  }

  private static NestedMaps.Item bad(String error) {
    return new NestedMaps.Item(List.of(), error);
  }

  @Test
  void shouldRunEveryElementInOneWaveWhenParallelismIsUnsetZeroOrAtLeastTheSize() {
    assertThat(NestedMaps.waves(5, OptionalInt.empty())).containsExactly(new int[] {0, 5});
    assertThat(NestedMaps.waves(5, OptionalInt.of(0))).containsExactly(new int[] {0, 5});
    assertThat(NestedMaps.waves(5, OptionalInt.of(5))).containsExactly(new int[] {0, 5});
    assertThat(NestedMaps.waves(0, OptionalInt.of(2))).isEmpty();
  }

  @Test
  void shouldRunWavesOfAtMostParallelismElementsWhenItIsBelowTheSize() {
    assertThat(NestedMaps.waves(5, OptionalInt.of(2)))
        .containsExactly(new int[] {0, 2}, new int[] {2, 4}, new int[] {4, 5});
    assertThat(NestedMaps.waves(3, OptionalInt.of(1)))
        .containsExactly(new int[] {0, 1}, new int[] {1, 2}, new int[] {2, 3});
  }

  @Test
  void shouldDecideAnInnerMapPerElementByItsOwnCriteriaWithNoneForFailedItems() {
    List<NestedMaps.Item> items = List.of(ok(10), bad("negative: -1"));
    boolean[] ran = NestedMaps.ranInWorker(items, 1, false);

    NestedMaps.Decided d = NestedMaps.decide("n0", "test_counted", items, ran, 1, O0);

    assertThat(d.succeeded()).isTrue();
    assertThat(d.outputs().getLiteralsOrThrow("o0"))
        .isEqualTo(Literals.collection(List.of(Literals.of(10), Literals.none())));
  }

  @Test
  void shouldFailTheInnerNodeWithTheInWorkerMessageWhenTooFewItemsSucceed() {
    List<NestedMaps.Item> items = List.of(bad("negative: -1"), bad("negative: -2"));

    NestedMaps.Decided d =
        NestedMaps.decide(
            "n0[1]/n0", "test_counted", items, NestedMaps.ranInWorker(items, 1, false), 1, O0);

    assertThat(d.error())
        .isEqualTo(
            "n0[1]/n0 (test_counted): 0 of 2 elements succeeded, 1 required; [0]: negative: -1");
  }

  @Test
  void shouldCountItemsAfterTheMapCouldNoLongerSucceedAsAbortedWhenFailFast() {
    // Four items, all four required: the first fails, so the in-worker path starts no other.
    List<NestedMaps.Item> items = List.of(bad("boom"), ok(1), bad("late"), ok(3));

    boolean[] failFast = NestedMaps.ranInWorker(items, 4, false);
    boolean[] runAll = NestedMaps.ranInWorker(items, 4, true);
    NestedMaps.Decided d = NestedMaps.decide("n1", "t", items, failFast, 4, O0);
    NestedMaps.Decided all = NestedMaps.decide("n1", "t", items, runAll, 4, O0);

    assertThat(failFast).containsExactly(true, false, false, false);
    assertThat(runAll).containsExactly(true, true, true, true);
    assertThat(d.error()).isEqualTo("n1 (t): 0 of 4 elements succeeded, 4 required; [0]: boom");
    assertThat(all.error()).isEqualTo("n1 (t): 2 of 4 elements succeeded, 4 required; [0]: boom");
  }

  @Test
  void shouldRunItemsUntilTheMapCanNoLongerSucceedWhenSomeFailuresAreAllowed() {
    // Three of five required: two failures are allowed; the third (item 3) stops the rest.
    List<NestedMaps.Item> items = List.of(bad("a"), ok(1), bad("b"), bad("c"), ok(4));

    assertThat(NestedMaps.ranInWorker(items, 3, false))
        .containsExactly(true, true, true, true, false);
  }

  @Test
  void shouldSumTheOuterVerdictAsTheMapsCombineDoes() {
    List<ElementOutcome> outcomes =
        List.of(
            new ElementOutcome(
                0,
                ElementStatus.SUCCEEDED,
                1,
                0,
                0,
                "",
                List.of(Literals.of(1)),
                false,
                List.of(),
                new NodeCounts(2, 2, 0, 1)),
            new ElementOutcome(
                    1, ElementStatus.FAILED, 1, 0, 0, "n0 (t): boom", List.of(), false, List.of())
                .withNodes(new NodeCounts(1, 0, 1, 0)),
            ElementOutcome.aborted(2));

    MapVerdict v = NestedMaps.verdict(3, 3, outcomes);

    assertThat(v.success()).isFalse();
    assertThat(v.summary())
        .isEqualTo(
            "map failed: 1 of 3 elements succeeded, 3 required (1 failed, 0 timed out, 1"
                + " aborted); 3 node executions inside the elements (2 succeeded, 1 failed, 1"
                + " task runs from the cache)");
    assertThat(v.errors().format())
        .isEqualTo("[1]: n0 (t): boom\n[2]: aborted: the map could no longer succeed");
  }

  @Test
  void shouldTellWhetherAMapCanStillSucceed() {
    assertThat(NestedMaps.canStillSucceed(4, 3, 1)).isTrue();
    assertThat(NestedMaps.canStillSucceed(4, 3, 2)).isFalse();
    assertThat(NestedMaps.canStillSucceed(4, 0, 4)).isTrue();
  }
}
