package org.flytebeam.types;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import flyteidl.core.Literals.Literal;
import flyteidl.core.Types.SimpleType;
import java.lang.reflect.Type;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class JavaLiteralsTest {
  enum Color {
    RED,
    GREEN
  }

  /** Declared types, by field name. */
  @SuppressWarnings("unused")
  private static final class Declared {
    List<Long> longs;
    List<List<Long>> nested;
    Map<String, Double> doubles;
    Map<String, List<Optional<String>>> deep;
    List<Map<String, Integer>> listOfMaps;
    Optional<Long> maybe;
    Optional<List<Long>> maybeList;
    Optional<Color> maybeColor;
    List<Optional<Long>> sparse;
    java.util.Set<Long> set;
  }

  static Type declared(String field) {
    try {
      return Declared.class.getDeclaredField(field).getGenericType();
    } catch (NoSuchFieldException e) {
      throw new AssertionError(e);
    }
  }

  static Object roundTrip(Object value, Type type) {
    return JavaLiterals.fromLiteral("v", JavaLiterals.toLiteral("v", value, type), type);
  }

  static List<Arguments> values() {
    Struct struct =
        Struct.newBuilder()
            .putFields("n", Value.newBuilder().setNumberValue(1.5).build())
            .putFields("s", Value.newBuilder().setStringValue("x").build())
            .build();
    Map<String, List<Optional<String>>> deep = new LinkedHashMap<>();
    deep.put("b", List.of(Optional.of("x"), Optional.empty()));
    deep.put("a", List.of());
    return List.of(
        Arguments.of(42L, long.class, Literals.of(42L)),
        Arguments.of(-7L, Long.class, Literals.of(-7L)),
        Arguments.of(7, int.class, Literals.of(7L)),
        Arguments.of(7, Integer.class, Literals.of(7L)),
        Arguments.of((short) 3, short.class, Literals.of(3L)),
        Arguments.of((short) 3, Short.class, Literals.of(3L)),
        Arguments.of(0.25, double.class, Literals.of(0.25)),
        Arguments.of(0.25, Double.class, Literals.of(0.25)),
        Arguments.of(0.1f, float.class, Literals.of(0.1)),
        Arguments.of(2.5f, Float.class, Literals.of(2.5)),
        Arguments.of("hello", String.class, Literals.of("hello")),
        Arguments.of("", String.class, Literals.of("")),
        Arguments.of(true, boolean.class, Literals.of(true)),
        Arguments.of(false, Boolean.class, Literals.of(false)),
        Arguments.of(
            Instant.parse("2024-01-31T12:00:00.123456789Z"),
            Instant.class,
            Literals.of(Instant.parse("2024-01-31T12:00:00.123456789Z"))),
        Arguments.of(
            Duration.ofMillis(-1500), Duration.class, Literals.of(Duration.ofMillis(-1500))),
        Arguments.of(Color.GREEN, Color.class, Literals.of("GREEN")),
        Arguments.of(struct, Struct.class, Literals.of(struct)),
        Arguments.of(
            new Blob("s3://b/k.csv", "csv", false),
            Blob.class,
            Literals.of(new Blob("s3://b/k.csv", "csv", false))),
        Arguments.of(
            new Blob("s3://b/dir", "", true),
            Blob.class,
            Literals.of(new Blob("s3://b/dir", "", true))),
        Arguments.of(Optional.of(5L), declared("maybe"), Literals.of(5L)),
        Arguments.of(Optional.empty(), declared("maybe"), Literals.none()),
        Arguments.of(Optional.of(Color.RED), declared("maybeColor"), Literals.of("RED")),
        Arguments.of(
            Optional.of(List.of(1L)),
            declared("maybeList"),
            Literals.collection(List.of(Literals.of(1L)))),
        Arguments.of(
            List.of(1L, 2L, 3L),
            declared("longs"),
            Literals.collection(List.of(Literals.of(1L), Literals.of(2L), Literals.of(3L)))),
        Arguments.of(List.of(), declared("longs"), Literals.collection(List.of())),
        Arguments.of(
            List.of(List.of(1L), List.of()),
            declared("nested"),
            Literals.collection(
                List.of(
                    Literals.collection(List.of(Literals.of(1L))),
                    Literals.collection(List.of())))),
        Arguments.of(
            List.of(Optional.of(1L), Optional.empty()),
            declared("sparse"),
            Literals.collection(List.of(Literals.of(1L), Literals.none()))),
        Arguments.of(
            Map.of("x", 0.5), declared("doubles"), Literals.map(Map.of("x", Literals.of(0.5)))),
        Arguments.of(
            deep,
            declared("deep"),
            Literals.map(
                new LinkedHashMap<>(
                    Map.of(
                        "b", Literals.collection(List.of(Literals.of("x"), Literals.none())),
                        "a", Literals.collection(List.of()))))),
        Arguments.of(
            List.of(Map.of("k", 1)),
            declared("listOfMaps"),
            Literals.collection(List.of(Literals.map(Map.of("k", Literals.of(1L)))))));
  }

  @ParameterizedTest
  @MethodSource("values")
  void shouldConvertBothWaysWhenTypeIsSupported(Object value, Type type, Literal literal) {
    Literal written = JavaLiterals.toLiteral("v", value, type);

    assertThat(written).isEqualTo(literal);
    assertThat(JavaLiterals.fromLiteral("v", written, type)).isEqualTo(value);
  }

  @Test
  void shouldReadMapsInLiteralOrderWhenMapHasManyKeys() {
    Map<String, Double> ordered = new LinkedHashMap<>();
    for (int i = 20; i > 0; i--) {
      ordered.put("k" + i, (double) i);
    }

    @SuppressWarnings("unchecked")
    Map<String, Double> back = (Map<String, Double>) roundTrip(ordered, declared("doubles"));

    assertThat(back.keySet()).containsExactlyElementsOf(ordered.keySet());
  }

  @Test
  void shouldReturnUnmodifiableCollectionsWhenReading() {
    Object list = roundTrip(List.of(1L), declared("longs"));
    Object map = roundTrip(Map.of("x", 1.0), declared("doubles"));

    assertThatThrownBy(() -> ((List<?>) list).clear())
        .isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> ((Map<?, ?>) map).clear())
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void shouldWriteNoneWhenOptionalValueIsNull() {
    assertThat(JavaLiterals.toLiteral("v", null, declared("maybe"))).isEqualTo(Literals.none());
  }

  @Test
  void shouldConvertVoidWhenValueIsNone() {
    assertThat(JavaLiterals.toLiteral("v", null, Void.class)).isEqualTo(Literals.none());
    assertThat(JavaLiterals.fromLiteral("v", Literals.none(), Void.class)).isNull();
  }

  @Test
  void shouldReadEmptyWhenNoneIsWrappedInUnion() {
    Literal wrappedNone = LiteralsTest.union(Literals.none(), LiteralTypes.simple(SimpleType.NONE));
    Literal wrappedFive =
        LiteralsTest.union(Literals.of(5L), LiteralTypes.simple(SimpleType.INTEGER));

    assertThat(JavaLiterals.fromLiteral("v", wrappedNone, declared("maybe")))
        .isEqualTo(Optional.empty());
    assertThat(JavaLiterals.fromLiteral("v", wrappedFive, declared("maybe")))
        .isEqualTo(Optional.of(5L));
    assertThat(JavaLiterals.fromLiteral("v", wrappedFive, long.class)).isEqualTo(5L);
  }

  @Test
  void shouldAcceptIntLiteralWhenFieldIsFloat() {
    assertThat(JavaLiterals.fromLiteral("v", Literals.of(3L), double.class)).isEqualTo(3.0);
    assertThat(JavaLiterals.fromLiteral("v", Literals.of(3L), Float.class)).isEqualTo(3.0f);
  }

  @Test
  void shouldWriteFloatWhenJavaIntegerGivenForFloatType() {
    assertThat(JavaLiterals.toLiteral("v", 3, double.class)).isEqualTo(Literals.of(3.0));
  }

  @Test
  void shouldConvertToNarrowIntegersWhenInRange() {
    assertThat(JavaLiterals.fromLiteral("v", Literals.of(Integer.MAX_VALUE), int.class))
        .isEqualTo(Integer.MAX_VALUE);
    assertThat(JavaLiterals.fromLiteral("v", Literals.of(Short.MIN_VALUE), short.class))
        .isEqualTo(Short.MIN_VALUE);
    assertThat(JavaLiterals.toLiteral("v", (byte) 4, long.class)).isEqualTo(Literals.of(4L));
  }

  @Test
  void shouldSayDeclareLongWhenIntegerDoesNotFitInt() {
    assertThatThrownBy(() -> JavaLiterals.fromLiteral("n", Literals.of(3_000_000_000L), int.class))
        .isInstanceOf(LiteralTypeException.class)
        .hasMessage(
            "variable [n] expects [int] but found [int 3000000000]; the value does not fit a Java"
                + " int; declare it long");
    assertThatThrownBy(() -> JavaLiterals.fromLiteral("n", Literals.of(40_000L), Short.class))
        .hasMessage(
            "variable [n] expects [int] but found [int 40000]; the value does not fit a Java short;"
                + " declare it long");
  }

  @Test
  void shouldListAllowedValuesWhenEnumNameIsUnknown() {
    assertThatThrownBy(() -> JavaLiterals.fromLiteral("c", Literals.of("BLUE"), Color.class))
        .isInstanceOf(LiteralTypeException.class)
        .hasMessage(
            "variable [c] expects [enum[RED, GREEN]] but found [str \"BLUE\"]; use one of [RED,"
                + " GREEN]");
    assertThatThrownBy(() -> JavaLiterals.fromLiteral("c", Literals.of(1L), Color.class))
        .hasMessage(
            "variable [c] expects [enum[RED, GREEN]] but found [int 1]; use one of [RED, GREEN]");
  }

  static List<Arguments> wrongLiterals() {
    return List.of(
        Arguments.of(
            Literals.of("x"), long.class, "variable [a] expects [int] but found [str \"x\"]"),
        Arguments.of(
            Literals.of(1.5), int.class, "variable [a] expects [int] but found [float 1.5]"),
        Arguments.of(
            Literals.of("x"), double.class, "variable [a] expects [float] but found [str \"x\"]"),
        Arguments.of(Literals.of(1L), String.class, "variable [a] expects [str] but found [int 1]"),
        Arguments.of(
            Literals.of(1L), boolean.class, "variable [a] expects [bool] but found [int 1]"),
        Arguments.of(
            Literals.of("x"),
            Instant.class,
            "variable [a] expects [datetime] but found [str \"x\"]"),
        Arguments.of(
            Literals.of("x"),
            Duration.class,
            "variable [a] expects [duration] but found [str \"x\"]"),
        Arguments.of(Literals.of(1L), Void.class, "variable [a] expects [none] but found [int 1]"),
        Arguments.of(
            Literals.of("x"), Struct.class, "variable [a] expects [struct] but found [str \"x\"]"),
        Arguments.of(
            Literals.of("s3://x"),
            Blob.class,
            "variable [a] expects [blob] but found [str \"s3://x\"]"),
        Arguments.of(
            Literals.none(),
            long.class,
            "variable [a] expects [int] but found [none]; declare the Java type Optional<...> to"
                + " allow none"),
        Arguments.of(
            Literals.of(1L),
            declared("longs"),
            "variable [a] expects [List[int]] but found [int 1]"),
        Arguments.of(
            Literals.collection(List.of(Literals.of(1L), Literals.of("x"))),
            declared("longs"),
            "variable [a] at [1] expects [int] but found [str \"x\"]"),
        Arguments.of(
            Literals.collection(List.of(Literals.collection(List.of(Literals.none())))),
            declared("nested"),
            "variable [a] at [0][0] expects [int] but found [none]; declare the Java type"
                + " Optional<...> to allow none"),
        Arguments.of(
            Literals.map(Map.of("b", Literals.collection(List.of(Literals.of(1L))))),
            declared("deep"),
            "variable [a] at [\"b\"][0] expects [str] but found [int 1]"),
        Arguments.of(
            Literals.collection(List.of()),
            declared("doubles"),
            "variable [a] expects [Dict[str, float]] but found [List of 0]"),
        Arguments.of(
            Literals.of("x"),
            declared("maybe"),
            "variable [a] expects [int] but found [str \"x\"]"));
  }

  @ParameterizedTest
  @MethodSource("wrongLiterals")
  void shouldNameVariableWhenLiteralDoesNotFitJavaType(Literal literal, Type type, String message) {
    assertThatThrownBy(() -> JavaLiterals.fromLiteral("a", literal, type))
        .isInstanceOf(LiteralTypeException.class)
        .hasMessage(message);
  }

  static List<Arguments> wrongValues() {
    List<Long> withNull = new ArrayList<>(Arrays.asList(1L, null));
    Map<Object, Object> longKey = new HashMap<>();
    longKey.put(1L, 2.0);
    return List.of(
        Arguments.of("x", long.class, "variable [a] expects [int] but found [String \"x\"]"),
        Arguments.of(1.5, long.class, "variable [a] expects [int] but found [Double 1.5]"),
        Arguments.of(null, long.class, "variable [a] expects [int] but found [null]"),
        Arguments.of("x", double.class, "variable [a] expects [float] but found [String \"x\"]"),
        Arguments.of(1, String.class, "variable [a] expects [str] but found [Integer 1]"),
        Arguments.of(
            "true", boolean.class, "variable [a] expects [bool] but found [String \"true\"]"),
        Arguments.of(1L, Instant.class, "variable [a] expects [datetime] but found [Long 1]"),
        Arguments.of(1L, Duration.class, "variable [a] expects [duration] but found [Long 1]"),
        Arguments.of(
            "x",
            Void.class,
            "variable [a] expects [none] but found [String \"x\"]; a Void value can only be null"),
        Arguments.of("x", Struct.class, "variable [a] expects [struct] but found [String \"x\"]"),
        Arguments.of(
            "RED",
            Color.class,
            "variable [a] expects [enum[RED, GREEN]] but found [String \"RED\"]"),
        Arguments.of(
            "s3://x", Blob.class, "variable [a] expects [blob] but found [String \"s3://x\"]"),
        Arguments.of(
            5L,
            declared("maybe"),
            "variable [a] expects [Optional[int]] but found [Long 5]; wrap it: Optional.of(value)"),
        Arguments.of(
            Optional.of("x"),
            declared("maybe"),
            "variable [a] expects [int] but found [String \"x\"]"),
        Arguments.of(
            withNull, declared("longs"), "variable [a] at [1] expects [int] but found [null]"),
        Arguments.of(1L, declared("longs"), "variable [a] expects [List[int]] but found [Long 1]"),
        Arguments.of(
            new java.util.HashSet<>(List.of(1L)),
            declared("longs"),
            "variable [a] expects [List[int]] but found [HashSet of 1]"),
        Arguments.of(
            longKey,
            declared("doubles"),
            "variable [a] expects [Dict[str, float]] but found [a key Long 1]; Flyte map keys are"
                + " strings"),
        Arguments.of(
            Map.of("k", List.of(Optional.of(1L))),
            declared("deep"),
            "variable [a] at [\"k\"][0] expects [str] but found [Long 1]"));
  }

  @ParameterizedTest
  @MethodSource("wrongValues")
  void shouldNameVariableWhenJavaValueDoesNotFitType(Object value, Type type, String message) {
    assertThatThrownBy(() -> JavaLiterals.toLiteral("a", value, type))
        .isInstanceOf(LiteralTypeException.class)
        .hasMessage(message);
  }

  @Test
  void shouldNameVariableWhenJavaTypeIsUnsupported() {
    assertThatThrownBy(() -> JavaLiterals.toLiteral("s", java.util.Set.of(1L), declared("set")))
        .isInstanceOf(LiteralTypeException.class)
        .hasMessageStartingWith(
            "variable [s]: Java type [java.util.Set<java.lang.Long>] is not supported; supported"
                + " types are: long,");
    assertThatThrownBy(() -> JavaLiterals.fromLiteral("o", Literals.none(), Object.class))
        .hasMessageStartingWith("variable [o]: Java type [java.lang.Object] is not supported;");
  }

  @Test
  void shouldRejectBlankUriWhenBlobLiteralHasNone() {
    Literal noUri =
        Literal.newBuilder()
            .setScalar(
                flyteidl.core.Literals.Scalar.newBuilder()
                    .setBlob(flyteidl.core.Literals.Blob.getDefaultInstance()))
            .build();

    assertThatThrownBy(() -> JavaLiterals.fromLiteral("b", noUri, Blob.class))
        .isInstanceOf(LiteralTypeException.class)
        .hasMessage(
            "variable [b] expects [blob] but found [blob without uri]; the blob has no uri");
  }
}
