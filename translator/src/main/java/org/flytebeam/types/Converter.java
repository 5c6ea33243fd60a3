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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

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

  abstract Object fromLiteral(Literal literal);

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
    if (c == long.class || c == Long.class) {
      return new IntegerConverter(literalType, IntegerConverter.LONG);
    }
    if (c == int.class || c == Integer.class) {
      return new IntegerConverter(literalType, IntegerConverter.INT);
    }
    if (c == short.class || c == Short.class) {
      return new IntegerConverter(literalType, IntegerConverter.SHORT);
    }
    if (c == double.class || c == Double.class) {
      return new FloatConverter(literalType, false);
    }
    if (c == float.class || c == Float.class) {
      return new FloatConverter(literalType, true);
    }
    if (c == String.class) {
      return new StringConverter(literalType);
    }
    if (c == boolean.class || c == Boolean.class) {
      return new BooleanConverter(literalType);
    }
    if (c == Instant.class) {
      return new InstantConverter(literalType);
    }
    if (c == Duration.class) {
      return new DurationConverter(literalType);
    }
    if (c == Void.class || c == void.class) {
      return new NoneConverter(literalType);
    }
    if (c == Struct.class) {
      return new StructConverter(literalType);
    }
    if (c == Blob.class) {
      return new BlobConverter(literalType);
    }
    if (c.isEnum()) {
      return new EnumConverter(literalType, c);
    }
    throw new AssertionError("LiteralTypes accepted [" + type.getTypeName() + "]");
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

  static final class IntegerConverter extends Converter {
    static final int LONG = 0;
    static final int INT = 1;
    static final int SHORT = 2;

    private final int width;

    IntegerConverter(LiteralType literalType, int width) {
      super(literalType);
      this.width = width;
    }

    @Override
    Literal toLiteral(Object value) {
      if (value instanceof Long
          || value instanceof Integer
          || value instanceof Short
          || value instanceof Byte) {
        return Literals.of(((Number) value).longValue());
      }
      throw wrongJava(value, null);
    }

    @Override
    Object fromLiteral(Literal literal) {
      Primitive p = primitive(literal);
      if (p == null || p.getValueCase() != Primitive.ValueCase.INTEGER) {
        throw wrongLiteral(literal, null);
      }
      long v = p.getInteger();
      switch (width) {
        case LONG:
          return v;
        case INT:
          if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
            throw wrongLiteral(literal, "the value does not fit a Java int; declare it long");
          }
          return (int) v;
        case SHORT:
          if (v < Short.MIN_VALUE || v > Short.MAX_VALUE) {
            throw wrongLiteral(literal, "the value does not fit a Java short; declare it long");
          }
          return (short) v;
        default:
          throw new AssertionError("unknown integer width [" + width + "]");
      }
    }
  }

  static final class FloatConverter extends Converter {
    private final boolean single;

    FloatConverter(LiteralType literalType, boolean single) {
      super(literalType);
      this.single = single;
    }

    @Override
    Literal toLiteral(Object value) {
      if (value instanceof Double d) {
        return Literals.of(d.doubleValue());
      }
      if (value instanceof Float f) {
        // Through the shortest decimal text, so 0.1f is written as 0.1, not 0.10000000149.
        return Literals.of(Double.parseDouble(Float.toString(f)));
      }
      if (value instanceof Long
          || value instanceof Integer
          || value instanceof Short
          || value instanceof Byte) {
        return Literals.of(((Number) value).doubleValue());
      }
      throw wrongJava(value, null);
    }

    @Override
    Object fromLiteral(Literal literal) {
      Primitive p = primitive(literal);
      double v;
      if (p != null && p.getValueCase() == Primitive.ValueCase.FLOAT_VALUE) {
        v = p.getFloatValue();
      } else if (p != null && p.getValueCase() == Primitive.ValueCase.INTEGER) {
        v = p.getInteger();
      } else {
        throw wrongLiteral(literal, null);
      }
      return single ? (Object) (float) v : (Object) v;
    }
  }

  static final class StringConverter extends Converter {
    StringConverter(LiteralType literalType) {
      super(literalType);
    }

    @Override
    Literal toLiteral(Object value) {
      if (value instanceof String s) {
        return Literals.of(s);
      }
      throw wrongJava(value, null);
    }

    @Override
    Object fromLiteral(Literal literal) {
      Primitive p = primitive(literal);
      if (p == null || p.getValueCase() != Primitive.ValueCase.STRING_VALUE) {
        throw wrongLiteral(literal, null);
      }
      return p.getStringValue();
    }
  }

  static final class BooleanConverter extends Converter {
    BooleanConverter(LiteralType literalType) {
      super(literalType);
    }

    @Override
    Literal toLiteral(Object value) {
      if (value instanceof Boolean b) {
        return Literals.of(b.booleanValue());
      }
      throw wrongJava(value, null);
    }

    @Override
    Object fromLiteral(Literal literal) {
      Primitive p = primitive(literal);
      if (p == null || p.getValueCase() != Primitive.ValueCase.BOOLEAN) {
        throw wrongLiteral(literal, null);
      }
      return p.getBoolean();
    }
  }

  static final class InstantConverter extends Converter {
    InstantConverter(LiteralType literalType) {
      super(literalType);
    }

    @Override
    Literal toLiteral(Object value) {
      if (value instanceof Instant i) {
        return Literals.of(i);
      }
      throw wrongJava(value, null);
    }

    @Override
    Object fromLiteral(Literal literal) {
      Primitive p = primitive(literal);
      if (p == null || p.getValueCase() != Primitive.ValueCase.DATETIME) {
        throw wrongLiteral(literal, null);
      }
      return Literals.toInstant(p.getDatetime());
    }
  }

  static final class DurationConverter extends Converter {
    DurationConverter(LiteralType literalType) {
      super(literalType);
    }

    @Override
    Literal toLiteral(Object value) {
      if (value instanceof Duration d) {
        return Literals.of(d);
      }
      throw wrongJava(value, null);
    }

    @Override
    Object fromLiteral(Literal literal) {
      Primitive p = primitive(literal);
      if (p == null || p.getValueCase() != Primitive.ValueCase.DURATION) {
        throw wrongLiteral(literal, null);
      }
      return Literals.toDuration(p.getDuration());
    }
  }

  static final class NoneConverter extends Converter {
    NoneConverter(LiteralType literalType) {
      super(literalType);
    }

    @Override
    Literal toLiteral(Object value) {
      if (value == null) {
        return Literals.none();
      }
      throw wrongJava(value, "a Void value can only be null");
    }

    @Override
    Object fromLiteral(Literal literal) {
      if (!Literals.isNone(literal)) {
        throw wrongLiteral(literal, null);
      }
      return null;
    }
  }

  static final class StructConverter extends Converter {
    StructConverter(LiteralType literalType) {
      super(literalType);
    }

    @Override
    Literal toLiteral(Object value) {
      if (value instanceof Struct s) {
        return Literals.of(s);
      }
      throw wrongJava(value, null);
    }

    @Override
    Object fromLiteral(Literal literal) {
      Literal l = Literals.unwrap(literal);
      if (!l.hasScalar() || !l.getScalar().hasGeneric()) {
        throw wrongLiteral(literal, null);
      }
      return l.getScalar().getGeneric();
    }
  }

  static final class BlobConverter extends Converter {
    BlobConverter(LiteralType literalType) {
      super(literalType);
    }

    @Override
    Literal toLiteral(Object value) {
      if (value instanceof Blob b) {
        return Literals.of(b);
      }
      throw wrongJava(value, null);
    }

    @Override
    Object fromLiteral(Literal literal) {
      Literal l = Literals.unwrap(literal);
      if (!l.hasScalar() || !l.getScalar().hasBlob()) {
        throw wrongLiteral(literal, null);
      }
      flyteidl.core.Literals.Blob blob = l.getScalar().getBlob();
      if (blob.getUri().isBlank()) {
        throw wrongLiteral(literal, "the blob has no uri");
      }
      BlobType type = blob.getMetadata().getType();
      return new Blob(
          blob.getUri(),
          type.getFormat(),
          type.getDimensionality() == BlobType.BlobDimensionality.MULTIPART);
    }
  }

  static final class EnumConverter extends Converter {
    private final Class<?> enumClass;
    private final Map<String, Object> byName = new LinkedHashMap<>();

    EnumConverter(LiteralType literalType, Class<?> enumClass) {
      super(literalType);
      this.enumClass = enumClass;
      for (Object constant : enumClass.getEnumConstants()) {
        byName.put(((Enum<?>) constant).name(), constant);
      }
    }

    @Override
    Literal toLiteral(Object value) {
      if (enumClass.isInstance(value)) {
        return Literals.of(((Enum<?>) value).name());
      }
      throw wrongJava(value, null);
    }

    @Override
    Object fromLiteral(Literal literal) {
      Primitive p = primitive(literal);
      if (p == null || p.getValueCase() != Primitive.ValueCase.STRING_VALUE) {
        throw wrongLiteral(literal, "use one of " + byName.keySet());
      }
      Object constant = byName.get(p.getStringValue());
      if (constant == null) {
        throw wrongLiteral(literal, "use one of " + byName.keySet());
      }
      return constant;
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
