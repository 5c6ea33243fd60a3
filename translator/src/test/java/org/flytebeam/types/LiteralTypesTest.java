package org.flytebeam.types;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.Struct;
import flyteidl.core.Types.BlobType;
import flyteidl.core.Types.LiteralType;
import flyteidl.core.Types.SimpleType;
import flyteidl.core.Types.TypeStructure;
import flyteidl.core.Types.UnionType;
import java.lang.reflect.Type;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class LiteralTypesTest {
  enum Color {
    RED,
    GREEN
  }

  /** Declared types to derive from, by field name. */
  @SuppressWarnings("unused")
  private static final class Declared<T> {
    List<Long> longs;
    List<List<String>> nested;
    Map<String, Double> doubles;
    Map<String, List<Optional<Long>>> deep;
    Optional<Long> maybe;
    Optional<Optional<Long>> maybeMaybe;
    List<Optional<Color>> colors;
    Set<String> set;
    Map<Long, String> longKeys;
    List<T> variable;
    List<? extends Number> wildcard;
    List<T>[] genericArray;
    long[] array;

    @SuppressWarnings("rawtypes")
    List raw;
  }

  static Type declared(String field) {
    try {
      return Declared.class.getDeclaredField(field).getGenericType();
    } catch (NoSuchFieldException e) {
      throw new AssertionError(e);
    }
  }

  static List<Arguments> simpleTypes() {
    return List.of(
        Arguments.of(long.class, SimpleType.INTEGER),
        Arguments.of(Long.class, SimpleType.INTEGER),
        Arguments.of(int.class, SimpleType.INTEGER),
        Arguments.of(Integer.class, SimpleType.INTEGER),
        Arguments.of(short.class, SimpleType.INTEGER),
        Arguments.of(Short.class, SimpleType.INTEGER),
        Arguments.of(double.class, SimpleType.FLOAT),
        Arguments.of(Double.class, SimpleType.FLOAT),
        Arguments.of(float.class, SimpleType.FLOAT),
        Arguments.of(Float.class, SimpleType.FLOAT),
        Arguments.of(String.class, SimpleType.STRING),
        Arguments.of(boolean.class, SimpleType.BOOLEAN),
        Arguments.of(Boolean.class, SimpleType.BOOLEAN),
        Arguments.of(Instant.class, SimpleType.DATETIME),
        Arguments.of(Duration.class, SimpleType.DURATION),
        Arguments.of(Void.class, SimpleType.NONE),
        Arguments.of(Struct.class, SimpleType.STRUCT));
  }

  @ParameterizedTest
  @MethodSource("simpleTypes")
  void shouldMapToSimpleTypeWhenJavaTypeIsScalar(Class<?> javaType, SimpleType expected) {
    assertThat(LiteralTypes.of(javaType)).isEqualTo(LiteralTypes.simple(expected));
  }

  @Test
  void shouldMapToCollectionWhenJavaTypeIsList() {
    assertThat(LiteralTypes.of(declared("longs")))
        .isEqualTo(
            LiteralType.newBuilder()
                .setCollectionType(LiteralType.newBuilder().setSimple(SimpleType.INTEGER))
                .build());
    assertThat(LiteralTypes.describe(LiteralTypes.of(declared("nested"))))
        .isEqualTo("List[List[str]]");
  }

  @Test
  void shouldMapToMapValueTypeWhenJavaTypeIsMapWithStringKeys() {
    assertThat(LiteralTypes.of(declared("doubles")))
        .isEqualTo(
            LiteralType.newBuilder()
                .setMapValueType(LiteralType.newBuilder().setSimple(SimpleType.FLOAT))
                .build());
    assertThat(LiteralTypes.describe(LiteralTypes.of(declared("deep"))))
        .isEqualTo("Dict[str, List[Optional[int]]]");
  }

  @Test
  void shouldWriteOptionalAsFlytekitDoesWhenJavaTypeIsOptional() {
    // given: flytekit's Optional[int], as in /work/shared/examples/arraynode-rawcontainer.def.json
    LiteralType flytekit =
        LiteralType.newBuilder()
            .setUnionType(
                UnionType.newBuilder()
                    .addVariants(LiteralType.newBuilder().setSimple(SimpleType.INTEGER))
                    .addVariants(
                        LiteralType.newBuilder()
                            .setSimple(SimpleType.NONE)
                            .setStructure(TypeStructure.newBuilder().setTag("none"))))
            .build();

    assertThat(LiteralTypes.of(declared("maybe"))).isEqualTo(flytekit);
  }

  @Test
  void shouldNotNestOptionalsWhenOptionalOfOptional() {
    assertThat(LiteralTypes.of(declared("maybeMaybe")))
        .isEqualTo(LiteralTypes.of(declared("maybe")));
  }

  @Test
  void shouldListConstantNamesWhenJavaTypeIsEnum() {
    LiteralType type = LiteralTypes.of(Color.class);

    assertThat(type.getEnumType().getValuesList()).containsExactly("RED", "GREEN");
    assertThat(LiteralTypes.describe(LiteralTypes.of(declared("colors"))))
        .isEqualTo("List[Optional[enum[RED, GREEN]]]");
  }

  @Test
  void shouldUseSingleBlobOfAnyFormatWhenJavaTypeIsBlob() {
    LiteralType type = LiteralTypes.of(Blob.class);

    assertThat(type.getBlob().getFormat()).isEmpty();
    assertThat(type.getBlob().getDimensionality()).isEqualTo(BlobType.BlobDimensionality.SINGLE);
  }

  @Test
  void shouldNameTypeAndListSupportedWhenTypeIsUnsupported() {
    assertThatThrownBy(() -> LiteralTypes.of(declared("set")))
        .isInstanceOf(LiteralTypeException.class)
        .hasMessage(
            "Java type [java.util.Set<java.lang.String>] is not supported; supported types are: "
                + LiteralTypes.SUPPORTED);
    assertThatThrownBy(() -> LiteralTypes.of(Object.class))
        .hasMessageStartingWith(
            "Java type [java.lang.Object] is not supported; supported types are: long, int");
  }

  @Test
  void shouldSayKeysMustBeStringsWhenMapKeyIsNotString() {
    assertThatThrownBy(() -> LiteralTypes.of(declared("longKeys")))
        .isInstanceOf(LiteralTypeException.class)
        .hasMessageStartingWith(
            "Java type [java.util.Map<java.lang.Long, java.lang.String>] is not supported: map keys"
                + " must be String, found [java.lang.Long]; use Map<String, T> instead;");
  }

  @Test
  void shouldExplainWhenTypeIsGenericWildcardArrayOrRaw() {
    assertThatThrownBy(() -> LiteralTypes.of(declared("variable")))
        .hasMessageStartingWith(
            "Java type [T] is not supported: it is a type variable [T]; use a concrete type"
                + " instead;");
    assertThatThrownBy(() -> LiteralTypes.of(declared("wildcard")))
        .hasMessageStartingWith(
            "Java type [? extends java.lang.Number] is not supported: it is a wildcard;");
    assertThatThrownBy(() -> LiteralTypes.of(declared("genericArray")))
        .hasMessageContaining("arrays are not supported; use List<T> instead");
    assertThatThrownBy(() -> LiteralTypes.of(declared("array")))
        .hasMessageStartingWith(
            "Java type [long[]] is not supported: arrays are not supported; use List<T> instead;");
    assertThatThrownBy(() -> LiteralTypes.of(declared("raw")))
        .hasMessageStartingWith(
            "Java type [java.util.List] is not supported: it is a raw type; declare its type"
                + " arguments");
  }

  @Test
  void shouldRecognizeOptionalWhenNoneVariantComesFirstOrHasNoTag() {
    LiteralType noneFirst =
        LiteralType.newBuilder()
            .setUnionType(
                UnionType.newBuilder()
                    .addVariants(LiteralTypes.simple(SimpleType.NONE))
                    .addVariants(LiteralTypes.simple(SimpleType.STRING)))
            .build();

    assertThat(LiteralTypes.isOptional(noneFirst)).isTrue();
    assertThat(LiteralTypes.stripOptional(noneFirst)).isEqualTo(LiteralTypes.of(String.class));
    assertThat(LiteralTypes.describe(noneFirst)).isEqualTo("Optional[str]");
  }

  @Test
  void shouldNotBeOptionalWhenUnionHasOtherShapes() {
    LiteralType intOrStr = union(SimpleType.INTEGER, SimpleType.STRING);
    LiteralType threeWithNone = union(SimpleType.INTEGER, SimpleType.STRING, SimpleType.NONE);
    LiteralType noneOrNone = union(SimpleType.NONE, SimpleType.NONE);

    assertThat(LiteralTypes.isOptional(intOrStr)).isFalse();
    assertThat(LiteralTypes.isOptional(threeWithNone)).isFalse();
    assertThat(LiteralTypes.isOptional(noneOrNone)).isFalse();
    assertThat(LiteralTypes.isOptional(LiteralTypes.of(long.class))).isFalse();
    assertThat(LiteralTypes.stripOptional(intOrStr)).isSameAs(intOrStr);
    assertThat(LiteralTypes.describe(intOrStr)).isEqualTo("Union[int, str]");
    assertThat(LiteralTypes.describe(threeWithNone)).isEqualTo("Union[int, str, none]");
    assertThat(LiteralTypes.acceptsNone(threeWithNone)).isTrue();
    assertThat(LiteralTypes.acceptsNone(intOrStr)).isFalse();
  }

  @Test
  void shouldBuildAndInspectWhenUsingHelpers() {
    LiteralType integer = LiteralTypes.of(long.class);
    LiteralType list = LiteralTypes.listOf(integer);
    LiteralType optional = LiteralTypes.optionalOf(integer);

    assertThat(LiteralTypes.isCollection(list)).isTrue();
    assertThat(LiteralTypes.isCollection(integer)).isFalse();
    assertThat(LiteralTypes.elementType(list)).isEqualTo(integer);
    assertThat(LiteralTypes.isOptional(optional)).isTrue();
    assertThat(LiteralTypes.stripOptional(optional)).isEqualTo(integer);
    assertThat(LiteralTypes.stripOptional(integer)).isSameAs(integer);
    assertThat(LiteralTypes.optionalOf(optional)).isSameAs(optional);
    assertThat(LiteralTypes.describe(LiteralTypes.listOf(optional)))
        .isEqualTo("List[Optional[int]]");
    assertThat(LiteralTypes.describe(LiteralTypes.mapOf(integer))).isEqualTo("Dict[str, int]");
  }

  @Test
  void shouldNameTypeWhenElementTypeOfNonCollection() {
    assertThatThrownBy(() -> LiteralTypes.elementType(LiteralTypes.of(String.class)))
        .isInstanceOf(LiteralTypeException.class)
        .hasMessage("type [str] is not a collection, so it has no element type");
  }

  static List<Arguments> descriptions() {
    return List.of(
        Arguments.of(LiteralTypes.simple(SimpleType.INTEGER), "int"),
        Arguments.of(LiteralTypes.simple(SimpleType.FLOAT), "float"),
        Arguments.of(LiteralTypes.simple(SimpleType.STRING), "str"),
        Arguments.of(LiteralTypes.simple(SimpleType.BOOLEAN), "bool"),
        Arguments.of(LiteralTypes.simple(SimpleType.DATETIME), "datetime"),
        Arguments.of(LiteralTypes.simple(SimpleType.DURATION), "duration"),
        Arguments.of(LiteralTypes.simple(SimpleType.NONE), "none"),
        Arguments.of(LiteralTypes.simple(SimpleType.STRUCT), "struct"),
        Arguments.of(LiteralTypes.simple(SimpleType.BINARY), "binary"),
        Arguments.of(LiteralTypes.simple(SimpleType.ERROR), "error"),
        Arguments.of(LiteralTypes.of(Blob.class), "blob"),
        Arguments.of(
            LiteralType.newBuilder().setBlob(BlobType.newBuilder().setFormat("csv")).build(),
            "blob[csv]"),
        Arguments.of(
            LiteralType.newBuilder()
                .setBlob(
                    BlobType.newBuilder().setDimensionality(BlobType.BlobDimensionality.MULTIPART))
                .build(),
            "multipart_blob"),
        Arguments.of(LiteralTypes.of(Color.class), "enum[RED, GREEN]"),
        Arguments.of(
            LiteralType.newBuilder()
                .setSchema(flyteidl.core.Types.SchemaType.getDefaultInstance())
                .build(),
            "schema"),
        Arguments.of(
            LiteralType.newBuilder()
                .setStructuredDatasetType(
                    flyteidl.core.Types.StructuredDatasetType.getDefaultInstance())
                .build(),
            "structured_dataset"),
        Arguments.of(LiteralType.getDefaultInstance(), "unset"));
  }

  @ParameterizedTest
  @MethodSource("descriptions")
  void shouldDescribeLikePythonWhenTypeIsGiven(LiteralType type, String expected) {
    assertThat(LiteralTypes.describe(type)).isEqualTo(expected);
  }

  @Test
  void shouldIgnoreTagsAndMetadataWhenComparingTypes() {
    LiteralType tagged = LiteralTypes.of(declared("maybe"));
    LiteralType untagged = union(SimpleType.INTEGER, SimpleType.NONE);
    LiteralType withMetadata =
        LiteralTypes.listOf(
            LiteralTypes.of(long.class).toBuilder()
                .setMetadata(
                    Struct.newBuilder()
                        .putFields(
                            "k",
                            com.google.protobuf.Value.newBuilder().setStringValue("v").build()))
                .build());

    assertThat(LiteralTypes.sameType(tagged, untagged)).isTrue();
    assertThat(LiteralTypes.sameType(withMetadata, LiteralTypes.of(declared("longs")))).isTrue();
    assertThat(LiteralTypes.sameType(untagged, union(SimpleType.NONE, SimpleType.INTEGER)))
        .isFalse();
    assertThat(LiteralTypes.sameType(LiteralTypes.of(long.class), LiteralTypes.of(double.class)))
        .isFalse();
  }

  @Test
  void shouldRejectNullWhenTypeIsNull() {
    assertThatThrownBy(() -> LiteralTypes.of(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("type");
  }

  static LiteralType union(SimpleType... variants) {
    UnionType.Builder u = UnionType.newBuilder();
    for (SimpleType v : variants) {
      u.addVariants(LiteralTypes.simple(v));
    }
    return LiteralType.newBuilder().setUnionType(u).build();
  }
}
