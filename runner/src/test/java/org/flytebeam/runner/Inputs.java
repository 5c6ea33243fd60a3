package org.flytebeam.runner;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
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

  /** The integers of list output {@code name}; any other item (a none too) fails the test. */
  static List<Long> longs(LiteralMap outputs, String name) {
    List<Long> values = new ArrayList<>();
    for (Literal l : list(outputs, name)) {
      if (l.getScalar().getPrimitive().getValueCase()
          != flyteidl.core.Literals.Primitive.ValueCase.INTEGER) {
        throw new AssertionError("output [" + name + "] holds a non-integer: " + l);
      }
      values.add(l.getScalar().getPrimitive().getInteger());
    }
    return values;
  }

  /** A literal map from flyteidl's JSON form, as {@code --outputs x.json} writes it. */
  static LiteralMap fromJson(String json) throws InvalidProtocolBufferException {
    LiteralMap.Builder map = LiteralMap.newBuilder();
    JsonFormat.parser().merge(json, map);
    return map.build();
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
