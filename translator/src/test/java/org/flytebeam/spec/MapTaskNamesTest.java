package org.flytebeam.spec;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/** Expected hashes computed with Python's {@code hashlib.md5} over flytekit's format. */
class MapTaskNamesTest {
  private static final OptionalInt NO_CONCURRENCY = OptionalInt.empty();
  private static final OptionalLong NO_MIN = OptionalLong.empty();
  private static final Optional<Float> RATIO_1 = Optional.of(1.0f);

  @Test
  void shouldUseFlytekitDefaultHashWhenNothingIsSet() {
    String name =
        MapTaskNames.arrayNode("examples", "to_upper", List.of(), NO_CONCURRENCY, NO_MIN, RATIO_1);

    assertThat(name).isEqualTo("examples.map_to_upper_6b3bd0353da5de6e84d7982921ead2b3-arraynode");
    assertThat(MapTaskNames.md5Hex("NoneNone1.0")).isEqualTo(MapTaskNames.DEFAULT_ARRAY_NODE_HASH);
  }

  @Test
  void shouldHashConcurrencyWhenSet() {
    assertThat(MapTaskNames.arrayNode("m", "f", List.of(), OptionalInt.of(4), NO_MIN, RATIO_1))
        .isEqualTo("m.map_f_a8f2749e939d42b24821878ff264334f-arraynode"); // md5("4None1.0")
  }

  @Test
  void shouldHashMinSuccessesBeforeTheDefaultRatioWhenSet() {
    // map_task(f, min_successes=3) keeps its default ratio 1.0 in the hash: "None31.0"
    assertThat(
            MapTaskNames.arrayNode(
                "m", "f", List.of(), NO_CONCURRENCY, OptionalLong.of(3), RATIO_1))
        .isEqualTo("m.map_f_34e40dcf32ab1425446d91cf20760b08-arraynode");
  }

  @Test
  void shouldHashSortedBoundInputsAndPythonFloatWhenAllAreSet() {
    // "a,b" + "2" + "None" + "0.5"
    assertThat(
            MapTaskNames.arrayNode(
                "m", "f", List.of("b", "a"), OptionalInt.of(2), NO_MIN, Optional.of(0.5f)))
        .isEqualTo("m.map_f_2726c22f83f209911aa185f54520daec-arraynode");
    // "c" + "None" + "None" + "1.0"
    assertThat(MapTaskNames.arrayNode("m", "f", List.of("c"), NO_CONCURRENCY, NO_MIN, RATIO_1))
        .isEqualTo("m.map_f_7df6892fe8ce5343c76197a0b6127e80-arraynode");
  }

  @Test
  void shouldWriteTheRatioAsPythonDoesWhenItIsNotExactInFloat32() {
    // str(0.271828) is "0.271828" in Python, not the float32's 0.2718279957771301
    assertThat(
            MapTaskNames.arrayNode(
                "m", "f", List.of(), NO_CONCURRENCY, NO_MIN, Optional.of(0.271828f)))
        .isEqualTo("m.map_f_04ae6f3f146e4d00740ccbaaec3700ad-arraynode");
    assertThat(
            MapTaskNames.arrayNode(
                "m", "f", List.of(), NO_CONCURRENCY, NO_MIN, Optional.of(0.00001f)))
        .isEqualTo("m.map_f_c8f29934e211381dddf20556ed9d842f-arraynode"); // "NoneNone1e-05"
    assertThat(
            MapTaskNames.arrayNode("m", "f", List.of(), NO_CONCURRENCY, NO_MIN, Optional.of(0.75f)))
        .isEqualTo("m.map_f_326c0cba8373510ae31dc6d9cecf601a-arraynode");
  }

  @Test
  void shouldFormatFloatsAsPythonStrWhenAsked() {
    assertThat(MapTaskNames.pythonStr(1.0f)).isEqualTo("1.0");
    assertThat(MapTaskNames.pythonStr(0.5f)).isEqualTo("0.5");
    assertThat(MapTaskNames.pythonStr(0f)).isEqualTo("0.0");
    assertThat(MapTaskNames.pythonStr(0.1f)).isEqualTo("0.1");
    assertThat(MapTaskNames.pythonStr(0.999999f)).isEqualTo("0.999999");
    assertThat(MapTaskNames.pythonStr(0.0001f)).isEqualTo("0.0001");
    assertThat(MapTaskNames.pythonStr(0.00001f)).isEqualTo("1e-05");
    assertThat(MapTaskNames.pythonStr(1.5e-7f)).isEqualTo("1.5e-07");
    assertThat(MapTaskNames.pythonStr(10f)).isEqualTo("10.0");
    assertThat(MapTaskNames.pythonStr((float) 1e16)).isEqualTo("1e+16");
    assertThat(MapTaskNames.pythonStr(Float.NaN)).isEqualTo("nan");
  }

  @Test
  void shouldHashOnlyBoundInputsWhenLegacy() {
    assertThat(MapTaskNames.legacy("examples", "to_upper", List.of()))
        .isEqualTo("examples.map_to_upper_d41d8cd98f00b204e9800998ecf8427e");
    assertThat(MapTaskNames.legacy("m", "f", List.of("c")))
        .isEqualTo("m.map_f_4a8a08f09d37b73795649038408b5f33");
    assertThat(MapTaskNames.legacy("m", "f", List.of("c", "a")))
        .isEqualTo("m.map_f_f24f071a6ff25db0c9da484cbe06a17a"); // md5("a,c")
  }

  @Test
  void shouldSortBoundInputsByCodePointWhenJoining() {
    assertThat(MapTaskNames.boundCsv(List.of("b", "B", "a", "_x"))).isEqualTo("B,_x,a,b");
  }
}
