package org.flytebeam.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.flytebeam.spec.MapTaskTest.types;

import flyteidl.core.Interface.TypedInterface;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.flytebeam.InvalidDefinitionException;
import org.flytebeam.spec.TestTasks.Cached;
import org.flytebeam.spec.TestTasks.JoinLists;
import org.flytebeam.spec.TestTasks.Split;
import org.junit.jupiter.api.Test;

class MappedInterfaceTest {
  private static TypedInterface scalar(org.flytebeam.task.JavaTask<?, ?> task) {
    return MapTask.javaTaskTemplate(task).getInterface();
  }

  @Test
  void shouldApplyOptionalRuleOnlyWhenRatioIsSetAndNotOne() {
    assertThat(MappedInterface.outputsOptional(Optional.empty())).isFalse();
    assertThat(MappedInterface.outputsOptional(Optional.of(1f))).isFalse();
    assertThat(MappedInterface.outputsOptional(Optional.of(0.99f))).isTrue();
    assertThat(MappedInterface.outputsOptional(Optional.of(0f))).isTrue();
  }

  @Test
  void shouldNotWrapOptionalTwiceWhenOutputIsAlreadyOptional() {
    TypedInterface mapped =
        MappedInterface.of(
            scalar(new Cached()).toBuilder()
                .setOutputs(scalar(new Cached()).getInputs()) // (word: str, times: Optional[int])
                .build(),
            List.of(),
            Optional.of(0.5f));

    assertThat(types(mapped.getOutputs()))
        .containsExactly(
            Map.entry("word", "List[Optional[str]]"), Map.entry("times", "List[Optional[int]]"));
  }

  @Test
  void shouldGiveBackScalarInterfaceWhenUnwrappingTheMappedOne() {
    for (Optional<Float> ratio :
        List.of(Optional.<Float>empty(), Optional.of(1f), Optional.of(0.3f))) {
      TypedInterface scalar = scalar(new JoinLists());
      TypedInterface mapped = MappedInterface.of(scalar, List.of("c"), ratio);

      assertThat(MappedInterface.toScalar(mapped, List.of("c"), ratio, "task [join_lists]"))
          .isEqualTo(scalar);
    }
    TypedInterface split = scalar(new Split());
    assertThat(
            MappedInterface.toScalar(
                MappedInterface.of(split, List.of(), Optional.of(0.5f)),
                List.of(),
                Optional.of(0.5f),
                "task [split]"))
        .isEqualTo(split);
  }

  @Test
  void shouldNameEveryInputAndOutputThatIsNotAListWhenUnwrapping() {
    TypedInterface scalar = scalar(new Split()); // (x: int) -> (half: int, label: str)

    assertThatThrownBy(
            () -> MappedInterface.toScalar(scalar, List.of(), Optional.empty(), "task [split]"))
        .isInstanceOfSatisfying(
            InvalidDefinitionException.class,
            e ->
                assertThat(e.problems())
                    .containsExactly(
                        "input [x] of task [split] is [int], not a list: in a mapped (list form)"
                            + " interface every input that is not bound must be a list; list it"
                            + " in bound_inputs if it is passed whole",
                        "output [half] of task [split] is [int], not a list: in a mapped (list"
                            + " form) interface every output must be a list",
                        "output [label] of task [split] is [str], not a list: in a mapped (list"
                            + " form) interface every output must be a list"));
  }
}
