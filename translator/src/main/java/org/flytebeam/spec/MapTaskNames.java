package org.flytebeam.spec;

import static java.util.Objects.requireNonNull;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collection;
import java.util.HexFormat;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * flytekit's names for map tasks, so that a map built here has the name flytekit would give it (and
 * so the same cache keys and registration identity).
 *
 * <ul>
 *   <li>ArrayNode: {@code {module}.map_{fn}_{md5(bound + concurrency + min_successes +
 *       min_success_ratio)}-arraynode}, each value as Python's {@code str()} writes it ({@code
 *       None}, {@code 4}, {@code 1.0}); the default {@code md5("NoneNone1.0")} is {@value
 *       #DEFAULT_ARRAY_NODE_HASH}.
 *   <li>Legacy, as flytekit 1.16's {@code MapPythonTask} names it: {@code
 *       {module}.map_{fn}_{md5(bound)}}, no suffix; without bound inputs {@code md5("")} = {@value
 *       #NO_BOUND_INPUTS_HASH}. Flytekit 1.4 and before wrote {@code {module}.mapper_{fn}_{index}};
 *       such names are read like any other (a name is an identity, never parsed) but not written.
 * </ul>
 *
 * <p>{@code bound} is the bound input names, sorted, joined by {@code ","} with no spaces.
 */
public final class MapTaskNames {
  /** The hash of flytekit's {@code map_task(fn)} with every setting left at its default. */
  public static final String DEFAULT_ARRAY_NODE_HASH = "6b3bd0353da5de6e84d7982921ead2b3";

  /** The hash of a legacy map task without bound inputs: {@code md5("")}. */
  public static final String NO_BOUND_INPUTS_HASH = "d41d8cd98f00b204e9800998ecf8427e";

  private MapTaskNames() {}

  /**
   * The ArrayNode map task name, e.g. {@code examples.map_to_upper_6b3b...-arraynode}.
   *
   * @param module the Python module, or for a Java task its class's package
   * @param fn the function, or for a Java task the task name
   * @param minSuccessRatio as passed to {@code map_task}, whose default is {@code 1.0}
   */
  public static String arrayNode(
      String module,
      String fn,
      Collection<String> boundInputs,
      OptionalInt concurrency,
      OptionalLong minSuccesses,
      Optional<Float> minSuccessRatio) {
    String hashed =
        boundCsv(boundInputs)
            + (concurrency.isPresent() ? Integer.toString(concurrency.getAsInt()) : "None")
            + (minSuccesses.isPresent() ? Long.toString(minSuccesses.getAsLong()) : "None")
            + minSuccessRatio.map(MapTaskNames::pythonStr).orElse("None");
    return prefix(module) + "map_" + fn + "_" + md5Hex(hashed) + "-arraynode";
  }

  /** The legacy ({@code container_array}) map task name, e.g. {@code examples.map_f_d41d...}. */
  public static String legacy(String module, String fn, Collection<String> boundInputs) {
    return prefix(module) + "map_" + fn + "_" + md5Hex(boundCsv(boundInputs));
  }

  /** The bound input names sorted as Python sorts strings (by code point), joined by commas. */
  public static String boundCsv(Collection<String> boundInputs) {
    return String.join(",", boundInputs.stream().sorted(MapTaskNames::compareCodePoints).toList());
  }

  private static String prefix(String module) {
    requireNonNull(module, "module");
    // A class in the default package has no module: no leading dot then.
    return module.isEmpty() ? "" : module + ".";
  }

  private static int compareCodePoints(String a, String b) {
    int[] x = a.codePoints().toArray();
    int[] y = b.codePoints().toArray();
    return java.util.Arrays.compare(x, y);
  }

  static String md5Hex(String text) {
    try {
      MessageDigest md5 = MessageDigest.getInstance("MD5");
      return HexFormat.of().formatHex(md5.digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError("every Java platform has MD5", e);
    }
  }

  /**
   * The float as Python's {@code str()} writes the float a user typed: the shortest decimal that
   * reads back as the same float32 ({@code 0.271828}, not {@code 0.27182799577713013}), in Python's
   * repr layout ({@code 1.0}, {@code 0.0001}, {@code 1e-05}, {@code 1e+16}).
   */
  static String pythonStr(float value) {
    if (Float.isNaN(value)) {
      return "nan";
    }
    if (Float.isInfinite(value)) {
      return value > 0 ? "inf" : "-inf";
    }
    if (value == 0f) {
      return (Float.floatToRawIntBits(value) < 0) ? "-0.0" : "0.0";
    }
    BigDecimal shortest = shortestDecimal(value);
    String sign = shortest.signum() < 0 ? "-" : "";
    BigDecimal abs = shortest.abs();
    String digits = abs.unscaledValue().toString();
    // value = 0.digits * 10^decimalPoint, as CPython's float_repr counts it.
    int decimalPoint = digits.length() - abs.scale();
    if (decimalPoint > -4 && decimalPoint <= 16) {
      return sign + fixed(digits, decimalPoint);
    }
    String mantissa = digits.length() == 1 ? digits : digits.charAt(0) + "." + digits.substring(1);
    int exponent = decimalPoint - 1;
    return sign
        + mantissa
        + "e"
        + (exponent < 0 ? "-" : "+")
        + String.format("%02d", Math.abs(exponent));
  }

  private static String fixed(String digits, int decimalPoint) {
    if (decimalPoint <= 0) {
      return "0." + "0".repeat(-decimalPoint) + digits;
    }
    if (decimalPoint >= digits.length()) {
      return digits + "0".repeat(decimalPoint - digits.length()) + ".0";
    }
    return digits.substring(0, decimalPoint) + "." + digits.substring(decimalPoint);
  }

  private static BigDecimal shortestDecimal(float value) {
    BigDecimal exact = new BigDecimal(value);
    for (int precision = 1; precision <= 9; precision++) {
      BigDecimal candidate = exact.round(new MathContext(precision, RoundingMode.HALF_EVEN));
      if (candidate.floatValue() == value) {
        return candidate.stripTrailingZeros();
      }
    }
    // Nine significant digits always identify a float32.
    throw new AssertionError("no decimal of at most 9 digits for " + value);
  }
}
