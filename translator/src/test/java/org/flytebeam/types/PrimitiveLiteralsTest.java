package org.flytebeam.types;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import flyteidl.core.Literals.Literal;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class PrimitiveLiteralsTest {

  /** Values at the edges of each kind, and a few thousand drawn at random. */
  static List<Object> values() {
    List<Object> values =
        new ArrayList<>(
            List.of(
                0L,
                1L,
                -1L,
                127L,
                128L,
                -128L,
                1L << 35,
                -(1L << 35),
                Long.MAX_VALUE,
                Long.MIN_VALUE,
                0.0,
                -0.0,
                1.5,
                -2.25e-300,
                Double.NaN,
                // A NaN with a payload of its own: its bits must survive.
                Double.longBitsToDouble(0x7ff8_0000_dead_beefL),
                Double.POSITIVE_INFINITY,
                Double.NEGATIVE_INFINITY,
                Double.MIN_VALUE,
                Double.MAX_VALUE,
                "",
                "a",
                "héllo wörld",
                "日本語のテキスト",
                "emoji \uD83D\uDE00 and more",
                // A lone surrogate: protobuf writes what the JDK's encoder makes of it.
                "lone \uD800 surrogate",
                "x".repeat(200),
                true,
                false));
    Random random = new Random(19);
    for (int i = 0; i < 2000; i++) {
      values.add(random.nextLong() >> random.nextInt(64));
      values.add(Double.longBitsToDouble(random.nextLong()));
      StringBuilder s = new StringBuilder();
      for (int j = random.nextInt(20); j > 0; j--) {
        s.append((char) random.nextInt(0x10000));
      }
      values.add(s.toString());
    }
    return values;
  }

  @Test
  void shouldWriteTheBytesTheGeneratedClassesWrite() throws Exception {
    for (Object v : values()) {
      Literal generic = generic(v);
      ByteString bytes = PrimitiveLiterals.toByteString(v);

      assertThat(bytes).as("value %s", v).isEqualTo(generic.toByteString());
      // Parsed as the generic bytes parse (a lone surrogate was written as '?' by both).
      assertThat(Literal.parseFrom(bytes))
          .as("value %s", v)
          .isEqualTo(Literal.parseFrom(generic.toByteString()));
      assertThat(PrimitiveLiterals.toLiteral(v)).as("value %s", v).isEqualTo(generic);
    }
  }

  @Test
  void shouldKeepTheExactBitsOfAFloat() throws Exception {
    double nan = Double.longBitsToDouble(0x7ff8_0000_dead_beefL);

    Literal read = Literal.parseFrom(PrimitiveLiterals.toByteString(nan));

    assertThat(Double.doubleToRawLongBits(read.getScalar().getPrimitive().getFloatValue()))
        .isEqualTo(0x7ff8_0000_dead_beefL);
  }

  @Test
  void shouldRefuseWhatIsNotAPrimitive() {
    assertThat(PrimitiveLiterals.kindOf(Literals.none())).isEqualTo(PrimitiveLiterals.LITERAL);
    assertThat(PrimitiveLiterals.kindOf(3)).isEqualTo(PrimitiveLiterals.LITERAL);
    assertThatThrownBy(() -> PrimitiveLiterals.toLiteral(3))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("java.lang.Integer");
    assertThatThrownBy(() -> LiteralList.wrap(new Object[] {1L, null}))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void shouldListLiteralsEqualToTheGenericOnes() {
    Literal none = Literals.none();
    LiteralList list = LiteralList.wrap(new Object[] {5L, "s", none, 2.5, false});

    assertThat(list)
        .containsExactly(
            Literals.of(5L), Literals.of("s"), none, Literals.of(2.5), Literals.of(false));
    assertThat(list.value(0)).isEqualTo(5L);
    assertThat(list.value(2)).isSameAs(none);
    assertThat(LiteralList.copyOf(list)).isSameAs(list);
    assertThat(list)
        .isEqualTo(
            List.of(Literals.of(5L), Literals.of("s"), none, Literals.of(2.5), Literals.of(false)));
  }

  private static Literal generic(Object v) {
    if (v instanceof Long l) {
      return Literals.of(l.longValue());
    }
    if (v instanceof Double d) {
      return Literals.of(d.doubleValue());
    }
    if (v instanceof String s) {
      return Literals.of(s);
    }
    return Literals.of(((Boolean) v).booleanValue());
  }
}
