package org.flytebeam.types;

import static java.util.Objects.requireNonNull;

import flyteidl.core.Types.BlobType;
import flyteidl.core.Types.EnumType;
import flyteidl.core.Types.LiteralType;
import flyteidl.core.Types.SimpleType;
import flyteidl.core.Types.TypeStructure;
import flyteidl.core.Types.UnionType;
import java.lang.reflect.GenericArrayType;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.lang.reflect.TypeVariable;
import java.lang.reflect.WildcardType;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Flyte {@link LiteralType}s: derived from Java types, built, inspected and described.
 *
 * <pre>{@code
 * LiteralType t = LiteralTypes.of(SayHello.class.getRecordComponents()[0].getGenericType());
 * LiteralTypes.describe(LiteralTypes.listOf(LiteralTypes.optionalOf(t))); // "List[Optional[str]]"
 * }</pre>
 */
public final class LiteralTypes {
  /** The Java types {@link #of} accepts, for error messages. */
  static final String SUPPORTED =
      "long, int, short, double, float, String, boolean (or their boxes), java.time.Instant,"
          + " java.time.Duration, Void, Optional<T>, List<T>, Map<String, T>,"
          + " com.google.protobuf.Struct, Java enums, org.flytebeam.types.Blob";

  private static final LiteralType INTEGER = simple(SimpleType.INTEGER);
  private static final LiteralType FLOAT = simple(SimpleType.FLOAT);
  private static final LiteralType STRING = simple(SimpleType.STRING);
  private static final LiteralType BOOLEAN = simple(SimpleType.BOOLEAN);
  private static final LiteralType DATETIME = simple(SimpleType.DATETIME);
  private static final LiteralType DURATION = simple(SimpleType.DURATION);
  private static final LiteralType STRUCT = simple(SimpleType.STRUCT);
  private static final LiteralType NONE = simple(SimpleType.NONE);

  /** The none variant of an Optional, as flytekit writes it: a tag says which variant it is. */
  private static final LiteralType NONE_VARIANT =
      NONE.toBuilder().setStructure(TypeStructure.newBuilder().setTag("none")).build();

  private static final LiteralType BLOB =
      LiteralType.newBuilder()
          .setBlob(
              BlobType.newBuilder()
                  .setFormat("")
                  .setDimensionality(BlobType.BlobDimensionality.SINGLE))
          .build();

  private LiteralTypes() {}

  /**
   * The Flyte type of a Java type.
   *
   * @param type a {@link Class} or a {@link ParameterizedType} such as {@code List<Long>}, e.g.
   *     from {@link java.lang.reflect.RecordComponent#getGenericType()}
   * @throws LiteralTypeException when the type has no Flyte equivalent; the message lists the
   *     supported types
   */
  public static LiteralType of(Type type) {
    requireNonNull(type, "type");
    if (type instanceof Class<?> c) {
      return ofClass(c);
    }
    if (type instanceof ParameterizedType p) {
      return ofParameterized(p);
    }
    if (type instanceof TypeVariable<?> v) {
      throw unsupported(
          type, "it is a type variable [" + v.getName() + "]; use a concrete type instead");
    }
    if (type instanceof WildcardType) {
      throw unsupported(type, "it is a wildcard; use a concrete type instead, e.g. List<Long>");
    }
    if (type instanceof GenericArrayType) {
      throw unsupported(type, "arrays are not supported; use List<T> instead");
    }
    throw unsupported(type, null);
  }

  private static LiteralType ofClass(Class<?> c) {
    if (c == long.class
        || c == Long.class
        || c == int.class
        || c == Integer.class
        || c == short.class
        || c == Short.class) {
      return INTEGER;
    }
    if (c == double.class || c == Double.class || c == float.class || c == Float.class) {
      return FLOAT;
    }
    if (c == String.class) {
      return STRING;
    }
    if (c == boolean.class || c == Boolean.class) {
      return BOOLEAN;
    }
    if (c == Instant.class) {
      return DATETIME;
    }
    if (c == Duration.class) {
      return DURATION;
    }
    if (c == Void.class || c == void.class) {
      return NONE;
    }
    if (c == com.google.protobuf.Struct.class) {
      return STRUCT;
    }
    if (c == Blob.class) {
      return BLOB;
    }
    if (c.isEnum()) {
      return enumOf(c);
    }
    if (c == Optional.class || c == List.class || c == Map.class) {
      throw unsupported(
          c,
          "it is a raw type; declare its type arguments, e.g. Optional<Long>, List<Long> or"
              + " Map<String, Long>");
    }
    if (c.isArray()) {
      throw unsupported(c, "arrays are not supported; use List<T> instead");
    }
    throw unsupported(c, null);
  }

  private static LiteralType enumOf(Class<?> c) {
    EnumType.Builder e = EnumType.newBuilder();
    for (Object constant : c.getEnumConstants()) {
      e.addValues(((Enum<?>) constant).name());
    }
    return LiteralType.newBuilder().setEnumType(e).build();
  }

  private static LiteralType ofParameterized(ParameterizedType p) {
    Type raw = p.getRawType();
    Type[] args = p.getActualTypeArguments();
    if (raw == Optional.class) {
      return optionalOf(of(args[0]));
    }
    if (raw == List.class) {
      return listOf(of(args[0]));
    }
    if (raw == Map.class) {
      if (args[0] != String.class) {
        throw unsupported(
            p,
            "map keys must be String, found ["
                + args[0].getTypeName()
                + "]; use Map<String, T> instead");
      }
      return mapOf(of(args[1]));
    }
    throw unsupported(p, null);
  }

  private static LiteralTypeException unsupported(Type type, String why) {
    return new LiteralTypeException(
        "Java type ["
            + type.getTypeName()
            + "] is not supported"
            + (why == null ? "" : ": " + why)
            + "; supported types are: "
            + SUPPORTED);
  }

  /** A simple type, e.g. {@code simple(SimpleType.INTEGER)} for {@code int}. */
  public static LiteralType simple(SimpleType simple) {
    requireNonNull(simple, "simple");
    return LiteralType.newBuilder().setSimple(simple).build();
  }

  /** {@code List[element]}. */
  public static LiteralType listOf(LiteralType element) {
    requireNonNull(element, "element");
    return LiteralType.newBuilder().setCollectionType(element).build();
  }

  /** {@code Dict[str, value]}: Flyte maps always have string keys. */
  public static LiteralType mapOf(LiteralType value) {
    requireNonNull(value, "value");
    return LiteralType.newBuilder().setMapValueType(value).build();
  }

  /**
   * {@code Optional[type]}: a union of the type and none, as flytekit writes it. Already optional
   * types are returned as they are.
   */
  public static LiteralType optionalOf(LiteralType type) {
    requireNonNull(type, "type");
    if (isOptional(type)) {
      return type;
    }
    return LiteralType.newBuilder()
        .setUnionType(UnionType.newBuilder().addVariants(type).addVariants(NONE_VARIANT))
        .build();
  }

  /** Whether the type is a union of exactly two variants, one of them none. */
  public static boolean isOptional(LiteralType type) {
    requireNonNull(type, "type");
    if (!type.hasUnionType() || type.getUnionType().getVariantsCount() != 2) {
      return false;
    }
    return isNone(type.getUnionType().getVariants(0)) != isNone(type.getUnionType().getVariants(1));
  }

  /** The non-none variant of an optional type; any other type is returned as it is. */
  public static LiteralType stripOptional(LiteralType type) {
    if (!isOptional(type)) {
      return type;
    }
    LiteralType first = type.getUnionType().getVariants(0);
    return isNone(first) ? type.getUnionType().getVariants(1) : first;
  }

  /** Whether the type is {@code none}. */
  public static boolean isNone(LiteralType type) {
    return type.hasSimple() && type.getSimple() == SimpleType.NONE;
  }

  /** Whether a none value fits the type: the type is none, or a union with a none variant. */
  public static boolean acceptsNone(LiteralType type) {
    if (isNone(type)) {
      return true;
    }
    if (type.hasUnionType()) {
      for (LiteralType variant : type.getUnionType().getVariantsList()) {
        if (acceptsNone(variant)) {
          return true;
        }
      }
    }
    return false;
  }

  /** Whether the type is a collection ({@code List[T]}). */
  public static boolean isCollection(LiteralType type) {
    requireNonNull(type, "type");
    return type.hasCollectionType();
  }

  /**
   * The element type of a collection.
   *
   * @throws LiteralTypeException when the type is not a collection
   */
  public static LiteralType elementType(LiteralType type) {
    requireNonNull(type, "type");
    if (!type.hasCollectionType()) {
      throw new LiteralTypeException(
          "type [" + describe(type) + "] is not a collection, so it has no element type");
    }
    return type.getCollectionType();
  }

  /**
   * Whether two types are the same, ignoring what does not change which values fit: metadata,
   * annotations and structure tags.
   */
  public static boolean sameType(LiteralType a, LiteralType b) {
    requireNonNull(a, "a");
    requireNonNull(b, "b");
    return strip(a).equals(strip(b));
  }

  private static LiteralType strip(LiteralType type) {
    LiteralType.Builder b = type.toBuilder().clearMetadata().clearAnnotation().clearStructure();
    switch (type.getTypeCase()) {
      case COLLECTION_TYPE:
        b.setCollectionType(strip(type.getCollectionType()));
        break;
      case MAP_VALUE_TYPE:
        b.setMapValueType(strip(type.getMapValueType()));
        break;
      case UNION_TYPE:
        List<LiteralType> variants = new ArrayList<>();
        for (LiteralType v : type.getUnionType().getVariantsList()) {
          variants.add(strip(v));
        }
        b.setUnionType(UnionType.newBuilder().addAllVariants(variants));
        break;
      default:
        break;
    }
    return b.build();
  }

  /**
   * A python-like description for messages: {@code int}, {@code float}, {@code str}, {@code bool},
   * {@code datetime}, {@code duration}, {@code none}, {@code List[int]}, {@code Dict[str, int]},
   * {@code Optional[int]}, {@code Union[int, str]}, {@code struct}, {@code enum[A, B]}, {@code
   * blob} (or {@code blob[csv]} when it has a format; {@code multipart_blob} for directories).
   */
  public static String describe(LiteralType type) {
    requireNonNull(type, "type");
    switch (type.getTypeCase()) {
      case SIMPLE:
        return describe(type.getSimple());
      case COLLECTION_TYPE:
        return "List[" + describe(type.getCollectionType()) + "]";
      case MAP_VALUE_TYPE:
        return "Dict[str, " + describe(type.getMapValueType()) + "]";
      case UNION_TYPE:
        if (isOptional(type)) {
          return "Optional[" + describe(stripOptional(type)) + "]";
        }
        return type.getUnionType().getVariantsList().stream()
            .map(LiteralTypes::describe)
            .collect(Collectors.joining(", ", "Union[", "]"));
      case ENUM_TYPE:
        return "enum[" + String.join(", ", type.getEnumType().getValuesList()) + "]";
      case BLOB:
        String name =
            type.getBlob().getDimensionality() == BlobType.BlobDimensionality.MULTIPART
                ? "multipart_blob"
                : "blob";
        String format = type.getBlob().getFormat();
        return format.isEmpty() ? name : name + "[" + format + "]";
      case SCHEMA:
        return "schema";
      case STRUCTURED_DATASET_TYPE:
        return "structured_dataset";
      case TYPE_NOT_SET:
        return "unset";
      default:
        throw new AssertionError("unknown literal type case [" + type.getTypeCase() + "]");
    }
  }

  private static String describe(SimpleType simple) {
    switch (simple) {
      case NONE:
        return "none";
      case INTEGER:
        return "int";
      case FLOAT:
        return "float";
      case STRING:
        return "str";
      case BOOLEAN:
        return "bool";
      case DATETIME:
        return "datetime";
      case DURATION:
        return "duration";
      case BINARY:
        return "binary";
      case ERROR:
        return "error";
      case STRUCT:
        return "struct";
      case UNRECOGNIZED:
        return "unrecognized";
      default:
        throw new AssertionError("unknown simple type [" + simple + "]");
    }
  }
}
