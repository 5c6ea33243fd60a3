package org.flytebeam.beam;

import static org.assertj.core.api.Assertions.assertThat;

import flyteidl.core.Literals.Literal;
import flyteidl.core.Literals.LiteralMap;
import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.flytebeam.exec.ElementOutcome;
import org.flytebeam.exec.ElementStatus;
import org.flytebeam.exec.RangeResults;
import org.flytebeam.spec.MapTask;
import org.flytebeam.spec.MapTaskSpec;
import org.flytebeam.task.JavaTask;
import org.flytebeam.task.TaskContext;
import org.flytebeam.types.LiteralList;
import org.flytebeam.types.Literals;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The outputs file written from the range files, against the outputs assembled as messages. */
class MapResultTest {
  public record In(long x) {}

  public record Out(long i, double f, String s, boolean b, List<Long> l) {}

  /** Never run here: its interface gives the map its outputs. */
  public static final class Mixed extends JavaTask<In, Out> {
    private static final long serialVersionUID = 1L;

    public Mixed() {
      super("map_result_test_mixed", In.class, Out.class);
    }

    @Override
    public Out run(In input, TaskContext context) {
      throw new UnsupportedOperationException("not run");
    }
  }

  @TempDir Path dir;

  @Test
  void shouldWriteTheOutputsByteForByteAsTheGeneratedClassesDo() throws Exception {
    // given: 5,000 elements, every 7th failed, one range never written, primitive values kept as
    // values (negative ints, NaN and infinite floats, unicode and empty strings) and literals
    // written as literals by a generic invoker
    MapTaskSpec spec = MapTask.of(new Mixed()).minSuccessRatio(0.1f).build();
    int n = 5000;
    MapRunPlan plan =
        new MapRunPlan("result-test", dir.toString(), spec, n, 1, MapRunPlan.planShards(n, 0));
    Random random = new Random(19);
    IndexRange lost = plan.shards().get(2).ranges().get(0);
    for (Shard shard : plan.shards()) {
      for (IndexRange range : shard.ranges()) {
        if (range.equals(lost)) {
          continue;
        }
        List<ElementOutcome> outcomes = new ArrayList<>();
        for (long i = range.start(); i < range.end(); i++) {
          outcomes.add(outcome(i, random));
        }
        RangeResults.write(plan.resultsDir(), range.start(), range.end(), outcomes);
      }
    }
    MapResult result =
        MapResult.withoutRun(
            plan, new MapVerdict(n, 1, n, 0, 0, 0, new org.flytebeam.exec.ErrorGroups()));

    // when
    ByteArrayOutputStream streamed = new ByteArrayOutputStream();
    result.writeOutputs(streamed);

    // then: the same bytes as the map of literal messages, and it parses back to it
    LiteralMap assembled = result.outputs();
    assertThat(streamed.toByteArray()).isEqualTo(assembled.toByteArray());
    assertThat(LiteralMap.parseFrom(streamed.toByteArray())).isEqualTo(assembled);
    List<Literal> ints = assembled.getLiteralsMap().get("i").getCollection().getLiteralsList();
    assertThat(ints).hasSize(n);
    assertThat(ints.get(7)).isEqualTo(Literals.none());
    assertThat(ints.get((int) lost.start())).isEqualTo(Literals.none());
    assertThat(ints.get(1)).isEqualTo(Literals.of(-1L));
    assertThat(assembled.getLiteralsMap().get("s").getCollection().getLiterals(2))
        .isEqualTo(Literals.of(""));
  }

  private static ElementOutcome outcome(long i, Random random) {
    if (i % 7 == 0) {
      return new ElementOutcome(
          i, ElementStatus.FAILED, 1, 1_700_000_000_000L, 1, "ValueError: " + i, List.of());
    }
    double f =
        switch ((int) (i % 5)) {
          case 1 -> Double.NaN;
          case 2 -> Double.NEGATIVE_INFINITY;
          case 3 -> Double.POSITIVE_INFINITY;
          default -> Double.longBitsToDouble(random.nextLong());
        };
    String s = i % 3 == 2 ? "" : "é" + i + " \uD83D\uDE00 日本";
    Literal list = Literals.collection(List.of(Literals.of(i), Literals.of(-i)));
    List<Literal> outputs =
        i % 11 == 0
            // As a generic invoker gives them: messages, written as they are.
            ? List.of(
                Literals.of(-i), Literals.of(f), Literals.of(s), Literals.of(i % 2 == 0), list)
            : LiteralList.wrap(new Object[] {-i, f, s, i % 2 == 0, list});
    return new ElementOutcome(
        i, ElementStatus.SUCCEEDED, 1, 1_700_000_000_000L + i, 1, "", outputs);
  }
}
