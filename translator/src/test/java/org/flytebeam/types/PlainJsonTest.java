package org.flytebeam.types;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.ByteString;
import com.google.protobuf.ListValue;
import com.google.protobuf.NullValue;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import flyteidl.core.Interface.Variable;
import flyteidl.core.Interface.VariableMap;
import flyteidl.core.Literals.Binary;
import flyteidl.core.Literals.Literal;
import flyteidl.core.Literals.LiteralMap;
import flyteidl.core.Literals.Scalar;
import flyteidl.core.Types.BlobType;
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
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class PlainJsonTest {
  static final ObjectMapper MAPPER = new ObjectMapper();
  static final LiteralType INT = LiteralTypes.simple(SimpleType.INTEGER);
  static final LiteralType FLOAT = LiteralTypes.simple(SimpleType.FLOAT);
  static final LiteralType STR = LiteralTypes.simple(SimpleType.STRING);
  static final LiteralType BOOL = LiteralTypes.simple(SimpleType.BOOLEAN);
  static final LiteralType DATETIME = LiteralTypes.simple(SimpleType.DATETIME);
  static final LiteralType DURATION = LiteralTypes.simple(SimpleType.DURATION);
  static final LiteralType NONE = LiteralTypes.simple(SimpleType.NONE);
  static final LiteralType STRUCT = LiteralTypes.simple(SimpleType.STRUCT);
  static final LiteralType COLORS = LiteralsTest.COLORS;
  static final LiteralType BLOB = LiteralTypes.of(Blob.class);

  static JsonNode json(String text) {
    try {
      return MAPPER.readTree(text);
    } catch (java.io.IOException e) {
      throw new AssertionError(e);
    }
  }

  static Literal read(String text, LiteralType type) {
    return PlainJson.fromJson("x", json(text), type);
  }

  static Struct struct() {
    return Struct.newBuilder()
        .putFields("n", Value.newBuilder().setNumberValue(1).build())
        .putFields("f", Value.newBuilder().setNumberValue(1.5).build())
        .putFields("s", Value.newBuilder().setStringValue("a").build())
        .putFields("b", Value.newBuilder().setBoolValue(true).build())
        .putFields("z", Value.newBuilder().setNullValue(NullValue.NULL_VALUE).build())
        .putFields(
            "l",
            Value.newBuilder()
                .setListValue(
                    ListValue.newBuilder().addValues(Value.newBuilder().setNumberValue(2)))
                .build())
        .putFields(
            "o",
            Value.newBuilder()
                .setStructValue(
                    Struct.newBuilder()
                        .putFields("k", Value.newBuilder().setStringValue("v").build()))
                .build())
        .build();
  }

  /** JSON text, type, literal: read as the literal, and the literal written back as the JSON. */
  static List<Arguments> roundTrips() {
    return List.of(
        Arguments.of("5", INT, Literals.of(5L)),
        Arguments.of("-9223372036854775808", INT, Literals.of(Long.MIN_VALUE)),
        Arguments.of("0.5", FLOAT, Literals.of(0.5)),
        Arguments.of("\"NaN\"", FLOAT, Literals.of(Double.NaN)),
        Arguments.of("\"Infinity\"", FLOAT, Literals.of(Double.POSITIVE_INFINITY)),
        Arguments.of("\"-Infinity\"", FLOAT, Literals.of(Double.NEGATIVE_INFINITY)),
        Arguments.of("\"earth\"", STR, Literals.of("earth")),
        Arguments.of("true", BOOL, Literals.of(true)),
        Arguments.of(
            "\"2024-01-31T12:00:00.500Z\"",
            DATETIME,
            Literals.of(Instant.parse("2024-01-31T12:00:00.5Z"))),
        Arguments.of(
            "\"2024-01-31T12:00:00Z\"",
            DATETIME,
            Literals.of(Instant.parse("2024-01-31T12:00:00Z"))),
        Arguments.of("\"PT1M30S\"", DURATION, Literals.of(Duration.ofSeconds(90))),
        Arguments.of("null", NONE, Literals.none()),
        Arguments.of("null", LiteralTypes.optionalOf(INT), Literals.none()),
        Arguments.of("3", LiteralTypes.optionalOf(INT), Literals.of(3L)),
        Arguments.of("\"GREEN\"", COLORS, Literals.of("GREEN")),
        Arguments.of(
            "{\"n\":1,\"f\":1.5,\"s\":\"a\",\"b\":true,\"z\":null,\"l\":[2],\"o\":{\"k\":\"v\"}}",
            STRUCT,
            Literals.of(struct())),
        Arguments.of(
            "[1,2,3]",
            LiteralTypes.listOf(INT),
            Literals.collection(List.of(Literals.of(1L), Literals.of(2L), Literals.of(3L)))),
        Arguments.of("[]", LiteralTypes.listOf(INT), Literals.collection(List.of())),
        Arguments.of(
            "[[1],[],[null]]",
            LiteralTypes.listOf(LiteralTypes.listOf(LiteralTypes.optionalOf(INT))),
            Literals.collection(
                List.of(
                    Literals.collection(List.of(Literals.of(1L))),
                    Literals.collection(List.of()),
                    Literals.collection(List.of(Literals.none()))))),
        Arguments.of(
            "{\"b\":0.5,\"a\":null}",
            LiteralTypes.mapOf(LiteralTypes.optionalOf(FLOAT)),
            Literals.map(orderedMap("b", Literals.of(0.5), "a", Literals.none()))),
        Arguments.of(
            "{\"k\":[{\"x\":1}]}",
            LiteralTypes.mapOf(LiteralTypes.listOf(LiteralTypes.mapOf(INT))),
            Literals.map(
                Map.of(
                    "k",
                    Literals.collection(List.of(Literals.map(Map.of("x", Literals.of(1L)))))))),
        Arguments.of(
            "{\"uri\":\"s3://b/k.csv\",\"format\":\"csv\"}",
            BLOB,
            Literals.of(new Blob("s3://b/k.csv", "csv", false))),
        Arguments.of(
            "{\"uri\":\"s3://b/dir\",\"format\":\"\",\"multipart\":true}",
            BLOB,
            Literals.of(new Blob("s3://b/dir", "", true))));
  }

  @ParameterizedTest
  @MethodSource("roundTrips")
  void shouldReadAndWriteBackWhenJsonFitsType(String text, LiteralType type, Literal literal) {
    Literal read = read(text, type);

    assertThat(read).isEqualTo(literal);
    assertThat(PlainJson.toJson(read)).isEqualTo(json(text));
  }

  static Map<String, Literal> orderedMap(String k1, Literal v1, String k2, Literal v2) {
    Map<String, Literal> m = new LinkedHashMap<>();
    m.put(k1, v1);
    m.put(k2, v2);
    return m;
  }

  @Test
  void shouldReadFloatWhenJsonHasInteger() {
    assertThat(read("3", FLOAT)).isEqualTo(Literals.of(3.0));
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "2024-01-31T12:00:00Z|2024-01-31T12:00:00Z",
        "2024-01-31T14:00:00+02:00|2024-01-31T12:00:00Z",
        "2024-01-31T12:00:00.123456789Z|2024-01-31T12:00:00.123456789Z",
        "2024-01-31T12:00:00|2024-01-31T12:00:00Z",
        "2024-01-31 12:00:00|2024-01-31T12:00:00Z",
        "2024-01-31|2024-01-31T00:00:00Z"
      })
  void shouldReadDatetimeWhenIsoStringHasAnyCommonForm(String text, String instant) {
    assertThat(read("\"" + text + "\"", DATETIME)).isEqualTo(Literals.of(Instant.parse(instant)));
  }

  @ParameterizedTest
  @CsvSource({
    "PT30S, PT30S",
    "P1DT2H, PT26H",
    "-PT5S, PT-5S",
    "30s, PT30S",
    "1m30s, PT1M30S",
    "250ms, PT0.25S",
    "1h, PT1H",
    "1.5h, PT1H30M",
    "2h45m10s, PT2H45M10S",
    "-1m, PT-1M",
    "+10s, PT10S",
    "0, PT0S",
    "1500us, PT0.0015S",
    "1500\u00b5s, PT0.0015S",
    "1500\u03bcs, PT0.0015S",
    "7ns, PT0.000000007S",
    ".5s, PT0.5S"
  })
  void shouldReadDurationWhenIsoOrGoStyle(String text, String iso) {
    assertThat(read(MAPPER.getNodeFactory().textNode(text).toString(), DURATION))
        .isEqualTo(Literals.of(Duration.parse(iso)));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "s", "10", "10x", "1.2.3s", "PT", "P1X", "-", "1m-2s", "ten seconds"})
  void shouldExplainFormatWhenDurationIsInvalid(String text) {
    assertThatThrownBy(() -> read(MAPPER.getNodeFactory().textNode(text).toString(), DURATION))
        .isInstanceOf(LiteralTypeException.class)
        .hasMessage(
            "variable [x] expects [duration] but found [str \""
                + text
                + "\"]; write an ISO-8601 or Go duration, e.g. \"PT1M30S\" or \"1m30s\"");
  }

  @Test
  void shouldReadPlainStringAsBlobUriWhenTypeIsBlob() {
    LiteralType csv =
        LiteralType.newBuilder().setBlob(BlobType.newBuilder().setFormat("csv")).build();
    LiteralType dir =
        LiteralType.newBuilder()
            .setBlob(BlobType.newBuilder().setDimensionality(BlobType.BlobDimensionality.MULTIPART))
            .build();

    assertThat(read("\"s3://b/k\"", BLOB)).isEqualTo(Literals.of(Blob.of("s3://b/k")));
    assertThat(read("\"s3://b/k\"", csv))
        .isEqualTo(Literals.of(new Blob("s3://b/k", "csv", false)));
    assertThat(read("{\"uri\":\"s3://b/k\"}", csv))
        .isEqualTo(Literals.of(new Blob("s3://b/k", "csv", false)));
    assertThat(read("\"s3://b/d\"", dir)).isEqualTo(Literals.of(new Blob("s3://b/d", "", true)));
  }

  @Test
  void shouldWrapInUnionWhenTypeIsUnionOfSeveral() {
    LiteralType intOrStr = LiteralsTest.intOrStr();
    LiteralType withNone =
        LiteralTypesTest.union(SimpleType.INTEGER, SimpleType.STRING, SimpleType.NONE);

    assertThat(read("1", intOrStr)).isEqualTo(LiteralsTest.union(Literals.of(1L), INT));
    assertThat(read("\"a\"", intOrStr)).isEqualTo(LiteralsTest.union(Literals.of("a"), STR));
    assertThat(read("null", withNone)).isEqualTo(LiteralsTest.union(Literals.none(), NONE));
    assertThat(PlainJson.toJson(read("\"a\"", intOrStr))).isEqualTo(json("\"a\""));
    Literals.check("input", "x", read("1", intOrStr), intOrStr);
  }

  @Test
  void shouldReadNullWhenJavaNullIsGivenForOptional() {
    assertThat(PlainJson.fromJson("x", null, LiteralTypes.optionalOf(STR)))
        .isEqualTo(Literals.none());
  }

  static List<Arguments> mismatches() {
    LiteralType csv =
        LiteralType.newBuilder().setBlob(BlobType.newBuilder().setFormat("csv")).build();
    String blobHint = "write a URI string or {\"uri\": \"s3://bucket/key\", \"format\": \"csv\"}";
    return List.of(
        Arguments.of("\"x\"", INT, "variable [x] expects [int] but found [str \"x\"]"),
        Arguments.of("1.5", INT, "variable [x] expects [int] but found [float 1.5]"),
        Arguments.of("3.0", INT, "variable [x] expects [int] but found [float 3.0]"),
        Arguments.of(
            "9223372036854775808",
            INT,
            "variable [x] expects [int] but found [int 9223372036854775808]; Flyte ints are"
                + " 64-bit"),
        Arguments.of("\"1.5\"", FLOAT, "variable [x] expects [float] but found [str \"1.5\"]"),
        Arguments.of(
            "5", STR, "variable [x] expects [str] but found [int 5]; quote it to make it a string"),
        Arguments.of(
            "\"true\"",
            BOOL,
            "variable [x] expects [bool] but found [str \"true\"]; write true or false"),
        Arguments.of(
            "\"yesterday\"",
            DATETIME,
            "variable [x] expects [datetime] but found [str \"yesterday\"]; write an ISO-8601"
                + " date-time, e.g. \"2024-01-31T12:00:00Z\""),
        Arguments.of(
            "1700000000",
            DATETIME,
            "variable [x] expects [datetime] but found [int 1700000000]; write an ISO-8601"
                + " date-time, e.g. \"2024-01-31T12:00:00Z\""),
        Arguments.of(
            "30",
            DURATION,
            "variable [x] expects [duration] but found [int 30]; write an ISO-8601 or Go duration,"
                + " e.g. \"PT1M30S\" or \"1m30s\""),
        Arguments.of("0", NONE, "variable [x] expects [none] but found [int 0]; write null"),
        Arguments.of(
            "null",
            INT,
            "variable [x] expects [int] but found [null]; declare the type Optional[int] to allow"
                + " null"),
        Arguments.of("[1]", STRUCT, "variable [x] expects [struct] but found [array of 1]"),
        Arguments.of(
            "\"BLUE\"",
            COLORS,
            "variable [x] expects [enum[RED, GREEN]] but found [str \"BLUE\"]; use one of [RED,"
                + " GREEN]"),
        Arguments.of(
            "{\"a\":1}",
            LiteralTypes.listOf(INT),
            "variable [x] expects [List[int]] but found [object of 1]"),
        Arguments.of(
            "[1, 2, \"3\"]",
            LiteralTypes.listOf(INT),
            "variable [x] at [2] expects [int] but found [str \"3\"]"),
        Arguments.of(
            "[[1], [2, null]]",
            LiteralTypes.listOf(LiteralTypes.listOf(INT)),
            "variable [x] at [1][1] expects [int] but found [null]; declare the type Optional[int]"
                + " to allow null"),
        Arguments.of(
            "[1]",
            LiteralTypes.mapOf(INT),
            "variable [x] expects [Dict[str, int]] but found [array of 1]"),
        Arguments.of(
            "{\"k\": [true]}",
            LiteralTypes.mapOf(LiteralTypes.listOf(INT)),
            "variable [x] at [\"k\"][0] expects [int] but found [bool true]"),
        Arguments.of(
            "\"a\"",
            LiteralTypes.optionalOf(INT),
            "variable [x] expects [int] but found [str \"a\"]"),
        Arguments.of(
            "true",
            LiteralsTest.intOrStr(),
            "variable [x] expects [Union[int, str]] but found [bool true]"),
        Arguments.of("5", BLOB, "variable [x] expects [blob] but found [int 5]; " + blobHint),
        Arguments.of(
            "\" \"",
            BLOB,
            "variable [x] expects [blob] but found [str \" \"]; the uri is blank; " + blobHint),
        Arguments.of(
            "{\"format\":\"csv\"}",
            BLOB,
            "variable [x] expects [blob] but found [object of 1]; " + blobHint),
        Arguments.of(
            "{\"uri\":\"s3://b/k\",\"size\":3}",
            BLOB,
            "variable [x] expects [blob] but found [object of 2]; unknown blob field [size]; "
                + blobHint),
        Arguments.of(
            "{\"uri\":\"s3://b/k\",\"format\":\"parquet\"}",
            csv,
            "variable [x] expects [blob[csv]] but found [object of 2]; the blob format [parquet] is"
                + " not [csv]"),
        Arguments.of(
            "\"x\"",
            LiteralTypes.simple(SimpleType.BINARY),
            "variable [x] expects [binary] but found [str \"x\"]; this type cannot be read from"
                + " plain JSON; give a flyteidl LiteralMap"),
        Arguments.of(
            "\"x\"",
            LiteralType.newBuilder()
                .setSchema(flyteidl.core.Types.SchemaType.getDefaultInstance())
                .build(),
            "variable [x] expects [schema] but found [str \"x\"]; this type cannot be read from"
                + " plain JSON; give a flyteidl LiteralMap"));
  }

  @ParameterizedTest
  @MethodSource("mismatches")
  void shouldNameVariableWhenJsonDoesNotFitType(String text, LiteralType type, String message) {
    assertThatThrownBy(() -> read(text, type))
        .isInstanceOf(LiteralTypeException.class)
        .hasMessage(message);
  }

  static VariableMap interfaceOf(Map<String, LiteralType> types) {
    VariableMap.Builder b = VariableMap.newBuilder();
    types.forEach((k, v) -> b.putVariables(k, Variable.newBuilder().setType(v).build()));
    return b.build();
  }

  static VariableMap sampleInterface() {
    Map<String, LiteralType> types = new LinkedHashMap<>();
    types.put("x", LiteralTypes.listOf(INT));
    types.put("name", STR);
    types.put("ratio", LiteralTypes.optionalOf(FLOAT));
    return interfaceOf(types);
  }

  @Test
  void shouldReadWholeObjectInInterfaceOrderWhenKeysMatch() {
    LiteralMap literals =
        PlainJson.fromJson(
            json("{\"ratio\": null, \"name\": \"earth\", \"x\": [1, 2, 3]}"), sampleInterface());

    assertThat(literals.getLiteralsMap().keySet()).containsExactly("x", "name", "ratio");
    assertThat(literals.getLiteralsMap().get("x"))
        .isEqualTo(Literals.collection(List.of(Literals.of(1L), Literals.of(2L), Literals.of(3L))));
    assertThat(literals.getLiteralsMap().get("ratio")).isEqualTo(Literals.none());
    assertThat(PlainJson.toJson(literals))
        .isEqualTo(json("{\"x\": [1, 2, 3], \"name\": \"earth\", \"ratio\": null}"));
  }

  @Test
  void shouldListEveryProblemWhenObjectHasUnknownMissingAndWrongKeys() {
    LiteralTypeException e =
        org.junit.jupiter.api.Assertions.assertThrows(
            LiteralTypeException.class,
            () ->
                PlainJson.fromJson(
                    json("{\"x\": [1, \"a\"], \"nmae\": \"earth\"}"), sampleInterface()));

    assertThat(e.problems())
        .containsExactly(
            "variable [x] at [1] expects [int] but found [str \"a\"]",
            "variable [name] of type [str] is missing; add it to the JSON object",
            "variable [ratio] of type [Optional[float]] is missing; add it to the JSON object",
            "variable [nmae] is unknown; the expected variables are [x, name, ratio]");
    assertThat(e).hasMessage(String.join("; ", e.problems()));
  }

  @Test
  void shouldSayObjectExpectedWhenWholeJsonIsNotObject() {
    assertThatThrownBy(() -> PlainJson.fromJson(json("[1, 2]"), sampleInterface()))
        .isInstanceOf(LiteralTypeException.class)
        .hasMessage(
            "plain JSON values must be an object with one key per variable [x, name, ratio], but"
                + " found [array of 2]");
  }

  @Test
  void shouldWriteValuesAsPlainJsonWhenLiteralsAreMixed() {
    Map<String, Literal> m = new LinkedHashMap<>();
    m.put("when", Literals.of(Instant.parse("2024-01-31T12:00:00Z")));
    m.put("took", Literals.of(Duration.ofMillis(250)));
    m.put("file", Literals.of(new Blob("s3://b/k", "csv", false)));
    m.put("maybe", LiteralsTest.union(Literals.of(2L), INT));
    m.put("none", Literals.none());
    m.put("list", Literals.collection(List.of(Literals.of("a"), Literals.none())));

    JsonNode written = PlainJson.toJson(Literals.map(m));

    assertThat(written)
        .isEqualTo(
            json(
                "{\"when\":\"2024-01-31T12:00:00Z\",\"took\":\"PT0.25S\","
                    + "\"file\":{\"uri\":\"s3://b/k\",\"format\":\"csv\"},"
                    + "\"maybe\":2,\"none\":null,\"list\":[\"a\",null]}"));
  }

  @Test
  void shouldWriteStructNumbersAsWrittenWhenIntegralOrNot() {
    JsonNode written = PlainJson.toJson(Literals.of(struct()));

    assertThat(written.get("n").isIntegralNumber()).isTrue();
    assertThat(written.get("f").doubleValue()).isEqualTo(1.5);
    assertThat(written.get("l").get(0).isIntegralNumber()).isTrue();
  }

  @Test
  void shouldSayNoPlainFormWhenLiteralIsBinary() {
    Literal binary =
        Literal.newBuilder()
            .setScalar(
                Scalar.newBuilder()
                    .setBinary(Binary.newBuilder().setValue(ByteString.copyFromUtf8("ab"))))
            .build();

    assertThatThrownBy(() -> PlainJson.toJson(binary))
        .isInstanceOf(UnsupportedOperationException.class)
        .hasMessage("Unsupported literal [binary of 2 bytes]: it has no plain JSON form");
    assertThatThrownBy(() -> PlainJson.toJson(Literal.getDefaultInstance()))
        .hasMessage("Unsupported literal [empty literal]: it has no plain JSON form");
  }

  @Test
  void shouldReadWhatJavaLiteralsWroteWhenRecordRoundTripsThroughJson() {
    RecordCodec<RecordCodecTest.AllTypes> codec = RecordCodec.of(RecordCodecTest.AllTypes.class);
    LiteralMap literals =
        LiteralMap.newBuilder().putAllLiterals(codec.toLiterals(RecordCodecTest.sample())).build();

    ObjectNode written = PlainJson.toJson(literals);
    LiteralMap back = PlainJson.fromJson(json(written.toString()), codec.toVariableMap());

    assertThat(codec.fromLiterals(back.getLiteralsMap())).isEqualTo(RecordCodecTest.sample());
  }

  // --- lists given by reference ------------------------------------------------------------------

  private static flyteidl.core.Interface.VariableMap listOfInts() {
    return flyteidl.core.Interface.VariableMap.newBuilder()
        .putVariables(
            "x",
            flyteidl.core.Interface.Variable.newBuilder().setType(LiteralTypes.listOf(INT)).build())
        .build();
  }

  private static Literal reference(String value) {
    return PlainJson.fromJson(json("{\"x\": " + value + "}"), listOfInts())
        .getLiteralsMap()
        .get("x");
  }

  @Test
  void shouldReadAListGivenByReferenceAsABlobOrAnOffloadedLiteral() {
    assertThat(reference("{\"uri\": \"/d/x.jsonl\"}"))
        .isEqualTo(Literals.of(new Blob("/d/x.jsonl", "jsonl", false)));
    assertThat(
            reference("{\"uri\": \"gs://b/parts/\", \"format\": \"ndjson\", \"multipart\": true}"))
        .isEqualTo(Literals.of(new Blob("gs://b/parts/", "ndjson", true)));
    assertThat(reference("{\"pattern\": \"/d/*.csv\"}"))
        .isEqualTo(Literals.of(new Blob("/d/*.csv", "", false)));
    assertThat(reference("{\"offloaded\": \"/d/list.pb\"}").getOffloadedMetadata().getUri())
        .isEqualTo("/d/list.pb");
    // Lists are still lists.
    assertThat(reference("[1, 2]").getCollection().getLiteralsCount()).isEqualTo(2);
  }

  @Test
  void shouldRefuseAMalformedListReferenceSayingWhatItTakes() {
    assertThatThrownBy(() -> reference("{\"pattern\": \"/d/one.csv\"}"))
        .isInstanceOf(LiteralTypeException.class)
        .hasMessageContaining("the pattern [/d/one.csv] has no *, ? or [");
    assertThatThrownBy(() -> reference("{\"uri\": \"/d/x\", \"pattern\": \"/d/*\"}"))
        .hasMessageContaining("must hold exactly one of uri, pattern and offloaded");
    assertThatThrownBy(() -> reference("{\"url\": \"/d/x\"}"))
        .hasMessageContaining("variable [x] has an unknown reference field [url]");
    assertThatThrownBy(() -> reference("{\"uri\": 3}")).hasMessageContaining("malformed reference");
  }
}
