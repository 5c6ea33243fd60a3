package org.flytebeam.types;

import com.google.protobuf.Struct;
import flyteidl.core.Literals.Literal;
import flyteidl.core.Literals.Primitive;
import flyteidl.core.Types.BlobType;
import flyteidl.core.Types.LiteralType;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Converts values of one Java type to and from literals. Built once per type (the tree follows the
 * type: a list converter holds its element converter), so that converting a value does no
 * reflection and no type dispatch beyond a few {@code instanceof} checks. Mismatches are thrown as
 * {@link Mismatch}; the entry points name the variable.
 */
abstract class Converter {
  final LiteralType literalType;

  Converter(LiteralType literalType) {
    this.literalType = literalType;
  }

  abstract Literal toLiteral(Object value);

  /**
   * The value for an output: a primitive value ({@link PrimitiveLiterals}) where the type is a
   * primitive, so that no literal is made; else {@link #toLiteral}. Mismatches as {@link
   * #toLiteral}.
   */
  Object toValue(Object value) {
    return toLiteral(value);
  }

  abstract Object fromLiteral(Literal literal);

  /**
   * The Java value of an input held as a {@link Literal} or as a primitive value ({@link
   * PrimitiveLiterals}), as {@link #fromLiteral} reads the literal of that value: a scalar reads a
   * primitive value as it is, without making the literal.
   */
  Object fromValue(Object value) {
    return fromLiteral(value instanceof Literal l ? l : PrimitiveLiterals.toLiteral(value));
  }

  /** A converter for the Java type; {@link LiteralTypeException} when it is not supported. */
  static Converter of(Type type) {
    LiteralType literalType = LiteralTypes.of(type);
    if (type instanceof ParameterizedType p) {
      Type raw = p.getRawType();
      Type[] args = p.getActualTypeArguments();
      if (raw == Optional.class) {
        return new OptionalConverter(literalType, of(args[0]));
      }
      if (raw == List.class) {
        return new ListConverter(literalType, of(args[0]));
      }
      if (raw == Map.class) {
        return new MapConverter(literalType, of(args[1]));
      }
      throw new AssertionError("LiteralTypes accepted [" + type.getTypeName() + "]");
    }
    Class<?> c = (Class<?>) type;
    Scalar scalar = c.isEnum() ? Scalar.enumOf(c) : SCALARS.get(c);
    if (scalar == null) {
      throw new AssertionError("LiteralTypes accepted [" + type.getTypeName() + "]");
    }
    return new ScalarConverter(literalType, scalar);
  }

  /**
   * The scalar Java types, a row each (boxed and primitive alike): how a value of the type is
   * written, and how a literal is read back as one. {@link LiteralTypes#of} decides which types are
   * supported; this table must have a row for each of them.
   */
  private static final Map<Class<?>, Scalar> SCALARS = scalars();

  private static Map<Class<?>, Scalar> scalars() {
    Map<Class<?>, Scalar> table = new HashMap<>();
    Scalar longs = Scalar.integer(Long.MIN_VALUE, Long.MAX_VALUE, v -> v, "long");
    Scalar ints = Scalar.integer(Integer.MIN_VALUE, Integer.MAX_VALUE, v -> (int) (long) v, "int");
    Scalar shorts =
        Scalar.integer(Short.MIN_VALUE, Short.MAX_VALUE, v -> (short) (long) v, "short");
    Scalar doubles = Scalar.floating(v -> v);
    Scalar floats = Scalar.floating(v -> (float) (double) v);
    Scalar booleans =
        new Scalar(
            value -> value instanceof Boolean b ? Literals.of(b.booleanValue()) : null,
            null,
            Scalar.primitive(Primitive.ValueCase.BOOLEAN, Primitive::getBoolean),
            value -> value instanceof Boolean ? value : null,
            Boolean.class);
    table.put(long.class, longs);
    table.put(Long.class, longs);
    table.put(int.class, ints);
    table.put(Integer.class, ints);
    table.put(short.class, shorts);
    table.put(Short.class, shorts);
    table.put(double.class, doubles);
    table.put(Double.class, doubles);
    table.put(float.class, floats);
    table.put(Float.class, floats);
    table.put(boolean.class, booleans);
    table.put(Boolean.class, booleans);
    table.put(
        String.class,
        new Scalar(
            value -> value instanceof String s ? Literals.of(s) : null,
            null,
            Scalar.primitive(Primitive.ValueCase.STRING_VALUE, Primitive::getStringValue),
            value -> value instanceof String ? value : null,
            String.class));
    table.put(
        Instant.class,
        new Scalar(
            value -> value instanceof Instant i ? Literals.of(i) : null,
            null,
            Scalar.primitive(
                Primitive.ValueCase.DATETIME, p -> Literals.toInstant(p.getDatetime()))));
    table.put(
        Duration.class,
        new Scalar(
            value -> value instanceof Duration d ? Literals.of(d) : null,
            null,
            Scalar.primitive(
                Primitive.ValueCase.DURATION, p -> Literals.toDuration(p.getDuration()))));
    Scalar none =
        new Scalar(
            value -> value == null ? Literals.none() : null,
            "a Void value can only be null",
            (converter, literal) -> {
              if (!Literals.isNone(literal)) {
                throw converter.wrongLiteral(literal, null);
              }
              return null;
            });
    table.put(void.class, none);
    table.put(Void.class, none);
    table.put(
        Struct.class,
        new Scalar(
            value -> value instanceof Struct s ? Literals.of(s) : null,
            null,
            (converter, literal) -> {
              Literal l = Literals.unwrap(literal);
              if (!l.hasScalar() || !l.getScalar().hasGeneric()) {
                throw converter.wrongLiteral(literal, null);
              }
              return l.getScalar().getGeneric();
            }));
    table.put(
        Blob.class,
        new Scalar(
            value -> value instanceof Blob b ? Literals.of(b) : null, null, Scalar::readBlob));
    return Map.copyOf(table);
  }

  Mismatch wrongJava(Object value, String hint) {
    return new Mismatch(LiteralTypes.describe(literalType), describeJava(value), hint);
  }

  Mismatch wrongLiteral(Literal literal, String hint) {
    String h = hint;
    if (h == null && Literals.isNone(literal)) {
      h = "declare the Java type Optional<...> to allow none";
    }
    return new Mismatch(LiteralTypes.describe(literalType), Literals.describe(literal), h);
  }

  /** The primitive inside a literal (unwrapping unions), or null when it is not a primitive. */
  static Primitive primitive(Literal literal) {
    Literal l = Literals.unwrap(literal);
    return l.hasScalar() && l.getScalar().hasPrimitive() ? l.getScalar().getPrimitive() : null;
  }

  /** A Java value for messages: {@code null}, {@code String "x"}, {@code Integer 5}, ... */
  static String describeJava(Object value) {
    if (value == null) {
      return "null";
    }
    String type = value.getClass().getSimpleName();
    if (value instanceof String s) {
      return type + " " + Literals.quote(s);
    }
    if (value instanceof Collection<?> c) {
      return type + " of " + c.size();
    }
    if (value instanceof Map<?, ?> m) {
      return type + " of " + m.size();
    }
    if (value instanceof Optional<?> o) {
      return o.isEmpty() ? "Optional.empty" : "Optional of " + describeJava(o.get());
    }
    if (value instanceof Number || value instanceof Boolean || value instanceof Enum<?>) {
      return type + " " + value;
    }
    return value.getClass().getName();
  }

  /** Reads a literal as a Java value, or throws the converter's {@link Mismatch}. */
  @FunctionalInterface
  private interface Reader {
    Object read(Converter converter, Literal literal);
  }

  /**
   * Reads a primitive value ({@link PrimitiveLiterals}) as {@link Reader} reads its literal, or
   * throws the same {@link Mismatch}.
   */
  @FunctionalInterface
  private interface ValueReader {
    Object read(Converter converter, Object value);
  }

  /** The mismatch {@link Reader} gives for the literal of the primitive {@code value}. */
  Mismatch wrongValue(Object value, String hint) {
    return wrongLiteral(PrimitiveLiterals.toLiteral(value), hint);
  }

  /**
   * A scalar type's row: {@code write} gives the literal of a Java value, or null when the value is
   * not of the type (then the mismatch says {@code javaHint}); {@code read} reads a literal; for a
   * primitive type, {@code primitive} gives a Java value's primitive value and {@code readValue}
   * reads one.
   */
  private record Scalar(
      Function<Object, Literal> write,
      String javaHint,
      Reader read,
      Function<Object, Object> primitive,
      ValueReader readValue) {

    /** A row without a primitive path. */
    Scalar(Function<Object, Literal> write, String javaHint, Reader read) {
      this(write, javaHint, read, null, (ValueReader) null);
    }

    /** A row whose values are written as primitive values of one kind and read from them. */
    Scalar(
        Function<Object, Literal> write,
        String javaHint,
        Reader read,
        Function<Object, Object> primitive,
        Class<?> valueClass) {
      this(
          write,
          javaHint,
          read,
          primitive,
          (converter, value) -> {
            if (!valueClass.isInstance(value)) {
              throw converter.wrongValue(value, null);
            }
            return value;
          });
    }

    /** Reads the literal's primitive of the one kind, else a mismatch. */
    static Reader primitive(Primitive.ValueCase kind, Function<Primitive, Object> value) {
      return (converter, literal) -> {
        Primitive p = Converter.primitive(literal);
        if (p == null || p.getValueCase() != kind) {
          throw converter.wrongLiteral(literal, null);
        }
        return value.apply(p);
      };
    }

    /** Any Java integer is written; an integer literal is read when it fits the Java type. */
    static Scalar integer(long min, long max, Function<Long, Object> narrow, String javaName) {
      return new Scalar(
          value -> isJavaInteger(value) ? Literals.of(((Number) value).longValue()) : null,
          null,
          (converter, literal) -> {
            Primitive p = Converter.primitive(literal);
            if (p == null || p.getValueCase() != Primitive.ValueCase.INTEGER) {
              throw converter.wrongLiteral(literal, null);
            }
            long v = p.getInteger();
            if (v < min || v > max) {
              throw converter.wrongLiteral(
                  literal, "the value does not fit a Java " + javaName + "; declare it long");
            }
            return narrow.apply(v);
          },
          value -> isJavaInteger(value) ? (Object) ((Number) value).longValue() : null,
          (converter, value) -> {
            if (!(value instanceof Long v)) {
              throw converter.wrongValue(value, null);
            }
            if (v < min || v > max) {
              throw converter.wrongValue(
                  value, "the value does not fit a Java " + javaName + "; declare it long");
            }
            return narrow.apply(v);
          });
    }

    /** Any Java integer or floating-point number is written; a float or integer literal is read. */
    static Scalar floating(Function<Double, Object> narrow) {
      return new Scalar(
          value -> {
            Double d = floatOf(value);
            return d == null ? null : Literals.of(d.doubleValue());
          },
          null,
          (converter, literal) -> {
            Primitive p = Converter.primitive(literal);
            if (p != null && p.getValueCase() == Primitive.ValueCase.FLOAT_VALUE) {
              return narrow.apply(p.getFloatValue());
            }
            if (p != null && p.getValueCase() == Primitive.ValueCase.INTEGER) {
              return narrow.apply((double) p.getInteger());
            }
            throw converter.wrongLiteral(literal, null);
          },
          Scalar::floatOf,
          (converter, value) -> {
            if (value instanceof Double d) {
              return narrow.apply(d);
            }
            if (value instanceof Long v) {
              return narrow.apply((double) v);
            }
            throw converter.wrongValue(value, null);
          });
    }

    /** The float a Java number is written as, or null when the value is not a number. */
    private static Double floatOf(Object value) {
      if (value instanceof Double d) {
        return d;
      }
      if (value instanceof Float f) {
        // Through the shortest decimal text, so 0.1f is written as 0.1, not 0.10000000149.
        return Double.parseDouble(Float.toString(f));
      }
      return isJavaInteger(value) ? ((Number) value).doubleValue() : null;
    }

    /** An enum is written as its constant's name, and read from one of its names. */
    static Scalar enumOf(Class<?> enumClass) {
      Map<String, Object> byName = new LinkedHashMap<>();
      for (Object constant : enumClass.getEnumConstants()) {
        byName.put(((Enum<?>) constant).name(), constant);
      }
      return new Scalar(
          value -> enumClass.isInstance(value) ? Literals.of(((Enum<?>) value).name()) : null,
          null,
          (converter, literal) -> {
            Primitive p = Converter.primitive(literal);
            Object constant =
                p == null || p.getValueCase() != Primitive.ValueCase.STRING_VALUE
                    ? null
                    : byName.get(p.getStringValue());
            if (constant == null) {
              throw converter.wrongLiteral(literal, "use one of " + byName.keySet());
            }
            return constant;
          },
          value -> enumClass.isInstance(value) ? ((Enum<?>) value).name() : null,
          (converter, value) -> {
            Object constant = value instanceof String name ? byName.get(name) : null;
            if (constant == null) {
              throw converter.wrongValue(value, "use one of " + byName.keySet());
            }
            return constant;
          });
    }

    static Object readBlob(Converter converter, Literal literal) {
      Literal l = Literals.unwrap(literal);
      if (!l.hasScalar() || !l.getScalar().hasBlob()) {
        throw converter.wrongLiteral(literal, null);
      }
      flyteidl.core.Literals.Blob blob = l.getScalar().getBlob();
      if (blob.getUri().isBlank()) {
        throw converter.wrongLiteral(literal, "the blob has no uri");
      }
      BlobType type = blob.getMetadata().getType();
      return new Blob(
          blob.getUri(),
          type.getFormat(),
          type.getDimensionality() == BlobType.BlobDimensionality.MULTIPART);
    }

    private static boolean isJavaInteger(Object value) {
      return value instanceof Long
          || value instanceof Integer
          || value instanceof Short
          || value instanceof Byte;
    }
  }

  /** A scalar type's converter: its row of the table. */
  private static final class ScalarConverter extends Converter {
    private final Scalar scalar;

    ScalarConverter(LiteralType literalType, Scalar scalar) {
      super(literalType);
      this.scalar = scalar;
    }

    @Override
    Literal toLiteral(Object value) {
      Literal literal = scalar.write().apply(value);
      if (literal == null) {
        throw wrongJava(value, scalar.javaHint());
      }
      return literal;
    }

    @Override
    Object fromLiteral(Literal literal) {
      return scalar.read().read(this, literal);
    }

    @Override
    Object fromValue(Object value) {
      if (value instanceof Literal || scalar.readValue() == null) {
        return super.fromValue(value);
      }
      return scalar.readValue().read(this, value);
    }

    @Override
    Object toValue(Object value) {
      if (scalar.primitive() != null) {
        Object primitive = scalar.primitive().apply(value);
        if (primitive != null) {
          return primitive;
        }
      }
      return toLiteral(value);
    }
  }

  static final class OptionalConverter extends Converter {
    private final Converter inner;

    OptionalConverter(LiteralType literalType, Converter inner) {
      super(literalType);
      this.inner = inner;
    }

    @Override
    Literal toLiteral(Object value) {
      if (value == null) {
        return Literals.none();
      }
      if (value instanceof Optional<?> o) {
        return o.isPresent() ? inner.toLiteral(o.get()) : Literals.none();
      }
      throw wrongJava(value, "wrap it: Optional.of(value)");
    }

    @Override
    Object fromLiteral(Literal literal) {
      if (Literals.isNone(literal)) {
        return Optional.empty();
      }
      return Optional.of(inner.fromLiteral(literal));
    }

    @Override
    Object fromValue(Object value) {
      // A primitive value is never none.
      return value instanceof Literal literal
          ? fromLiteral(literal)
          : Optional.of(inner.fromValue(value));
    }
  }

  static final class ListConverter extends Converter {
    private final Converter element;

    ListConverter(LiteralType literalType, Converter element) {
      super(literalType);
      this.element = element;
    }

    @Override
    Literal toLiteral(Object value) {
      if (!(value instanceof List<?> list)) {
        throw wrongJava(value, null);
      }
      flyteidl.core.Literals.LiteralCollection.Builder b =
          flyteidl.core.Literals.LiteralCollection.newBuilder();
      int i = 0;
      for (Object item : list) {
        try {
          b.addLiterals(element.toLiteral(item));
        } catch (Mismatch m) {
          throw m.atIndex(i);
        }
        i++;
      }
      return Literal.newBuilder().setCollection(b).build();
    }

    @Override
    Object fromLiteral(Literal literal) {
      Literal l = Literals.unwrap(literal);
      if (!l.hasCollection()) {
        throw wrongLiteral(literal, null);
      }
      List<Literal> literals = l.getCollection().getLiteralsList();
      List<Object> values = new ArrayList<>(literals.size());
      for (int i = 0; i < literals.size(); i++) {
        try {
          values.add(element.fromLiteral(literals.get(i)));
        } catch (Mismatch m) {
          throw m.atIndex(i);
        }
      }
      return Collections.unmodifiableList(values);
    }
  }

  static final class MapConverter extends Converter {
    private final Converter value;

    MapConverter(LiteralType literalType, Converter value) {
      super(literalType);
      this.value = value;
    }

    @Override
    Literal toLiteral(Object v) {
      if (!(v instanceof Map<?, ?> map)) {
        throw wrongJava(v, null);
      }
      flyteidl.core.Literals.LiteralMap.Builder b = flyteidl.core.Literals.LiteralMap.newBuilder();
      for (Map.Entry<?, ?> e : map.entrySet()) {
        if (!(e.getKey() instanceof String key)) {
          throw new Mismatch(
              LiteralTypes.describe(literalType),
              "a key " + describeJava(e.getKey()),
              "Flyte map keys are strings");
        }
        try {
          b.putLiterals(key, value.toLiteral(e.getValue()));
        } catch (Mismatch m) {
          throw m.atKey(key);
        }
      }
      return Literal.newBuilder().setMap(b).build();
    }

    @Override
    Object fromLiteral(Literal literal) {
      Literal l = Literals.unwrap(literal);
      if (!l.hasMap()) {
        throw wrongLiteral(literal, null);
      }
      Map<String, Literal> literals = l.getMap().getLiteralsMap();
      Map<String, Object> values = new LinkedHashMap<>((int) (literals.size() / 0.75f) + 1);
      for (Map.Entry<String, Literal> e : literals.entrySet()) {
        try {
          values.put(e.getKey(), value.fromLiteral(e.getValue()));
        } catch (Mismatch m) {
          throw m.atKey(e.getKey());
        }
      }
      return Collections.unmodifiableMap(values);
    }
  }
}
