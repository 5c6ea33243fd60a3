package org.flytebeam.types;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import flyteidl.core.Literals.Literal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class NamedLiteralsTest {
  public record Input(long a, Optional<String> b, List<Double> c) {}

  private static final List<String> NAMES = List.of("a", "b", "c");

  private static NamedLiterals sample() {
    return new NamedLiterals(
        NAMES,
        new Literal[] {
          Literals.of(7L), Literals.of("x"), Literals.collection(List.of(Literals.of(1.5)))
        });
  }

  @Test
  void shouldBeTheMapOfItsNamesAndValuesInOrder() {
    NamedLiterals named = sample();
    Map<String, Literal> expected = new LinkedHashMap<>();
    expected.put("a", Literals.of(7L));
    expected.put("b", Literals.of("x"));
    expected.put("c", Literals.collection(List.of(Literals.of(1.5))));

    assertThat(named).isEqualTo(expected).hasSameHashCodeAs(expected);
    assertThat(expected).isEqualTo(named);
    assertThat(new ArrayList<>(named.keySet())).containsExactly("a", "b", "c");
    assertThat(named.get("b")).isEqualTo(Literals.of("x"));
    assertThat(named.get("zz")).isNull();
    assertThat(named.containsKey("c")).isTrue();
    assertThat(named.containsKey("zz")).isFalse();
    assertThat(named.value(0)).isEqualTo(Literals.of(7L));
    assertThat(named.names()).isSameAs(NAMES);
  }

  @Test
  void shouldRefuseChangesAndMissingValues() {
    NamedLiterals named = sample();
    assertThatThrownBy(() -> named.put("d", Literals.of(1L)))
        .isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> named.entrySet().iterator().next().setValue(Literals.of(1L)))
        .isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> new NamedLiterals(NAMES, new Literal[] {Literals.of(1L)}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("3 names");
    assertThatThrownBy(
            () -> new NamedLiterals(NAMES, new Literal[] {Literals.of(1L), null, Literals.of(1L)}))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("b");
  }

  public enum Color {
    RED,
    GREEN
  }

  public record Plain(long l, int i, double d, float f, String s, boolean b, Color c) {}

  private static final List<String> PLAIN = List.of("l", "i", "d", "f", "s", "b", "c");

  @Test
  void shouldHoldPrimitiveValuesAndGiveTheirLiterals() {
    NamedLiterals named =
        new NamedLiterals(PLAIN, new Object[] {7L, 8L, 0.5, 2L, "x", true, "GREEN"});

    assertThat(named.raw(0)).isEqualTo(7L);
    assertThat(named.value(0)).isEqualTo(Literals.of(7L));
    assertThat(named.get("d")).isEqualTo(Literals.of(0.5));
    Map<String, Literal> expected = new LinkedHashMap<>();
    for (int i = 0; i < PLAIN.size(); i++) {
      expected.put(PLAIN.get(i), PrimitiveLiterals.toLiteral(named.raw(i)));
    }
    assertThat(named).isEqualTo(expected).hasSameHashCodeAs(expected);
    assertThatThrownBy(() -> new NamedLiterals(List.of("a"), new Object[] {7}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("value of [a] is not a literal or a primitive value");
  }

  @Test
  void shouldDecodePrimitiveValuesAsTheirLiterals() {
    RecordCodec<Plain> codec = RecordCodec.of(Plain.class);
    Object[] values = {7L, 8L, 0.5, 2L, "x", true, "GREEN"};
    NamedLiterals plain = new NamedLiterals(PLAIN, values);
    Literal[] literals = new Literal[values.length];
    for (int i = 0; i < values.length; i++) {
      literals[i] = PrimitiveLiterals.toLiteral(values[i]);
    }

    assertThat(codec.fromLiterals(plain))
        .isEqualTo(codec.fromLiterals(new NamedLiterals(PLAIN, literals)))
        .isEqualTo(new Plain(7, 8, 0.5, 2f, "x", true, Color.GREEN));
  }

  @Test
  void shouldRefuseAPrimitiveValueWithTheMessageOfItsLiteral() {
    RecordCodec<Plain> codec = RecordCodec.of(Plain.class);
    Object[] good = {7L, 8L, 0.5, 2L, "x", true, "GREEN"};
    // one wrong value per component: another kind, out of range, an unknown constant
    Object[][] wrong = {
      {0, 0.5},
      {1, 1L << 40},
      {1, "8"},
      {2, "0.5"},
      {3, true},
      {4, 4L},
      {5, "true"},
      {6, "BLUE"},
      {6, 1L}
    };
    for (Object[] w : wrong) {
      Object[] values = good.clone();
      values[(int) w[0]] = w[1];
      Literal[] literals = new Literal[values.length];
      for (int i = 0; i < values.length; i++) {
        literals[i] = PrimitiveLiterals.toLiteral(values[i]);
      }
      String byLiteral = null;
      try {
        codec.fromLiterals(new NamedLiterals(PLAIN, literals));
      } catch (LiteralTypeException e) {
        byLiteral = e.getMessage();
      }
      assertThat(byLiteral).as("%s = %s", PLAIN.get((int) w[0]), w[1]).isNotNull();

      assertThatThrownBy(() -> codec.fromLiterals(new NamedLiterals(PLAIN, values)))
          .as("%s = %s", PLAIN.get((int) w[0]), w[1])
          .isInstanceOf(LiteralTypeException.class)
          .hasMessage(byLiteral);
    }
  }

  @Test
  void shouldDecodeTheSameRecordByPositionAsByName() {
    RecordCodec<Input> codec = RecordCodec.of(Input.class);
    NamedLiterals named = sample();

    Input byPosition = codec.fromLiterals(named);
    Input byName = codec.fromLiterals(new LinkedHashMap<>(named));

    assertThat(byPosition)
        .isEqualTo(byName)
        .isEqualTo(new Input(7, Optional.of("x"), List.of(1.5)));
    // Again with the names list the codec has seen: still the same record.
    assertThat(codec.fromLiterals(sample())).isEqualTo(byName);
  }

  @Test
  void shouldDecodeByNameWhenTheNamesAreInAnotherOrder() {
    RecordCodec<Input> codec = RecordCodec.of(Input.class);
    NamedLiterals reordered =
        new NamedLiterals(
            List.of("c", "a", "b"),
            new Literal[] {
              Literals.collection(List.of(Literals.of(2.5))), Literals.of(3L), Literals.of("y")
            });

    assertThat(codec.fromLiterals(reordered))
        .isEqualTo(new Input(3, Optional.of("y"), List.of(2.5)));
  }

  @Test
  void shouldStillNameAMismatchedValue() {
    RecordCodec<Input> codec = RecordCodec.of(Input.class);
    NamedLiterals wrong =
        new NamedLiterals(
            NAMES,
            new Literal[] {Literals.of("seven"), Literals.of("x"), Literals.collection(List.of())});

    assertThatThrownBy(() -> codec.fromLiterals(wrong))
        .isInstanceOf(LiteralTypeException.class)
        .hasMessageContaining("variable [a]");
  }
}
