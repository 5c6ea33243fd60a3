package org.flytebeam.exec.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.Duration;
import com.google.protobuf.Timestamp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class GoTextTest {

  @ParameterizedTest(name = "%v of {0} is {1}")
  @CsvSource({
    "1.0, 1",
    "0.5, 0.5",
    "0.1, 0.1",
    "-2.5, -2.5",
    "100.25, 100.25",
    "123456.0, 123456",
    "999999.5, 999999.5",
    "1000000.0, 1e+06",
    "1234567.0, 1.234567e+06",
    "0.0001, 0.0001",
    "0.00001, 1e-05",
    "1.0E21, 1e+21",
    "1.7976931348623157E308, 1.7976931348623157e+308",
    "4.9E-324, 5e-324",
    "0.30000000000000004, 0.30000000000000004",
    "-0.0, -0",
    "0.0, 0"
  })
  void shouldPrintFloatsAsGoPercentV(double value, String expected) {
    assertThat(GoText.formatFloatV(value)).isEqualTo(expected);
  }

  @Test
  void shouldPrintSpecialFloatsAsGo() {
    assertThat(GoText.formatFloatV(Double.NaN)).isEqualTo("NaN");
    assertThat(GoText.formatFloatV(Double.POSITIVE_INFINITY)).isEqualTo("+Inf");
    assertThat(GoText.formatFloatV(Double.NEGATIVE_INFINITY)).isEqualTo("-Inf");
  }

  @ParameterizedTest(name = "FormatFloat(''f'') of {0} is {1}")
  @CsvSource({
    "1.0, 1",
    "2.5, 2.5",
    "1.0E21, 1000000000000000000000",
    "1.0E-7, 0.0000001",
    "1234567.0, 1234567",
    "-0.125, -0.125"
  })
  void shouldPrintFloatsAsStrconvF(double value, String expected) {
    assertThat(GoText.formatFloatF(value)).isEqualTo(expected);
  }

  @ParameterizedTest(name = "JSON of {0} is {1}")
  @CsvSource({
    "1.0, 1",
    "1.0E-7, 1e-7",
    "1.0E21, 1e+21",
    "1.0E20, 100000000000000000000",
    "0.000001, 0.000001"
  })
  void shouldPrintFloatsAsGoJson(double value, String expected) {
    assertThat(GoText.formatFloatJson(value)).isEqualTo(expected);
  }

  @Test
  void shouldPrintTimestampsAsRfc3339Nano() {
    assertThat(GoText.formatTimestamp(Timestamp.newBuilder().setSeconds(1706702400).build()))
        .isEqualTo("2024-01-31T12:00:00Z");
    assertThat(
            GoText.formatTimestamp(
                Timestamp.newBuilder().setSeconds(1706702400).setNanos(500_000_000).build()))
        .isEqualTo("2024-01-31T12:00:00.5Z");
    assertThat(GoText.formatTimestamp(Timestamp.newBuilder().setSeconds(0).setNanos(123).build()))
        .isEqualTo("1970-01-01T00:00:00.000000123Z");
    assertThat(GoText.formatTimestamp(Timestamp.newBuilder().setSeconds(-62135596801L).build()))
        .startsWith("(timestamp: ");
  }

  @Test
  void shouldPrintProtoDurationsAsTheirText() {
    assertThat(GoText.formatDurationProto(Duration.newBuilder().setSeconds(90).build()))
        .isEqualTo("seconds:90");
    assertThat(
            GoText.formatDurationProto(
                Duration.newBuilder().setSeconds(1).setNanos(500_000_000).build()))
        .isEqualTo("seconds:1 nanos:500000000");
    assertThat(GoText.formatDurationProto(Duration.newBuilder().setNanos(-5).build()))
        .isEqualTo("nanos:-5");
    assertThat(GoText.formatDurationProto(Duration.getDefaultInstance())).isEmpty();
  }

  @ParameterizedTest(name = "time.Duration of {0}s {1}ns is {2}")
  @CsvSource({
    "0, 0, 0s",
    "1, 500000000, 1.5s",
    "90, 0, 1m30s",
    "60, 0, 1m0s",
    "3600, 0, 1h0m0s",
    "3723, 500000000, 1h2m3.5s",
    "0, 100000000, 100ms",
    "0, 1500000, 1.5ms",
    "0, 1000, 1\u00b5s",
    "0, 1, 1ns",
    "-1, -500000000, -1.5s"
  })
  void shouldPrintDurationsAsGoTimeDuration(long seconds, int nanos, String expected) {
    assertThat(
            GoText.formatGoDuration(
                Duration.newBuilder().setSeconds(seconds).setNanos(nanos).build()))
        .isEqualTo(expected);
  }

  @Test
  void shouldRefuseDurationsBeyondGosRange() {
    assertThatThrownBy(
            () ->
                GoText.formatGoDuration(
                    Duration.newBuilder().setSeconds(Long.MAX_VALUE / 10).build()))
        .isInstanceOf(ArithmeticException.class);
  }

  @Test
  void shouldParseBoolsAndFloatsAsGo() {
    assertThat(GoText.parseBool("True")).isTrue();
    assertThat(GoText.parseBool("0")).isFalse();
    assertThat(GoText.parseBool("yes")).isNull();
    assertThat(GoText.parseFloat("2.5")).isEqualTo(2.5);
    assertThat(GoText.parseFloat("-1e3")).isEqualTo(-1000.0);
    assertThat(GoText.parseFloat(".5")).isEqualTo(0.5);
    assertThat(GoText.parseFloat("+Inf")).isEqualTo(Double.POSITIVE_INFINITY);
    assertThat(GoText.parseFloat("NaN")).isNaN();
    assertThat(GoText.parseFloat("1d")).isNull();
    assertThat(GoText.parseFloat("abc")).isNull();
  }
}
