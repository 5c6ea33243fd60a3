package org.flytebeam.exec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import flyteidl.core.Literals.Literal;
import flyteidl.core.Literals.LiteralMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.flytebeam.InvalidDefinitionException;
import org.flytebeam.spec.MapTask;
import org.flytebeam.spec.MapTaskSpec;
import org.flytebeam.task.JavaTask;
import org.flytebeam.task.TaskContext;
import org.flytebeam.types.Literals;
import org.flytebeam.types.NamedLiterals;
import org.junit.jupiter.api.Test;

class MapInputsTest {
  public record In(long x) {}

  public record Out(long o0) {}

  /** Only its interface is used: nothing runs here. */
  public static final class Identity extends JavaTask<In, Out> {
    private static final long serialVersionUID = 1L;

    public Identity() {
      super("map_inputs_test_identity", In.class, Out.class);
    }

    @Override
    public Out run(In input, TaskContext context) {
      return new Out(input.x());
    }
  }

  private static final MapTaskSpec IDENTITY_MAP = MapTask.of(new Identity()).build();

  private static LiteralMap xs(List<Literal> items) {
    return LiteralMap.newBuilder().putLiterals("x", Literals.collection(items)).build();
  }

  @Test
  void shouldNameTheFirstItemsThatDoNotFitAndCountTheRest() {
    List<Literal> items = new ArrayList<>();
    for (int i = 0; i < 1_000; i++) {
      // 25 strings among the ints, at 0, 40, 80, ...
      items.add(i % 40 == 0 ? Literals.of("s" + i) : Literals.of((long) i));
    }

    InvalidDefinitionException e =
        assertThrows(InvalidDefinitionException.class, () -> MapInputs.of(IDENTITY_MAP, xs(items)));

    List<String> problems = e.problems();
    assertThat(problems).hasSize(MapInputs.MAX_ITEM_PROBLEMS + 1);
    assertThat(problems.get(0)).contains("x[0]").contains("str");
    assertThat(problems.get(1)).contains("x[40]");
    assertThat(problems.get(MapInputs.MAX_ITEM_PROBLEMS - 1)).contains("x[760]");
    assertThat(problems.get(MapInputs.MAX_ITEM_PROBLEMS))
        .isEqualTo("input [x]: 5 more items do not fit [int]");
  }

  @Test
  void shouldGiveEachElementItsItemsInInterfaceOrder() throws Exception {
    MapInputs inputs = MapInputs.of(IDENTITY_MAP, xs(List.of(Literals.of(4L), Literals.of(5L))));

    List<Map<String, Literal>> read = new ArrayList<>();
    try (MapInputs.Elements elements = inputs.read(0, 2)) {
      read.add(elements.next());
      read.add(elements.next());
    }

    assertThat(read).containsExactly(Map.of("x", Literals.of(4L)), Map.of("x", Literals.of(5L)));
    assertThat(read.get(0)).isInstanceOf(NamedLiterals.class);
    // Every element shares one list of names.
    assertThat(((NamedLiterals) read.get(0)).names())
        .isSameAs(((NamedLiterals) read.get(1)).names());
    assertThat(inputs.element(1)).isEqualTo(read.get(1));
  }
}
