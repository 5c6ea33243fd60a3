package org.flytebeam.types;

import static java.util.Objects.requireNonNull;

import flyteidl.core.Literals.Literal;
import java.lang.reflect.Type;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Converts single Java values to and from Flyte literals, by their declared Java type (see {@link
 * LiteralTypes#of} for the supported types). To convert a whole task input or output record, use
 * {@link RecordCodec}, which does the type work once.
 *
 * <pre>{@code
 * record Input(List<Optional<Long>> xs) {}
 *
 * Type type = Input.class.getRecordComponents()[0].getGenericType();
 * Literal xs = JavaLiterals.toLiteral("xs", List.of(Optional.of(1L), Optional.empty()), type);
 * Object back = JavaLiterals.fromLiteral("xs", xs, type); // [Optional[1], Optional.empty]
 * }</pre>
 *
 * <p>Rules: {@code null} and {@code Optional.empty()} become none for {@code Optional} types, and
 * none becomes {@code Optional.empty()}; present optionals are written as their plain value (union
 * literals are unwrapped on reading). An int literal converts to {@code long}, {@code int} or
 * {@code short} (out of range is an error); a float field also accepts an int literal. Datetimes
 * are {@link java.time.Instant}s, durations {@link java.time.Duration}s, enums go by constant name,
 * blobs are {@link Blob}s. Lists read back unmodifiable, maps unmodifiable in literal order.
 */
public final class JavaLiterals {
  private static final Map<Type, Converter> CONVERTERS = new ConcurrentHashMap<>();

  private JavaLiterals() {}

  /**
   * The literal of a Java value.
   *
   * @param var the variable name, for messages
   * @param value the value; {@code null} only for {@code Optional} or {@code Void} types
   * @param type the declared Java type, e.g. a record component's generic type
   * @throws LiteralTypeException when the type is not supported or the value does not fit it, e.g.
   *     {@code variable [a] expects [int] but found [String "x"]}
   */
  public static Literal toLiteral(String var, Object value, Type type) {
    requireNonNull(var, "var");
    Converter converter = converter(var, type);
    try {
      return converter.toLiteral(value);
    } catch (Mismatch m) {
      throw m.toException(subject(var));
    }
  }

  /**
   * The Java value of a literal.
   *
   * @param var the variable name, for messages
   * @param literal the literal
   * @param type the declared Java type, e.g. a record component's generic type
   * @return a value of {@code type} (boxed for primitives); {@code null} only for {@code Void}
   * @throws LiteralTypeException when the type is not supported or the literal does not fit it,
   *     e.g. {@code variable [a] expects [int] but found [str "x"]}
   */
  public static Object fromLiteral(String var, Literal literal, Type type) {
    requireNonNull(var, "var");
    requireNonNull(literal, "literal");
    Converter converter = converter(var, type);
    try {
      return converter.fromLiteral(literal);
    } catch (Mismatch m) {
      throw m.toException(subject(var));
    }
  }

  private static String subject(String var) {
    return "variable [" + var + "]";
  }

  private static Converter converter(String var, Type type) {
    requireNonNull(type, "type");
    Converter converter = CONVERTERS.get(type);
    if (converter == null) {
      converter = converterOf(subject(var), type);
      CONVERTERS.putIfAbsent(type, converter);
    }
    return converter;
  }

  /** A converter, with errors about the type naming what it was for. */
  static Converter converterOf(String subject, Type type) {
    try {
      return Converter.of(type);
    } catch (LiteralTypeException e) {
      throw new LiteralTypeException(subject + ": " + e.getMessage(), e);
    }
  }
}
