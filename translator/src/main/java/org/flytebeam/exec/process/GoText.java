package org.flytebeam.exec.process;

import com.google.protobuf.Duration;
import com.google.protobuf.Timestamp;
import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.time.Instant;

/**
 * Values as Flyte's Go code prints them, so that a process gets the text it would get on a Flyte
 * cluster: flytepropeller's command-line templates use {@code fmt}'s {@code %v} for numbers and
 * booleans, {@code ptypes.TimestampString} for datetimes and the proto message's {@code String()}
 * for durations; flytecopilot's input files use {@code strconv.FormatFloat(f, 'f', -1, 64)} for
 * floats and {@code time.Duration.String()} for durations.
 */
public final class GoText {
  private static final BigDecimal NANOS_PER_SECOND = BigDecimal.valueOf(1_000_000_000L);

  private GoText() {}

  /**
   * A float64 as Go's {@code %v} prints it: the shortest decimal that reads back as the same
   * double, in plain notation when its decimal exponent is within [-4, 6), else {@code 1e+06}
   * style. {@code 1.0} prints {@code 1}, {@code 123456.5} prints {@code 123456.5}, {@code 1e6}
   * prints {@code 1e+06}.
   */
  public static String formatFloatV(double v) {
    String special = special(v);
    if (special != null) {
      return special;
    }
    Digits d = shortest(v);
    int exp = d.pointPosition - 1;
    // fmt's %v is strconv's 'g' with the shortest precision, which uses 6 as its precision when
    // choosing between plain and exponential notation.
    return exp < -4 || exp >= 6 ? exponential(d) : plain(d);
  }

  /**
   * A float64 as {@code strconv.FormatFloat(v, 'f', -1, 64)}: shortest digits, never an exponent.
   */
  public static String formatFloatF(double v) {
    String special = special(v);
    return special != null ? special : plain(shortest(v));
  }

  /**
   * A float64 as Go's {@code encoding/json} writes it: plain, or exponential when the exponent is
   * below -6 or at least 21, with the exponent's leading zero dropped ({@code 1e-7}).
   */
  public static String formatFloatJson(double v) {
    if (Double.isNaN(v) || Double.isInfinite(v)) {
      throw new IllegalArgumentException("JSON cannot hold [" + v + "]");
    }
    Digits d = shortest(v);
    int exp = d.pointPosition - 1;
    if (exp < -6 || exp >= 21) {
      String e = exponential(d);
      // Go's encoder writes e-07 as e-7.
      int at = e.indexOf('e');
      String sign = e.substring(at + 1, at + 2);
      String digits = e.substring(at + 2).replaceFirst("^0(?=\\d)", "");
      return e.substring(0, at + 1) + sign + digits;
    }
    return plain(d);
  }

  private static String special(double v) {
    if (Double.isNaN(v)) {
      return "NaN";
    }
    if (v == Double.POSITIVE_INFINITY) {
      return "+Inf";
    }
    if (v == Double.NEGATIVE_INFINITY) {
      return "-Inf";
    }
    return null;
  }

  /**
   * Decimal digits (no leading or trailing zeros) and where the point goes: 0.d1d2.. x 10^point.
   */
  private record Digits(boolean negative, String digits, int pointPosition) {}

  private static Digits shortest(double v) {
    boolean negative = v < 0 || (v == 0 && 1 / v < 0);
    if (v == 0) {
      return new Digits(negative, "0", 1);
    }
    BigDecimal exact = new BigDecimal(Math.abs(v));
    // The correctly rounded p-digit decimal is the closest one, so the first p at which it reads
    // back as the same double gives the shortest representation Go's algorithm finds.
    for (int p = 1; p <= 17; p++) {
      BigDecimal rounded = exact.round(new MathContext(p, RoundingMode.HALF_EVEN));
      if (rounded.doubleValue() == Math.abs(v)) {
        return digits(negative, rounded);
      }
    }
    return digits(negative, exact.round(new MathContext(17, RoundingMode.HALF_EVEN)));
  }

  private static Digits digits(boolean negative, BigDecimal value) {
    BigDecimal stripped = value.stripTrailingZeros();
    String unscaled = stripped.unscaledValue().toString();
    // value = unscaled x 10^-scale = 0.unscaled x 10^(length - scale)
    return new Digits(negative, unscaled, unscaled.length() - stripped.scale());
  }

  private static String plain(Digits d) {
    StringBuilder s = new StringBuilder();
    if (d.negative) {
      s.append('-');
    }
    String digits = d.digits;
    int point = d.pointPosition;
    if (point <= 0) {
      s.append("0.");
      s.append("0".repeat(-point));
      s.append(digits);
    } else if (point >= digits.length()) {
      s.append(digits);
      s.append("0".repeat(point - digits.length()));
    } else {
      s.append(digits, 0, point).append('.').append(digits, point, digits.length());
    }
    return s.toString();
  }

  private static String exponential(Digits d) {
    StringBuilder s = new StringBuilder();
    if (d.negative) {
      s.append('-');
    }
    s.append(d.digits.charAt(0));
    if (d.digits.length() > 1) {
      s.append('.').append(d.digits, 1, d.digits.length());
    }
    int exp = d.pointPosition - 1;
    s.append('e').append(exp < 0 ? '-' : '+');
    int abs = Math.abs(exp);
    if (abs < 10) {
      s.append('0');
    }
    s.append(abs);
    return s.toString();
  }

  /**
   * A timestamp as {@code ptypes.TimestampString}: RFC 3339 in UTC with as many fraction digits as
   * needed ({@code 2024-01-31T12:00:00.5Z}); Go's own error text in parentheses when out of range.
   */
  public static String formatTimestamp(Timestamp ts) {
    // Go's valid range: 0001-01-01T00:00:00Z to 9999-12-31T23:59:59.999999999Z.
    if (ts.getSeconds() < -62135596800L) {
      return "(timestamp: " + describe(ts) + " before 0001-01-01)";
    }
    if (ts.getSeconds() >= 253402300800L) {
      return "(timestamp: " + describe(ts) + " after 10000-01-01)";
    }
    if (ts.getNanos() < 0 || ts.getNanos() >= 1_000_000_000) {
      return "(timestamp: " + describe(ts) + ": nanos not in range [0, 1e9))";
    }
    Instant instant = Instant.ofEpochSecond(ts.getSeconds(), ts.getNanos());
    String whole =
        java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss")
            .withZone(java.time.ZoneOffset.UTC)
            .format(instant);
    return whole + fraction(ts.getNanos()) + "Z";
  }

  private static String describe(Timestamp ts) {
    return "seconds:" + ts.getSeconds() + " nanos:" + ts.getNanos();
  }

  /** {@code .5} for 500000000 nanos, empty for 0: RFC3339Nano's fraction, trailing zeros cut. */
  private static String fraction(int nanos) {
    if (nanos == 0) {
      return "";
    }
    String digits = String.format("%09d", nanos).replaceFirst("0+$", "");
    return "." + digits;
  }

  /**
   * A proto Duration as its Go message's {@code String()}, the proto text format: {@code seconds:90
   * nanos:500000000}, fields at zero left out (the zero duration is empty). Go's text format may
   * put two spaces between fields on some builds; one is used here.
   */
  // Seconds and nanos are both read, in separate fields of the text, as Go writes them.
  @SuppressWarnings("ProtoDurationGetSecondsGetNano")
  public static String formatDurationProto(Duration d) {
    StringBuilder s = new StringBuilder();
    if (d.getSeconds() != 0) {
      s.append("seconds:").append(d.getSeconds());
    }
    if (d.getNanos() != 0) {
      if (s.length() > 0) {
        s.append(' ');
      }
      s.append("nanos:").append(d.getNanos());
    }
    return s.toString();
  }

  /**
   * A duration as Go's {@code time.Duration.String()}: {@code 1h2m3.5s}, {@code 1m0s}, {@code 0s};
   * below one second in ms, µs or ns ({@code 1.5ms}).
   *
   * @throws ArithmeticException when it does not fit Go's int64 nanoseconds (about 292 years)
   */
  public static String formatGoDuration(Duration d) {
    BigDecimal nanos =
        BigDecimal.valueOf(d.getSeconds())
            .multiply(NANOS_PER_SECOND)
            .add(BigDecimal.valueOf(d.getNanos()));
    long total = nanos.longValueExact();
    if (total == 0) {
      return "0s";
    }
    boolean negative = total < 0;
    // Long.MIN_VALUE has no positive twin; BigDecimal keeps the magnitude exact.
    BigDecimal magnitude = nanos.abs();
    StringBuilder s = new StringBuilder(negative ? "-" : "");
    if (magnitude.compareTo(NANOS_PER_SECOND) < 0) {
      long n = magnitude.longValueExact();
      if (n < 1_000) {
        return s.append(n).append("ns").toString();
      }
      if (n < 1_000_000) {
        return s.append(decimal(n, 3)).append("\u00b5s").toString();
      }
      return s.append(decimal(n, 6)).append("ms").toString();
    }
    BigDecimal[] secondsAndNanos = magnitude.divideAndRemainder(NANOS_PER_SECOND);
    long seconds = secondsAndNanos[0].longValueExact();
    long fractionNanos = secondsAndNanos[1].longValueExact();
    long hours = seconds / 3600;
    long minutes = (seconds / 60) % 60;
    long secs = seconds % 60;
    if (hours > 0) {
      s.append(hours).append('h');
    }
    if (hours > 0 || minutes > 0) {
      s.append(minutes).append('m');
    }
    s.append(decimal(secs * 1_000_000_000L + fractionNanos, 9)).append('s');
    return s.toString();
  }

  /** {@code value / 10^scale} with trailing fraction zeros (and a bare point) removed. */
  private static String decimal(long value, int scale) {
    return BigDecimal.valueOf(value, scale).stripTrailingZeros().toPlainString();
  }

  /** Go's {@code strconv.ParseBool}: 1, t, T, TRUE, true, True and their false twins. */
  public static Boolean parseBool(String s) {
    switch (s) {
      case "1", "t", "T", "TRUE", "true", "True":
        return Boolean.TRUE;
      case "0", "f", "F", "FALSE", "false", "False":
        return Boolean.FALSE;
      default:
        return null;
    }
  }

  /**
   * Go's {@code strconv.ParseFloat} for decimal text: digits with an optional exponent, {@code
   * inf}/{@code infinity}/{@code nan} in any case; null when it is not a number. Java's own
   * suffixes ({@code 1d}, {@code 2f}) are not numbers here.
   */
  public static Double parseFloat(String s) {
    String lower = s.toLowerCase(java.util.Locale.ROOT);
    String unsigned = lower.startsWith("+") || lower.startsWith("-") ? lower.substring(1) : lower;
    if (unsigned.equals("inf") || unsigned.equals("infinity")) {
      return lower.startsWith("-") ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
    }
    if (unsigned.equals("nan")) {
      return Double.NaN;
    }
    if (!lower.matches("[+-]?(\\d+\\.?\\d*|\\.\\d+)(e[+-]?\\d+)?")) {
      return null;
    }
    return Double.parseDouble(s);
  }
}
