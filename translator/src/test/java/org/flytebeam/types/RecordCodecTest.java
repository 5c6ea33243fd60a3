package org.flytebeam.types;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import flyteidl.core.Literals.Literal;
import flyteidl.core.Types.LiteralType;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RecordCodecTest {
  record Input(long a, Optional<String> b, List<Double> c) {}

  @Test
  void shouldRoundTripWhenRecordHasMixedComponents() {
    RecordCodec<Input> codec = RecordCodec.of(Input.class);
    Input input = new Input(1, Optional.empty(), List.of(0.5, 1.5));

    Map<String, Literal> literals = codec.toLiterals(input);

    assertThat(literals.keySet()).containsExactly("a", "b", "c");
    assertThat(literals.get("b")).isEqualTo(Literals.none());
    assertThat(codec.fromLiterals(literals)).isEqualTo(input);
  }

  @Test
  void shouldDeriveVariablesInComponentOrderWhenAsked() {
    Map<String, LiteralType> variables = RecordCodec.of(Input.class).variables();

    assertThat(variables.keySet()).containsExactly("a", "b", "c");
    assertThat(variables.values())
        .extracting(LiteralTypes::describe)
        .containsExactly("int", "Optional[str]", "List[float]");
  }

  @Test
  void shouldNameVariableWhenLiteralDoesNotFit() {
    RecordCodec<Input> codec = RecordCodec.of(Input.class);

    assertThatThrownBy(
            () ->
                codec.fromLiterals(
                    Map.of(
                        "a", Literals.of("x"),
                        "b", Literals.none(),
                        "c", Literals.collection(List.of()))))
        .isInstanceOf(LiteralTypeException.class)
        .hasMessage(
            "variable [a] of record [RecordCodecTest.Input] expects [int] but found [str \"x\"]");
  }
}
