package org.flytebeam.types;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.WireFormat;
import flyteidl.core.Literals.Literal;
import flyteidl.core.Literals.Primitive;
import flyteidl.core.Literals.Scalar;
import java.io.IOException;

/**
 * Primitive literals (int, float, str, bool) without their protobuf messages: a value's kind and
 * Java value, sized and written by the flyteidl field numbers ({@code Literal.scalar}, {@code
 * Scalar.primitive}, then the primitive's own field) to the very bytes the generated classes write
 * for {@code Literal{scalar{primitive{...}}}}. The hot path of an element's outputs uses this so
 * that no {@code Literal}, {@code Scalar} or {@code Primitive} (nor the empty {@code metadata} map
 * protobuf-java sizes and walks in every {@code Literal}) is made per element.
 *
 * <p>Values are {@link Long} (int), {@link Double} (float), {@link String} (str) and {@link
 * Boolean} (bool); a float keeps its exact bits, NaN payloads included.
 */
public final class PrimitiveLiterals {
  /** Not a primitive: a literal's serialized bytes. */
  public static final int LITERAL = 0;

  public static final int INTEGER = 1;
  public static final int FLOAT = 2;
  public static final int STRING = 3;
  public static final int BOOLEAN = 4;

  private PrimitiveLiterals() {}

  /** The kind of a value: {@link #INTEGER} for a {@link Long}, ..., {@link #LITERAL} otherwise. */
  public static int kindOf(Object value) {
    if (value instanceof Long) {
      return INTEGER;
    }
    if (value instanceof Double) {
      return FLOAT;
    }
    if (value instanceof String) {
      return STRING;
    }
    if (value instanceof Boolean) {
      return BOOLEAN;
    }
    return LITERAL;
  }

  /** The literal message of a primitive value, as {@link Literals#of} builds it. */
  public static Literal toLiteral(Object value) {
    if (value instanceof Long v) {
      return Literals.of(v.longValue());
    }
    if (value instanceof Double v) {
      return Literals.of(v.doubleValue());
    }
    if (value instanceof String v) {
      return Literals.of(v);
    }
    if (value instanceof Boolean v) {
      return Literals.of(v.booleanValue());
    }
    throw new IllegalArgumentException(
        "not a primitive value [" + (value == null ? "null" : value.getClass().getName()) + "]");
  }

  /**
   * The bits a value of {@code kind} is carried in by {@link #literalSize} and {@link
   * #writeLiteral}: the integer itself, a float's raw bits, 1 or 0 for a bool; 0 for a string.
   */
  public static long bitsOf(Object value) {
    if (value instanceof Long v) {
      return v;
    }
    if (value instanceof Double v) {
      return Double.doubleToRawLongBits(v);
    }
    if (value instanceof Boolean v) {
      return v ? 1 : 0;
    }
    return 0;
  }

  /**
   * The size of the primitive literal of {@code kind}: {@code bits} for an int, float or bool,
   * {@code utf8} (the string's UTF-8 bytes) for a str.
   */
  public static int literalSize(int kind, long bits, ByteString utf8) {
    int scalar = nested(Scalar.PRIMITIVE_FIELD_NUMBER, primitiveSize(kind, bits, utf8));
    return nested(Literal.SCALAR_FIELD_NUMBER, scalar);
  }

  /** Writes the primitive literal of {@code kind} (without a length prefix of its own). */
  public static void writeLiteral(CodedOutputStream out, int kind, long bits, ByteString utf8)
      throws IOException {
    int primitive = primitiveSize(kind, bits, utf8);
    int scalar = nested(Scalar.PRIMITIVE_FIELD_NUMBER, primitive);
    out.writeTag(Literal.SCALAR_FIELD_NUMBER, WireFormat.WIRETYPE_LENGTH_DELIMITED);
    out.writeUInt32NoTag(scalar);
    out.writeTag(Scalar.PRIMITIVE_FIELD_NUMBER, WireFormat.WIRETYPE_LENGTH_DELIMITED);
    out.writeUInt32NoTag(primitive);
    switch (kind) {
      case INTEGER:
        out.writeInt64(Primitive.INTEGER_FIELD_NUMBER, bits);
        break;
      case FLOAT:
        // The raw bits, not a double: a NaN's payload stays as it was.
        out.writeTag(Primitive.FLOAT_VALUE_FIELD_NUMBER, WireFormat.WIRETYPE_FIXED64);
        out.writeFixed64NoTag(bits);
        break;
      case STRING:
        out.writeBytes(Primitive.STRING_VALUE_FIELD_NUMBER, utf8);
        break;
      case BOOLEAN:
        out.writeBool(Primitive.BOOLEAN_FIELD_NUMBER, bits != 0);
        break;
      default:
        throw new IllegalArgumentException("not a primitive kind [" + kind + "]");
    }
  }

  /** The serialized primitive literal of a value (for tests and the rare caller off the path). */
  public static ByteString toByteString(Object value) {
    int kind = kindOf(value);
    if (kind == LITERAL) {
      throw new IllegalArgumentException(
          "not a primitive value [" + (value == null ? "null" : value.getClass().getName()) + "]");
    }
    ByteString utf8 = kind == STRING ? utf8Of((String) value) : null;
    long bits = bitsOf(value);
    byte[] bytes = new byte[literalSize(kind, bits, utf8)];
    CodedOutputStream out = CodedOutputStream.newInstance(bytes);
    try {
      writeLiteral(out, kind, bits, utf8);
    } catch (IOException e) {
      throw new AssertionError("writing to an array", e);
    }
    out.checkNoSpaceLeft();
    return ByteString.copyFrom(bytes);
  }

  /**
   * A string's UTF-8 bytes as protobuf writes a {@code string} field: a lone surrogate becomes
   * {@code ?}, as the JDK's encoder (protobuf's fallback for such strings) makes it.
   */
  public static ByteString utf8Of(String value) {
    return ByteString.copyFromUtf8(value);
  }

  private static int primitiveSize(int kind, long bits, ByteString utf8) {
    switch (kind) {
      case INTEGER:
        return CodedOutputStream.computeInt64Size(Primitive.INTEGER_FIELD_NUMBER, bits);
      case FLOAT:
        return CodedOutputStream.computeTagSize(Primitive.FLOAT_VALUE_FIELD_NUMBER) + 8;
      case STRING:
        return CodedOutputStream.computeBytesSize(Primitive.STRING_VALUE_FIELD_NUMBER, utf8);
      case BOOLEAN:
        return CodedOutputStream.computeBoolSize(Primitive.BOOLEAN_FIELD_NUMBER, true);
      default:
        throw new IllegalArgumentException("not a primitive kind [" + kind + "]");
    }
  }

  private static int nested(int field, int size) {
    return CodedOutputStream.computeTagSize(field)
        + CodedOutputStream.computeUInt32SizeNoTag(size)
        + size;
  }
}
