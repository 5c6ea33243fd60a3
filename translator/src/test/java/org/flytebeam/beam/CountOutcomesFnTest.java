package org.flytebeam.beam;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.flytebeam.exec.ErrorGroups;
import org.flytebeam.exec.NodeCounts;
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

  @Test
  void shouldSumTheNodeExecutionsInsideElementsCountingARangeOnce() {
    CountOutcomesFn fn = new CountOutcomesFn(20, 20);
    CountOutcomesFn.Accumulator a = fn.createAccumulator();
    fn.addInput(a, withNodes(range(0, 10), new NodeCounts(20, 19, 1, 4)));
    CountOutcomesFn.Accumulator b = fn.createAccumulator();
    fn.addInput(b, withNodes(range(0, 10), new NodeCounts(20, 19, 1, 4)));
    fn.addInput(b, withNodes(range(10, 20), new NodeCounts(20, 20, 0, 0)));

    MapVerdict verdict = fn.extractOutput(fn.mergeAccumulators(List.of(a, b)));

    assertThat(verdict.nodes()).isEqualTo(new NodeCounts(40, 39, 1, 4));
    assertThat(verdict.summary())
        .endsWith(
            "; 40 node executions inside the elements (39 succeeded, 1 failed, 4 task runs from"
                + " the cache)");
  }

  @Test
  void shouldCountNoNodeExecutionsForATaskMap() {
    CountOutcomesFn fn = new CountOutcomesFn(10, 10);
    CountOutcomesFn.Accumulator a = fn.createAccumulator();
    fn.addInput(a, range(0, 10));

    MapVerdict verdict = fn.extractOutput(a);

    assertThat(verdict.nodes()).isEqualTo(NodeCounts.none());
    assertThat(verdict.summary()).doesNotContain("node execution");
  }

  private static RangeSummary withNodes(RangeSummary s, NodeCounts nodes) {
    return new RangeSummary(
        s.range(),
        s.succeeded(),
        s.failed(),
        s.timedOut(),
        s.aborted(),
        s.executedAttempts(),
        s.errors(),
        s.cache(),
        nodes);
  }
}
