package org.flytebeam.types;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import flyteidl.core.Literals.Binary;
import flyteidl.core.Literals.Literal;
import flyteidl.core.Literals.LiteralOffloadedMetadata;
import flyteidl.core.Literals.Scalar;
import flyteidl.core.Literals.Union;
import flyteidl.core.Types.BlobType;
import flyteidl.core.Types.EnumType;
import flyteidl.core.Types.LiteralType;
import flyteidl.core.Types.SimpleType;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class LiteralsTest {
  static final LiteralType INT = LiteralTypes.simple(SimpleType.INTEGER);
  static final LiteralType FLOAT = LiteralTypes.simple(SimpleType.FLOAT);
  static final LiteralType STR = LiteralTypes.simple(SimpleType.STRING);
  static final LiteralType BOOL = LiteralTypes.simple(SimpleType.BOOLEAN);
  static final LiteralType NONE = LiteralTypes.simple(SimpleType.NONE);
  static final LiteralType COLORS =
      LiteralType.newBuilder()
          .setEnumType(EnumType.newBuilder().addValues("RED").addValues("GREEN"))
          .build();

  static Literal union(Literal value, LiteralType stored) {
    return Literal.newBuilder()
        .setScalar(Scalar.newBuilder().setUnion(Union.newBuilder().setValue(value).setType(stored)))
        .build();
  }

  static LiteralType intOrStr() {
    return LiteralTypesTest.union(SimpleType.INTEGER, SimpleType.STRING);
  }

  static Literal blob(String uri, String format) {
    return Literals.of(new Blob(uri, format, false));
  }

  @Test
  void shouldBuildProtoShapesWhenUsingBuilders() {
    assertThat(Literals.none().getScalar().hasNoneType()).isTrue();
    assertThat(Literals.of(5L).getScalar().getPrimitive().getInteger()).isEqualTo(5L);
    assertThat(Literals.of(0.5).getScalar().getPrimitive().getFloatValue()).isEqualTo(0.5);
    assertThat(Literals.of("a").getScalar().getPrimitive().getStringValue()).isEqualTo("a");
    assertThat(Literals.of(true).getScalar().getPrimitive().getBoolean()).isTrue();
    assertThat(Literals.of(Instant.ofEpochSecond(10, 5)).getScalar().getPrimitive().getDatetime())
        .isEqualTo(com.google.protobuf.Timestamp.newBuilder().setSeconds(10).setNanos(5).build());
    assertThat(Literals.of(Duration.ofMillis(1500)).getScalar().getPrimitive().getDuration())
        .isEqualTo(
            com.google.protobuf.Duration.newBuilder().setSeconds(1).setNanos(500_000_000).build());
    flyteidl.core.Literals.Blob b =
        Literals.of(new Blob("s3://b/k", "csv", true)).getScalar().getBlob();
    assertThat(b.getUri()).isEqualTo("s3://b/k");
    assertThat(b.getMetadata().getType().getFormat()).isEqualTo("csv");
    assertThat(b.getMetadata().getType().getDimensionality())
        .isEqualTo(BlobType.BlobDimensionality.MULTIPART);
  }

  @Test
  void shouldKeepOrderWhenBuildingCollectionsAndMaps() {
    Map<String, Literal> entries = new LinkedHashMap<>();
    entries.put("z", Literals.of(1L));
    entries.put("a", Literals.of(2L));

    Literal list = Literals.collection(List.of(Literals.of(3L), Literals.of(1L)));
    Literal map = Literals.map(entries);

    assertThat(list.getCollection().getLiteralsList())
        .containsExactly(Literals.of(3L), Literals.of(1L));
    assertThat(map.getMap().getLiteralsMap().keySet()).containsExactly("z", "a");
  }

  @Test
  void shouldSeeNoneWhenPlainOrWrappedInUnion() {
    assertThat(Literals.isNone(Literals.none())).isTrue();
    assertThat(Literals.isNone(union(Literals.none(), NONE))).isTrue();
    assertThat(Literals.isNone(Literals.of(0L))).isFalse();
    assertThat(Literals.isNone(Literals.collection(List.of()))).isFalse();
  }

  static List<Arguments> descriptions() {
    return List.of(
        Arguments.of(Literals.of(5L), "int 5"),
        Arguments.of(Literals.of(0.5), "float 0.5"),
        Arguments.of(Literals.of("a"), "str \"a\""),
        Arguments.of(Literals.of("x".repeat(70)), "str \"" + "x".repeat(60) + "...\""),
        Arguments.of(Literals.of(true), "bool true"),
        Arguments.of(
            Literals.of(Instant.parse("2024-01-01T00:00:00Z")), "datetime 2024-01-01T00:00:00Z"),
        Arguments.of(Literals.of(Duration.ofSeconds(30)), "duration PT30S"),
        Arguments.of(Literals.none(), "none"),
        Arguments.of(
            Literals.collection(List.of(Literals.of(1L), Literals.of(2L), Literals.of(3L))),
            "List of 3"),
        Arguments.of(Literals.map(Map.of("a", Literals.of(1L), "b", Literals.of(2L))), "Dict of 2"),
        Arguments.of(
            Literals.of(
                Struct.newBuilder()
                    .putFields("k", Value.newBuilder().setBoolValue(true).build())
                    .build()),
            "struct of 1 field"),
        Arguments.of(Literals.of(Blob.of("s3://b/k")), "blob s3://b/k"),
        Arguments.of(
            Literals.of(new Blob("s3://b/d", "csv", true)), "multipart_blob[csv] s3://b/d"),
        Arguments.of(union(Literals.of(7L), INT), "int 7"),
        Arguments.of(
            Literal.newBuilder()
                .setScalar(
                    Scalar.newBuilder()
                        .setBinary(Binary.newBuilder().setValue(ByteString.copyFromUtf8("abc"))))
                .build(),
            "binary of 3 bytes"),
        Arguments.of(
            Literal.newBuilder()
                .setScalar(
                    Scalar.newBuilder()
                        .setError(flyteidl.core.Types.Error.newBuilder().setMessage("boom")))
                .build(),
            "error \"boom\""),
        Arguments.of(
            Literal.newBuilder()
                .setOffloadedMetadata(LiteralOffloadedMetadata.newBuilder().setUri("s3://b/o"))
                .build(),
            "offloaded literal s3://b/o"),
        Arguments.of(Literal.getDefaultInstance(), "empty literal"));
  }

  @ParameterizedTest
  @MethodSource("descriptions")
  void shouldDescribeShortlyWhenLiteralIsGiven(Literal literal, String expected) {
    assertThat(Literals.describe(literal)).isEqualTo(expected);
  }

  static List<Arguments> fitting() {
    return List.of(
        Arguments.of(Literals.of(5L), INT),
        Arguments.of(Literals.of(0.5), FLOAT),
        Arguments.of(Literals.of("a"), STR),
        Arguments.of(Literals.of(false), BOOL),
        Arguments.of(Literals.of(Instant.EPOCH), LiteralTypes.of(Instant.class)),
        Arguments.of(Literals.of(Duration.ZERO), LiteralTypes.of(Duration.class)),
        Arguments.of(Literals.none(), NONE),
        Arguments.of(Literals.of(Struct.getDefaultInstance()), LiteralTypes.of(Struct.class)),
        Arguments.of(Literals.of("GREEN"), COLORS),
        Arguments.of(Literals.none(), LiteralTypes.optionalOf(INT)),
        Arguments.of(union(Literals.none(), NONE), LiteralTypes.optionalOf(INT)),
        Arguments.of(Literals.of(3L), LiteralTypes.optionalOf(INT)),
        Arguments.of(union(Literals.of(3L), INT), LiteralTypes.optionalOf(INT)),
        Arguments.of(union(Literals.of("s"), STR), intOrStr()),
        Arguments.of(union(Literals.of("s"), LiteralType.getDefaultInstance()), intOrStr()),
        Arguments.of(Literals.of("s"), intOrStr()),
        Arguments.of(Literals.of(3L), intOrStr()),
        Arguments.of(
            Literals.collection(List.of(Literals.of(1L), Literals.none())),
            LiteralTypes.listOf(LiteralTypes.optionalOf(INT))),
        Arguments.of(
            Literals.collection(
                List.of(
                    Literals.collection(List.of(Literals.of(1L))), Literals.collection(List.of()))),
            LiteralTypes.listOf(LiteralTypes.listOf(INT))),
        Arguments.of(
            Literals.map(Map.of("a", Literals.collection(List.of(Literals.of("x"))))),
            LiteralTypes.mapOf(LiteralTypes.listOf(STR))),
        Arguments.of(blob("s3://b/k", "csv"), LiteralTypes.of(Blob.class)),
        Arguments.of(blob("s3://b/k", ""), blobType("csv")),
        Arguments.of(blob("s3://b/k", "csv"), blobType("csv")));
  }

  static LiteralType blobType(String format) {
    return LiteralType.newBuilder().setBlob(BlobType.newBuilder().setFormat(format)).build();
  }

  @ParameterizedTest
  @MethodSource("fitting")
  void shouldPassCheckWhenValueFitsType(Literal value, LiteralType type) {
    assertThatCode(() -> Literals.check("input", "a", value, type)).doesNotThrowAnyException();
    assertThat(Literals.fits(value, type)).isTrue();
  }

  static List<Arguments> mismatches() {
    return List.of(
        Arguments.of(Literals.of("x"), INT, "input [a] expects [int] but found [str \"x\"]"),
        Arguments.of(Literals.of(1.5), INT, "input [a] expects [int] but found [float 1.5]"),
        Arguments.of(
            Literals.of(5L),
            FLOAT,
            "input [a] expects [float] but found [int 5]; write it as a float, e.g. 5.0"),
        Arguments.of(Literals.of(1L), STR, "input [a] expects [str] but found [int 1]"),
        Arguments.of(
            Literals.of("true"), BOOL, "input [a] expects [bool] but found [str \"true\"]"),
        Arguments.of(
            Literals.of("2024-01-01"),
            LiteralTypes.of(Instant.class),
            "input [a] expects [datetime] but found [str \"2024-01-01\"]"),
        Arguments.of(
            Literals.of(30L),
            LiteralTypes.of(Duration.class),
            "input [a] expects [duration] but found [int 30]"),
        Arguments.of(Literals.of(1L), NONE, "input [a] expects [none] but found [int 1]"),
        Arguments.of(
            Literals.none(),
            INT,
            "input [a] expects [int] but found [none]; declare the type Optional[int] to allow"
                + " none"),
        Arguments.of(
            Literals.of("x"),
            LiteralTypes.of(Struct.class),
            "input [a] expects [struct] but found [str \"x\"]"),
        Arguments.of(
            Literals.of("BLUE"),
            COLORS,
            "input [a] expects [enum[RED, GREEN]] but found [str \"BLUE\"]; use one of [RED,"
                + " GREEN]"),
        Arguments.of(
            Literals.of(1L),
            COLORS,
            "input [a] expects [enum[RED, GREEN]] but found [int 1]; use one of [RED, GREEN]"),
        Arguments.of(
            Literals.of("x"),
            LiteralTypes.optionalOf(INT),
            "input [a] expects [int] but found [str \"x\"]"),
        Arguments.of(
            Literals.of(true),
            intOrStr(),
            "input [a] expects [Union[int, str]] but found [bool true]"),
        Arguments.of(
            union(Literals.of(1.5), FLOAT),
            intOrStr(),
            "input [a] expects [Union[int, str]] but found [float 1.5]; the value is stored as"
                + " [float], which is not a variant of the union"),
        Arguments.of(
            union(Literals.of("x"), INT),
            intOrStr(),
            "input [a] expects [int] but found [str \"x\"]"),
        Arguments.of(
            Literals.none(),
            intOrStr(),
            "input [a] expects [Union[int, str]] but found [none]; declare the type"
                + " Optional[Union[int, str]] to allow none"),
        Arguments.of(
            Literals.of(1L),
            LiteralTypes.listOf(INT),
            "input [a] expects [List[int]] but found [int 1]"),
        Arguments.of(
            Literals.collection(List.of(Literals.of(1L), Literals.of(2L), Literals.of("x"))),
            LiteralTypes.listOf(INT),
            "input [a] at [2] expects [int] but found [str \"x\"]"),
        Arguments.of(
            Literals.collection(
                List.of(
                    Literals.collection(List.of()), Literals.collection(List.of(Literals.none())))),
            LiteralTypes.listOf(LiteralTypes.listOf(INT)),
            "input [a] at [1][0] expects [int] but found [none]; declare the type Optional[int] to"
                + " allow none"),
        Arguments.of(
            Literals.collection(List.of(Literals.of(1L))),
            INT,
            "input [a] expects [int] but found [List of 1]"),
        Arguments.of(
            Literals.map(Map.of("k", Literals.collection(List.of(Literals.of(1.5))))),
            LiteralTypes.mapOf(LiteralTypes.listOf(INT)),
            "input [a] at [\"k\"][0] expects [int] but found [float 1.5]"),
        Arguments.of(
            Literals.collection(List.of()),
            LiteralTypes.mapOf(INT),
            "input [a] expects [Dict[str, int]] but found [List of 0]"),
        Arguments.of(
            Literals.of("s3://b/k"),
            LiteralTypes.of(Blob.class),
            "input [a] expects [blob] but found [str \"s3://b/k\"]"),
        Arguments.of(
            blob("s3://b/k", "parquet"),
            blobType("csv"),
            "input [a] expects [blob[csv]] but found [blob[parquet] s3://b/k]; the blob format"
                + " [parquet] is not [csv]"),
        Arguments.of(
            Literal.newBuilder()
                .setOffloadedMetadata(LiteralOffloadedMetadata.newBuilder().setUri("s3://o"))
                .build(),
            INT,
            "input [a] expects [int] but found [offloaded literal s3://o]; offloaded literals are"
                + " not supported; pass the value inline"),
        Arguments.of(
            Literals.of(1L),
            LiteralType.getDefaultInstance(),
            "input [a] expects [unset] but found [int 1]; the declared type is empty; declare a"
                + " type"));
  }

  @ParameterizedTest
  @MethodSource("mismatches")
  void shouldNameVariableTypeAndValueWhenValueDoesNotFit(
      Literal value, LiteralType type, String message) {
    assertThatThrownBy(() -> Literals.check("input", "a", value, type))
        .isInstanceOf(LiteralTypeException.class)
        .hasMessage(message);
    assertThat(Literals.fits(value, type)).isFalse();
  }

  @Test
  void shouldUseRoleInMessageWhenCheckingOutputs() {
    assertThatThrownBy(() -> Literals.check("output", "o0", Literals.of(1L), STR))
        .isInstanceOf(LiteralTypeException.class)
        .hasMessage("output [o0] expects [str] but found [int 1]");
  }

  @Test
  void shouldListProblemWhenCheckFails() {
    LiteralTypeException e =
        org.junit.jupiter.api.Assertions.assertThrows(
            LiteralTypeException.class, () -> Literals.check("input", "a", Literals.of(1L), STR));

    assertThat(e.problems()).containsExactly("input [a] expects [str] but found [int 1]");
    assertThat(e).isInstanceOf(org.flytebeam.InvalidDefinitionException.class);
  }
}
