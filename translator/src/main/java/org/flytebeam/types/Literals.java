package org.flytebeam.types;

import static java.util.Objects.requireNonNull;

import com.google.protobuf.Duration;
import com.google.protobuf.Timestamp;
import flyteidl.core.Literals.Literal;
import flyteidl.core.Literals.LiteralCollection;
import flyteidl.core.Literals.LiteralMap;
import flyteidl.core.Literals.Primitive;
import flyteidl.core.Literals.Scalar;
import flyteidl.core.Literals.Void;
import flyteidl.core.Types.BlobType;
import flyteidl.core.Types.LiteralType;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Flyte {@link Literal}s: built, described for messages, and checked against a {@link LiteralType}.
 *
 * <pre>{@code
 * Literal xs = Literals.collection(List.of(Literals.of(1), Literals.of(2)));
 * Literals.check("input", "x", xs, LiteralTypes.listOf(LiteralTypes.of(long.class)));
 * Literals.describe(xs); // "List of 2"
 * }</pre>
 */
public final class Literals {
  private static final Literal NONE =
      Literal.newBuilder()
          .setScalar(Scalar.newBuilder().setNoneType(Void.getDefaultInstance()))
          .build();

  /** Strings longer than this are cut in messages. */
  private static final int MAX_SHOWN_CHARS = 60;

  private Literals() {}

  /** The none literal, {@code Literal{scalar{none_type{}}}}. */
  public static Literal none() {
    return NONE;
  }

  /** An int literal. */
  public static Literal of(long value) {
    return primitive(Primitive.newBuilder().setInteger(value));
  }

  /** A float literal. */
  public static Literal of(double value) {
    return primitive(Primitive.newBuilder().setFloatValue(value));
  }

  /** A str literal. */
  public static Literal of(String value) {
    requireNonNull(value, "value");
    return primitive(Primitive.newBuilder().setStringValue(value));
  }

  /** A bool literal. */
  public static Literal of(boolean value) {
    return primitive(Primitive.newBuilder().setBoolean(value));
  }

  /** A datetime literal. */
  public static Literal of(Instant value) {
    requireNonNull(value, "value");
    return primitive(
        Primitive.newBuilder()
            .setDatetime(
                Timestamp.newBuilder()
                    .setSeconds(value.getEpochSecond())
                    .setNanos(value.getNano())));
  }

  /** A duration literal. */
  public static Literal of(java.time.Duration value) {
    requireNonNull(value, "value");
    return primitive(
        Primitive.newBuilder()
            .setDuration(
                Duration.newBuilder().setSeconds(value.getSeconds()).setNanos(value.getNano())));
  }

  /** A struct literal ({@code scalar.generic}). */
  public static Literal of(com.google.protobuf.Struct value) {
    requireNonNull(value, "value");
    return Literal.newBuilder().setScalar(Scalar.newBuilder().setGeneric(value)).build();
  }

  /** A blob literal: its URI and, in its metadata, its format and dimensionality. */
  public static Literal of(Blob value) {
    requireNonNull(value, "value");
    BlobType type =
        BlobType.newBuilder()
            .setFormat(value.format())
            .setDimensionality(
                value.multipart()
                    ? BlobType.BlobDimensionality.MULTIPART
                    : BlobType.BlobDimensionality.SINGLE)
            .build();
    return Literal.newBuilder()
        .setScalar(
            Scalar.newBuilder()
                .setBlob(
                    flyteidl.core.Literals.Blob.newBuilder()
                        .setUri(value.uri())
                        .setMetadata(
                            flyteidl.core.Literals.BlobMetadata.newBuilder().setType(type))))
        .build();
  }

  private static Literal primitive(Primitive.Builder primitive) {
    return Literal.newBuilder().setScalar(Scalar.newBuilder().setPrimitive(primitive)).build();
  }

  /** A collection literal of the given literals, in order. */
  public static Literal collection(List<Literal> literals) {
    requireNonNull(literals, "literals");
    return Literal.newBuilder()
        .setCollection(LiteralCollection.newBuilder().addAllLiterals(literals))
        .build();
  }

  /** A map literal; keys keep the map's iteration order. */
  public static Literal map(Map<String, Literal> literals) {
    requireNonNull(literals, "literals");
    return Literal.newBuilder().setMap(LiteralMap.newBuilder().putAllLiterals(literals)).build();
  }

  /** Whether the literal is none, plain or wrapped in a union. */
  public static boolean isNone(Literal literal) {
    requireNonNull(literal, "literal");
    Literal l = unwrap(literal);
    return l.hasScalar() && l.getScalar().hasNoneType();
  }

  /** The value inside union literals ({@code scalar.union.value}); other literals as they are. */
  static Literal unwrap(Literal literal) {
    Literal l = literal;
    while (l.hasScalar() && l.getScalar().hasUnion()) {
      l = l.getScalar().getUnion().getValue();
    }
    return l;
  }

  /**
   * A short description for messages: {@code int 5}, {@code float 0.5}, {@code str "a"}, {@code
   * bool true}, {@code datetime 2024-01-01T00:00:00Z}, {@code duration PT30S}, {@code none}, {@code
   * List of 3}, {@code Dict of 2}, {@code struct of 2 fields}, {@code enum}-like strings as {@code
   * str}, {@code blob s3://b/k}. Union literals are described by their value.
   */
  public static String describe(Literal literal) {
    requireNonNull(literal, "literal");
    switch (literal.getValueCase()) {
      case SCALAR:
        return describe(literal.getScalar());
      case COLLECTION:
        return "List of " + literal.getCollection().getLiteralsCount();
      case MAP:
        return "Dict of " + literal.getMap().getLiteralsCount();
      case OFFLOADED_METADATA:
        return "offloaded literal " + literal.getOffloadedMetadata().getUri();
      case VALUE_NOT_SET:
        return "empty literal";
      default:
        throw new AssertionError("unknown literal case [" + literal.getValueCase() + "]");
    }
  }

  private static String describe(Scalar scalar) {
    switch (scalar.getValueCase()) {
      case PRIMITIVE:
        return describe(scalar.getPrimitive());
      case BLOB:
        BlobType type = scalar.getBlob().getMetadata().getType();
        String name =
            type.getDimensionality() == BlobType.BlobDimensionality.MULTIPART
                ? "multipart_blob"
                : "blob";
        String format = type.getFormat().isEmpty() ? "" : "[" + type.getFormat() + "]";
        String uri = scalar.getBlob().getUri();
        return name + format + (uri.isEmpty() ? " without uri" : " " + uri);
      case BINARY:
        return "binary of " + scalar.getBinary().getValue().size() + " bytes";
      case SCHEMA:
        return "schema " + scalar.getSchema().getUri();
      case NONE_TYPE:
        return "none";
      case ERROR:
        return "error " + quote(scalar.getError().getMessage());
      case GENERIC:
        int fields = scalar.getGeneric().getFieldsCount();
        return "struct of " + fields + (fields == 1 ? " field" : " fields");
      case STRUCTURED_DATASET:
        return "structured_dataset " + scalar.getStructuredDataset().getUri();
      case UNION:
        return describe(scalar.getUnion().getValue());
      case VALUE_NOT_SET:
        return "empty scalar";
      default:
        throw new AssertionError("unknown scalar case [" + scalar.getValueCase() + "]");
    }
  }

  private static String describe(Primitive p) {
    switch (p.getValueCase()) {
      case INTEGER:
        return "int " + p.getInteger();
      case FLOAT_VALUE:
        return "float " + p.getFloatValue();
      case STRING_VALUE:
        return "str " + quote(p.getStringValue());
      case BOOLEAN:
        return "bool " + p.getBoolean();
      case DATETIME:
        return "datetime " + toInstant(p.getDatetime());
      case DURATION:
        return "duration " + toDuration(p.getDuration());
      case VALUE_NOT_SET:
        return "empty primitive";
      default:
        throw new AssertionError("unknown primitive case [" + p.getValueCase() + "]");
    }
  }

  static String quote(String s) {
    String shown = s.length() > MAX_SHOWN_CHARS ? s.substring(0, MAX_SHOWN_CHARS) + "..." : s;
    return "\"" + shown + "\"";
  }

  static Instant toInstant(Timestamp t) {
    return Instant.ofEpochSecond(t.getSeconds(), t.getNanos());
  }

  static java.time.Duration toDuration(Duration d) {
    return java.time.Duration.ofSeconds(d.getSeconds(), d.getNanos());
  }

  /**
   * Checks that a value fits a type, collections and maps element by element. A none value fits
   * {@code none} and any union with a none variant; a union literal fits when its stored type is
   * one of the variants (or unset) and its value fits that variant; a plain value fits a union when
   * it fits one variant. A blob fits a blob type when either format is empty or both are equal.
   *
   * @param role what the variable is, for the message: {@code input} or {@code output}
   * @param var the variable name
   * @throws LiteralTypeException e.g. {@code input [a] expects [int] but found [str "x"]}, or
   *     {@code input [xs] at [2] expects [int] but found [none]} inside a collection
   */
  public static void check(String role, String var, Literal value, LiteralType type) {
    requireNonNull(role, "role");
    requireNonNull(var, "var");
    requireNonNull(value, "value");
    requireNonNull(type, "type");
    try {
      check(value, type);
    } catch (Mismatch m) {
      throw m.toException(role + " [" + var + "]");
    }
  }

  /**
   * Whether a value fits a type, by the rules of {@link #check(String, String, Literal,
   * LiteralType)}.
   */
  public static boolean fits(Literal value, LiteralType type) {
    requireNonNull(value, "value");
    requireNonNull(type, "type");
    try {
      check(value, type);
      return true;
    } catch (Mismatch m) {
      return false;
    }
  }

  static void check(Literal value, LiteralType type) {
    if (value.hasOffloadedMetadata()) {
      throw new Mismatch(
          LiteralTypes.describe(type),
          describe(value),
          "offloaded literals are not supported; pass the value inline");
    }
    if (isNone(value)) {
      if (!LiteralTypes.acceptsNone(type)) {
        throw new Mismatch(
            LiteralTypes.describe(type),
            "none",
            "declare the type Optional[" + LiteralTypes.describe(type) + "] to allow none");
      }
      return;
    }
    switch (type.getTypeCase()) {
      case SIMPLE:
        checkSimple(value, type);
        return;
      case COLLECTION_TYPE:
        checkCollection(value, type);
        return;
      case MAP_VALUE_TYPE:
        checkMap(value, type);
        return;
      case UNION_TYPE:
        checkUnion(value, type);
        return;
      case ENUM_TYPE:
        Literal e = unwrap(value);
        if (!isPrimitive(e, Primitive.ValueCase.STRING_VALUE)
            || !type.getEnumType()
                .getValuesList()
                .contains(e.getScalar().getPrimitive().getStringValue())) {
          throw mismatch(value, type, "use one of " + type.getEnumType().getValuesList());
        }
        return;
      case BLOB:
        checkBlob(value, type);
        return;
      case SCHEMA:
        requireScalar(value, type, Scalar.ValueCase.SCHEMA);
        return;
      case STRUCTURED_DATASET_TYPE:
        requireScalar(value, type, Scalar.ValueCase.STRUCTURED_DATASET);
        return;
      case TYPE_NOT_SET:
        throw mismatch(value, type, "the declared type is empty; declare a type");
      default:
        throw new AssertionError("unknown literal type case [" + type.getTypeCase() + "]");
    }
  }

  private static void checkSimple(Literal value, LiteralType type) {
    Literal v = unwrap(value);
    switch (type.getSimple()) {
      case INTEGER:
        requirePrimitive(value, v, type, Primitive.ValueCase.INTEGER);
        return;
      case FLOAT:
        if (isPrimitive(v, Primitive.ValueCase.INTEGER)) {
          throw mismatch(
              value,
              type,
              "write it as a float, e.g. " + v.getScalar().getPrimitive().getInteger() + ".0");
        }
        requirePrimitive(value, v, type, Primitive.ValueCase.FLOAT_VALUE);
        return;
      case STRING:
        requirePrimitive(value, v, type, Primitive.ValueCase.STRING_VALUE);
        return;
      case BOOLEAN:
        requirePrimitive(value, v, type, Primitive.ValueCase.BOOLEAN);
        return;
      case DATETIME:
        requirePrimitive(value, v, type, Primitive.ValueCase.DATETIME);
        return;
      case DURATION:
        requirePrimitive(value, v, type, Primitive.ValueCase.DURATION);
        return;
      case STRUCT:
        requireScalar(value, type, Scalar.ValueCase.GENERIC);
        return;
      case BINARY:
        requireScalar(value, type, Scalar.ValueCase.BINARY);
        return;
      case ERROR:
        requireScalar(value, type, Scalar.ValueCase.ERROR);
        return;
      case NONE:
        // A none value returned earlier; anything else does not fit.
        throw mismatch(value, type, null);
      case UNRECOGNIZED:
        throw mismatch(value, type, "the declared type is not a known simple type");
      default:
        throw new AssertionError("unknown simple type [" + type.getSimple() + "]");
    }
  }

  private static void checkCollection(Literal value, LiteralType type) {
    Literal v = unwrap(value);
    if (!v.hasCollection()) {
      throw mismatch(value, type, null);
    }
    LiteralType element = type.getCollectionType();
    List<Literal> literals = v.getCollection().getLiteralsList();
    for (int i = 0; i < literals.size(); i++) {
      try {
        check(literals.get(i), element);
      } catch (Mismatch m) {
        throw m.atIndex(i);
      }
    }
  }

  private static void checkMap(Literal value, LiteralType type) {
    Literal v = unwrap(value);
    if (!v.hasMap()) {
      throw mismatch(value, type, null);
    }
    LiteralType element = type.getMapValueType();
    for (Map.Entry<String, Literal> e : v.getMap().getLiteralsMap().entrySet()) {
      try {
        check(e.getValue(), element);
      } catch (Mismatch m) {
        throw m.atKey(e.getKey());
      }
    }
  }

  private static void checkUnion(Literal value, LiteralType type) {
    List<LiteralType> variants = type.getUnionType().getVariantsList();
    Literal inner = value;
    if (value.hasScalar() && value.getScalar().hasUnion()) {
      LiteralType stored = value.getScalar().getUnion().getType();
      inner = value.getScalar().getUnion().getValue();
      if (stored.getTypeCase() != LiteralType.TypeCase.TYPE_NOT_SET) {
        boolean known = variants.stream().anyMatch(v -> LiteralTypes.sameType(v, stored));
        if (!known) {
          throw mismatch(
              value,
              type,
              "the value is stored as ["
                  + LiteralTypes.describe(stored)
                  + "], which is not a variant of the union");
        }
        check(inner, stored);
        return;
      }
    }
    if (LiteralTypes.isOptional(type)) {
      // One candidate: check it directly, so a deep mismatch reports where it is.
      check(inner, LiteralTypes.stripOptional(type));
      return;
    }
    for (LiteralType variant : variants) {
      if (fits(inner, variant)) {
        return;
      }
    }
    throw mismatch(value, type, null);
  }

  private static void checkBlob(Literal value, LiteralType type) {
    Literal v = unwrap(value);
    if (!v.hasScalar() || !v.getScalar().hasBlob()) {
      throw mismatch(value, type, null);
    }
    String expected = type.getBlob().getFormat();
    String found = v.getScalar().getBlob().getMetadata().getType().getFormat();
    if (!expected.isEmpty() && !found.isEmpty() && !expected.equals(found)) {
      throw mismatch(value, type, "the blob format [" + found + "] is not [" + expected + "]");
    }
  }

  private static boolean isPrimitive(Literal v, Primitive.ValueCase kind) {
    return v.hasScalar()
        && v.getScalar().hasPrimitive()
        && v.getScalar().getPrimitive().getValueCase() == kind;
  }

  private static void requirePrimitive(
      Literal value, Literal unwrapped, LiteralType type, Primitive.ValueCase kind) {
    if (!isPrimitive(unwrapped, kind)) {
      throw mismatch(value, type, null);
    }
  }

  private static void requireScalar(Literal value, LiteralType type, Scalar.ValueCase kind) {
    Literal v = unwrap(value);
    if (!v.hasScalar() || v.getScalar().getValueCase() != kind) {
      throw mismatch(value, type, null);
    }
  }

  private static Mismatch mismatch(Literal value, LiteralType type, String hint) {
    return new Mismatch(LiteralTypes.describe(type), describe(value), hint);
  }
}
