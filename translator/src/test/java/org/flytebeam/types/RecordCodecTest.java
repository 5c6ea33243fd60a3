package org.flytebeam.types;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import flyteidl.core.Interface.Variable;
import flyteidl.core.Interface.VariableMap;
import flyteidl.core.Literals.Literal;
import flyteidl.core.Types.LiteralType;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.lang.reflect.Field;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.flytebeam.FlyteBeamException;
import org.junit.jupiter.api.Test;

class RecordCodecTest {
  enum Mode {
    FAST,
    SLOW
  }

  public record Input(long a, Optional<String> b, List<Double> c) {}

  public record AllTypes(
      long l,
      int i,
      short s,
      double d,
      float f,
      boolean flag,
      String text,
      Instant at,
      Duration took,
      Optional<Long> maybe,
      List<List<Long>> grid,
      Map<String, Optional<Double>> scores,
      Struct config,
      Mode mode,
      Blob file) {}

  public record Empty() {}

  private record Hidden(String secret) {}

  public record Positive(long n) {
    public Positive {
      if (n <= 0) {
        throw new IllegalArgumentException("n [" + n + "] must be positive");
      }
    }
  }

  public record Unsupported(long ok, Set<String> tags) {}

  public record Generic<T>(T value) {}

  static AllTypes sample() {
    Map<String, Optional<Double>> scores = new LinkedHashMap<>();
    scores.put("x", Optional.of(0.5));
    scores.put("y", Optional.empty());
    return new AllTypes(
        1L << 40,
        -3,
        (short) 7,
        0.25,
        1.5f,
        true,
        "héllo",
        Instant.parse("2024-01-31T12:00:00.5Z"),
        Duration.ofSeconds(90),
        Optional.of(9L),
        List.of(List.of(1L, 2L), List.of()),
        scores,
        Struct.newBuilder().putFields("k", Value.newBuilder().setBoolValue(true).build()).build(),
        Mode.SLOW,
        new Blob("s3://bucket/data.csv", "csv", false));
  }

  @Test
  void shouldRoundTripWhenRecordHasEveryType() {
    RecordCodec<AllTypes> codec = RecordCodec.of(AllTypes.class);
    AllTypes value = sample();

    Map<String, Literal> literals = codec.toLiterals(value);

    assertThat(literals.keySet())
        .containsExactly(
            "l", "i", "s", "d", "f", "flag", "text", "at", "took", "maybe", "grid", "scores",
            "config", "mode", "file");
    assertThat(literals.get("mode")).isEqualTo(Literals.of("SLOW"));
    assertThat(literals.get("scores").getMap().getLiteralsMap().get("y"))
        .isEqualTo(Literals.none());
    assertThat(codec.fromLiterals(literals)).isEqualTo(value);
  }

  @Test
  void shouldCheckAgainstItsOwnVariablesWhenWritten() {
    RecordCodec<AllTypes> codec = RecordCodec.of(AllTypes.class);
    Map<String, Literal> literals = codec.toLiterals(sample());

    codec
        .variables()
        .forEach((name, type) -> Literals.check("output", name, literals.get(name), type));

    assertThat(codec.variables()).hasSameSizeAs(literals);
  }

  @Test
  void shouldRoundTripWhenOptionalIsEmpty() {
    RecordCodec<Input> codec = RecordCodec.of(Input.class);
    Input input = new Input(1, Optional.empty(), List.of(0.5, 1.5));

    Map<String, Literal> literals = codec.toLiterals(input);

    assertThat(literals.get("b")).isEqualTo(Literals.none());
    assertThat(codec.fromLiterals(literals)).isEqualTo(input);
  }

  @Test
  // A record built by hand may hold null where an Optional is declared: that is what is tested.
  @SuppressWarnings("NullOptional")
  void shouldWriteNoneWhenOptionalComponentIsNull() {
    Map<String, Literal> literals =
        RecordCodec.of(Input.class).toLiterals(new Input(1, null, List.of()));

    assertThat(literals.get("b")).isEqualTo(Literals.none());
  }

  @Test
  void shouldDeriveVariablesInComponentOrderWhenAsked() {
    Map<String, LiteralType> variables = RecordCodec.of(Input.class).variables();

    assertThat(variables.keySet()).containsExactly("a", "b", "c");
    assertThat(variables.values())
        .extracting(LiteralTypes::describe)
        .containsExactly("int", "Optional[str]", "List[float]");
    assertThatThrownBy(() -> variables.put("d", LiteralType.getDefaultInstance()))
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void shouldBuildVariableMapWhenAsked() {
    VariableMap map = RecordCodec.of(Input.class).toVariableMap();

    assertThat(map.getVariablesMap().keySet()).containsExactly("a", "b", "c");
    assertThat(map.getVariablesMap().get("c"))
        .isEqualTo(
            Variable.newBuilder()
                .setType(LiteralTypes.listOf(LiteralTypes.of(double.class)))
                .build());
  }

  @Test
  void shouldHaveNoVariablesWhenRecordIsEmpty() {
    RecordCodec<Empty> codec = RecordCodec.of(Empty.class);

    assertThat(codec.variables()).isEmpty();
    assertThat(codec.toLiterals(new Empty())).isEmpty();
    assertThat(codec.fromLiterals(Map.of("ignored", Literals.of(1L)))).isEqualTo(new Empty());
  }

  @Test
  void shouldGiveTheLiteralListInVariableOrderAsTheMapHasThem() {
    RecordCodec<AllTypes> codec = RecordCodec.of(AllTypes.class);

    List<Literal> list = codec.toLiteralList(sample());

    Map<String, Literal> map = codec.toLiterals(sample());
    assertThat(list).containsExactlyElementsOf(map.values());
    assertThat(new ArrayList<>(map.keySet())).containsExactlyElementsOf(codec.variables().keySet());
    assertThat(list.get(0)).isEqualTo(Literals.of(1L << 40));
    assertThat(
            RecordCodec.of(Input.class)
                .toLiteralList(new Input(3, Optional.empty(), List.of()))
                .get(0))
        .isEqualTo(Literals.of(3L));
    assertThat(RecordCodec.of(Empty.class).toLiteralList(new Empty())).isEmpty();
    assertThatThrownBy(() -> list.add(Literals.of(1L)))
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void shouldKeepPrimitiveComponentsAsValuesAndTheRestAsLiterals() {
    RecordCodec<AllTypes> codec = RecordCodec.of(AllTypes.class);
    AllTypes value =
        new AllTypes(
            -5,
            Integer.MIN_VALUE,
            (short) -7,
            Double.NaN,
            0.1f,
            false,
            "",
            Instant.EPOCH,
            Duration.ZERO,
            Optional.of(3L),
            List.of(),
            Map.of(),
            Struct.getDefaultInstance(),
            Mode.SLOW,
            new Blob("file:///tmp/x", "csv", false));

    LiteralList list = (LiteralList) codec.toLiteralList(value);

    // int, float, str, bool and an enum's name as values; the float of a Java float through its
    // shortest text, as its literal is
    assertThat(list.value(0)).isEqualTo(-5L);
    assertThat(list.value(1)).isEqualTo((long) Integer.MIN_VALUE);
    assertThat(list.value(2)).isEqualTo(-7L);
    assertThat(list.value(3)).isEqualTo(Double.NaN);
    assertThat(list.value(4)).isEqualTo(0.1);
    assertThat(list.value(5)).isEqualTo(false);
    assertThat(list.value(6)).isEqualTo("");
    assertThat(list.value(13)).isEqualTo("SLOW");
    assertThat(list.value(7)).isInstanceOf(Literal.class);
    assertThat(list.value(9)).isInstanceOf(Literal.class);
    // and each is the literal the map path makes
    assertThat(list).containsExactlyElementsOf(codec.toLiterals(value).values());
  }

  @Test
  void shouldRefuseANullPrimitiveComponentAsTheMapPathDoes() {
    RecordCodec<AllTypes> codec = RecordCodec.of(AllTypes.class);
    AllTypes value =
        new AllTypes(
            1,
            2,
            (short) 3,
            4,
            5,
            true,
            null,
            Instant.EPOCH,
            Duration.ZERO,
            Optional.empty(),
            List.of(),
            Map.of(),
            Struct.getDefaultInstance(),
            Mode.FAST,
            new Blob("file:///tmp/x", "csv", false));

    assertThatThrownBy(() -> codec.toLiteralList(value))
        .isInstanceOf(LiteralTypeException.class)
        .hasMessageContaining("variable [text] of record [RecordCodecTest.AllTypes]");
    assertThatThrownBy(() -> codec.toLiterals(value))
        .isInstanceOf(LiteralTypeException.class)
        .hasMessageContaining("variable [text] of record [RecordCodecTest.AllTypes]");
  }

  @Test
  void shouldIgnoreExtraVariablesWhenReading() {
    Map<String, Literal> literals =
        new HashMap<>(
            RecordCodec.of(Input.class).toLiterals(new Input(2, Optional.of("x"), List.of())));
    literals.put("extra", Literals.of("ignored"));

    assertThat(RecordCodec.of(Input.class).fromLiterals(literals))
        .isEqualTo(new Input(2, Optional.of("x"), List.of()));
  }

  @Test
  void shouldNameMissingVariableWhenReading() {
    Map<String, Literal> literals = new LinkedHashMap<>();
    literals.put("a", Literals.of(1L));
    literals.put("c", Literals.collection(List.of()));

    assertThatThrownBy(() -> RecordCodec.of(Input.class).fromLiterals(literals))
        .isInstanceOf(LiteralTypeException.class)
        .hasMessage(
            "record [RecordCodecTest.Input] needs variable [b] of type [Optional[str]] but it is"
                + " missing; given variables are [a, c]");
  }

  @Test
  void shouldNameVariableWhenLiteralDoesNotFit() {
    assertThatThrownBy(
            () ->
                RecordCodec.of(Input.class)
                    .fromLiterals(
                        Map.of(
                            "a", Literals.of("x"),
                            "b", Literals.none(),
                            "c", Literals.collection(List.of()))))
        .isInstanceOf(LiteralTypeException.class)
        .hasMessage(
            "variable [a] of record [RecordCodecTest.Input] expects [int] but found [str \"x\"]");
  }

  @Test
  void shouldNamePathWhenNestedLiteralDoesNotFit() {
    Map<String, Literal> literals =
        new HashMap<>(
            RecordCodec.of(Input.class).toLiterals(new Input(1, Optional.empty(), List.of(1.0))));
    literals.put("c", Literals.collection(List.of(Literals.of(1.0), Literals.of("x"))));

    assertThatThrownBy(() -> RecordCodec.of(Input.class).fromLiterals(literals))
        .isInstanceOf(LiteralTypeException.class)
        .hasMessage(
            "variable [c] of record [RecordCodecTest.Input] at [1] expects [float] but found [str"
                + " \"x\"]");
  }

  @Test
  void shouldNameComponentWhenValueIsNullButNotOptional() {
    assertThatThrownBy(
            () -> RecordCodec.of(Input.class).toLiterals(new Input(1, Optional.empty(), null)))
        .isInstanceOf(LiteralTypeException.class)
        .hasMessage(
            "variable [c] of record [RecordCodecTest.Input] expects [List[float]] but found"
                + " [null]");
  }

  @Test
  void shouldNameIndexWhenListElementIsNull() {
    List<Double> withNull = new ArrayList<>();
    withNull.add(1.0);
    withNull.add(null);

    assertThatThrownBy(
            () -> RecordCodec.of(Input.class).toLiterals(new Input(1, Optional.empty(), withNull)))
        .hasMessage(
            "variable [c] of record [RecordCodecTest.Input] at [1] expects [float] but found"
                + " [null]");
  }

  @Test
  void shouldWorkWhenRecordIsPrivate() {
    RecordCodec<Hidden> codec = RecordCodec.of(Hidden.class);

    assertThat(codec.fromLiterals(codec.toLiterals(new Hidden("s")))).isEqualTo(new Hidden("s"));
  }

  @Test
  void shouldWrapWhenRecordConstructorRejectsValues() {
    assertThatThrownBy(
            () -> RecordCodec.of(Positive.class).fromLiterals(Map.of("n", Literals.of(-1L))))
        .isInstanceOf(FlyteBeamException.class)
        .hasMessage(
            "record [RecordCodecTest.Positive] rejected its values:"
                + " java.lang.IllegalArgumentException: n [-1] must be positive")
        .hasCauseInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void shouldNameComponentWhenItsTypeIsUnsupported() {
    assertThatThrownBy(() -> RecordCodec.of(Unsupported.class))
        .isInstanceOf(LiteralTypeException.class)
        .hasMessageStartingWith(
            "variable [tags] of record [RecordCodecTest.Unsupported]: Java type"
                + " [java.util.Set<java.lang.String>] is not supported; supported types are:"
                + " long,");
  }

  @Test
  void shouldSayUseConcreteTypeWhenRecordIsGeneric() {
    assertThatThrownBy(() -> RecordCodec.of(Generic.class))
        .isInstanceOf(LiteralTypeException.class)
        .hasMessageStartingWith(
            "variable [value] of record [RecordCodecTest.Generic]: Java type [T] is not supported:"
                + " it is a type variable [T]; use a concrete type instead;");
  }

  @Test
  @SuppressWarnings({"unchecked", "rawtypes"})
  void shouldSayDeclareRecordWhenClassIsNotRecord() {
    Class notRecord = String.class;

    assertThatThrownBy(() -> RecordCodec.of(notRecord))
        .isInstanceOf(LiteralTypeException.class)
        .hasMessage(
            "class [java.lang.String] is not a record; declare task inputs and outputs as records");
  }

  @Test
  void shouldReturnSameCodecWhenAskedTwice() {
    assertThat(RecordCodec.of(Input.class)).isSameAs(RecordCodec.of(Input.class));
    assertThat(RecordCodec.of(Input.class).type()).isEqualTo(Input.class);
    assertThat(RecordCodec.of(Input.class))
        .hasToString("RecordCodec[" + Input.class.getName() + " [a, b, c]]");
  }

  @Test
  void shouldWorkWhenDeserialized() throws Exception {
    RecordCodec<AllTypes> codec = RecordCodec.of(AllTypes.class);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(codec);
    }

    Object back;
    try (ObjectInputStream in =
        new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
      back = in.readObject();
    }

    assertThat(back).isSameAs(codec);
    @SuppressWarnings("unchecked")
    RecordCodec<AllTypes> deserialized = (RecordCodec<AllTypes>) back;
    assertThat(deserialized.fromLiterals(deserialized.toLiterals(sample()))).isEqualTo(sample());
  }

  @Test
  void shouldRebuildStateWhenTransientFieldsAreLost() throws Exception {
    // given: what a serializer that skips readResolve and transient fields (e.g. Kryo) leaves
    RecordCodec<Input> codec = RecordCodec.of(Input.class);
    Field state = RecordCodec.class.getDeclaredField("state");
    state.setAccessible(true);
    state.set(codec, null);

    // when
    Input back = codec.fromLiterals(codec.toLiterals(new Input(3, Optional.of("z"), List.of(2.0))));

    // then
    assertThat(back).isEqualTo(new Input(3, Optional.of("z"), List.of(2.0)));
    assertThat(state.get(codec)).isNotNull();
  }

  @Test
  void shouldConvertManyRecordsWhenCalledOnHotPath() {
    // A smoke benchmark, cheap enough for every build: it checks every result and prints the time
    // per round trip after a warm-up. Not a JMH measurement; use it to spot regressions by eye.
    RecordCodec<Input> codec = RecordCodec.of(Input.class);
    int warmUp = 50_000;
    int n = 200_000;
    long sum = 0;
    long start = 0;
    for (int i = 0; i < warmUp + n; i++) {
      if (i == warmUp) {
        start = System.nanoTime();
        sum = 0;
      }
      Input back =
          codec.fromLiterals(codec.toLiterals(new Input(i, Optional.of("s"), List.of(0.5))));
      sum += back.a();
    }
    long elapsed = System.nanoTime() - start;
    System.out.printf(
        "RecordCodec round trip (toLiterals + fromLiterals) of a 3-component record: %d ns/op"
            + " over %d ops%n",
        elapsed / n, n);

    long expected = 0;
    for (long i = warmUp; i < warmUp + n; i++) {
      expected += i;
    }
    assertThat(sum).isEqualTo(expected);
  }
}
