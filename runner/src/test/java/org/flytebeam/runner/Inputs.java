package org.flytebeam.runner;

import flyteidl.core.Literals.Literal;
import flyteidl.core.Literals.LiteralMap;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.LongStream;
import org.flytebeam.types.Literals;

/** Small literal builders for tests. */
final class Inputs {
  private Inputs() {}

  static Literal ints(long... values) {
    List<Literal> items = new ArrayList<>();
    for (long v : values) {
      items.add(Literals.of(v));
    }
    return Literals.collection(items);
  }

  static Literal range(long n) {
    return ints(LongStream.range(0, n).toArray());
  }

  static Literal strings(String... values) {
    List<Literal> items = new ArrayList<>();
    for (String v : values) {
      items.add(Literals.of(v));
    }
    return Literals.collection(items);
  }

  static LiteralMap of(String name, Literal value) {
    return LiteralMap.newBuilder().putLiterals(name, value).build();
  }

  static List<Literal> list(LiteralMap outputs, String name) {
    return outputs.getLiteralsMap().get(name).getCollection().getLiteralsList();
  }

  static List<Object> plain(LiteralMap outputs, String name) {
    List<Object> values = new ArrayList<>();
    for (Literal l : list(outputs, name)) {
      if (Literals.isNone(l)) {
        values.add(null);
      } else if (l.getScalar().getPrimitive().getValueCase()
          == flyteidl.core.Literals.Primitive.ValueCase.INTEGER) {
        values.add(l.getScalar().getPrimitive().getInteger());
      } else {
        values.add(l.getScalar().getPrimitive().getStringValue());
      }
    }
    return values;
  }
}
