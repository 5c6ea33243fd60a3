package org.flytebeam.beam;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.flytebeam.exec.ErrorGroups;
import org.junit.jupiter.api.Test;

class CountOutcomesFnTest {

  private static RangeSummary range(long start, long end, long... failing) {
    ErrorGroups errors = new ErrorGroups();
    for (long i : failing) {
      errors.add(i, "boom " + (i % 2));
    }
    long length = end - start;
    return new RangeSummary(
        new IndexRange(start, end), length - failing.length, failing.length, 0, 0, length, errors);
  }

  @Test
  void shouldCountARangeOnceWhenItIsDeliveredTwice() {
    // given: three ranges; the second arrives in two accumulators, and twice in one
    CountOutcomesFn fn = new CountOutcomesFn(30, 30);
    CountOutcomesFn.Accumulator a = fn.createAccumulator();
    fn.addInput(a, range(0, 10, 3));
    fn.addInput(a, range(10, 20, 11, 12));
    fn.addInput(a, range(10, 20, 11, 12));
    CountOutcomesFn.Accumulator b = fn.createAccumulator();
    fn.addInput(b, range(10, 20, 11, 12));
    fn.addInput(b, range(20, 30));

    // when
    MapVerdict verdict = fn.extractOutput(fn.mergeAccumulators(List.of(a, b)));

    // then
    assertThat(verdict.succeeded()).isEqualTo(27);
    assertThat(verdict.failed()).isEqualTo(3);
    // "boom 1" and "boom 0" are one kind of error, each index counted once
    assertThat(verdict.errors().format()).isEqualTo("[3][11-12]: boom <n>");
    assertThat(verdict.errors().groups().get(0).count()).isEqualTo(3);
  }
}
