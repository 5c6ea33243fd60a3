package org.flytebeam.graph;

import com.google.protobuf.ByteString;
import flyteidl.core.Types.PromiseAttribute;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * Walks an attribute path into msgpack bytes (flytekit's dataclasses and Pydantic models) and
 * returns the bytes of the value found, without decoding the rest. Every length is checked against
 * the bytes at hand, and skipping a value is a loop over a count of pending items (never
 * recursion), so malformed or deeply nested input fails cleanly.
 */
final class MsgpackPath {
  private MsgpackPath() {}

  /** Builds the exception for a failed step, {@code i} counted from the path given. */
  interface Failure {
    BindingException at(int i, String why);
  }

  static ByteString select(ByteString value, List<PromiseAttribute> path, Failure failure) {
    byte[] b = value.toByteArray();
    int pos = 0;
    for (int i = 0; i < path.size(); i++) {
      PromiseAttribute attr = path.get(i);
      Header h;
      try {
        h = header(b, pos);
      } catch (IllegalArgumentException e) {
        throw failure.at(i, "malformed msgpack: " + e.getMessage());
      }
      try {
        if (h.kind == Kind.MAP) {
          if (attr.getValueCase() != PromiseAttribute.ValueCase.STRING_VALUE) {
            throw failure.at(i, "a map needs a string key, not " + BindingResolver.show(attr));
          }
          pos = findKey(b, h, attr.getStringValue());
          if (pos < 0) {
            throw failure.at(i, "key [" + attr.getStringValue() + "] does not exist in the value");
          }
        } else if (h.kind == Kind.ARRAY) {
          if (attr.getValueCase() != PromiseAttribute.ValueCase.INT_VALUE) {
            throw failure.at(i, "a list needs an int index, not " + BindingResolver.show(attr));
          }
          long index = attr.getIntValue();
          if (index < 0 || index >= h.count) {
            throw failure.at(i, "index [" + index + "] is out of range of a list of " + h.count);
          }
          pos = h.next;
          for (long k = 0; k < index; k++) {
            pos = skip(b, pos);
          }
        } else {
          throw failure.at(i, "cannot step into a msgpack scalar");
        }
      } catch (IllegalArgumentException e) {
        throw failure.at(i, "malformed msgpack: " + e.getMessage());
      }
    }
    int end;
    try {
      end = skip(b, pos);
    } catch (IllegalArgumentException e) {
      throw failure.at(path.size() - 1, "malformed msgpack: " + e.getMessage());
    }
    return ByteString.copyFrom(b, pos, end - pos);
  }

  private static int findKey(byte[] b, Header map, String key) {
    byte[] wanted = key.getBytes(StandardCharsets.UTF_8);
    int pos = map.next;
    for (long k = 0; k < map.count; k++) {
      Header kh = header(b, pos);
      boolean match =
          kh.kind == Kind.STR
              && kh.count == wanted.length
              && kh.next + (long) wanted.length <= b.length
              && Arrays.equals(b, kh.next, kh.next + wanted.length, wanted, 0, wanted.length);
      pos = skip(b, pos);
      if (match) {
        return pos;
      }
      pos = skip(b, pos);
    }
    return -1;
  }

  /** The position after the value at {@code pos}. */
  static int skip(byte[] b, int start) {
    int pos = start;
    long pending = 1;
    while (pending > 0) {
      Header h = header(b, pos);
      pending--;
      switch (h.kind) {
        case ARRAY:
          pending += h.count;
          pos = h.next;
          break;
        case MAP:
          pending += 2 * h.count;
          pos = h.next;
          break;
        case STR:
        case BYTES:
          pos = end(b, h.next, h.count);
          break;
        case SCALAR:
          pos = h.next;
          break;
      }
    }
    return pos;
  }

  enum Kind {
    SCALAR,
    STR,
    BYTES,
    ARRAY,
    MAP
  }

  /**
   * A value's header: its kind, its element count (arrays, maps) or payload length (strings,
   * binaries, extensions), and where its payload or first element starts (for scalars: where the
   * next value starts).
   */
  record Header(Kind kind, long count, int next) {}

  static Header header(byte[] b, int pos) {
    int t = u8(b, pos);
    int p = pos + 1;
    if (t <= 0x7f || t >= 0xe0 || t == 0xc0 || t == 0xc2 || t == 0xc3) {
      return new Header(Kind.SCALAR, 0, p);
    }
    if (t >= 0x80 && t <= 0x8f) {
      return new Header(Kind.MAP, t & 0x0f, p);
    }
    if (t >= 0x90 && t <= 0x9f) {
      return new Header(Kind.ARRAY, t & 0x0f, p);
    }
    if (t >= 0xa0 && t <= 0xbf) {
      return new Header(Kind.STR, t & 0x1f, p);
    }
    switch (t) {
      case 0xc4:
        return new Header(Kind.BYTES, uint(b, p, 1), p + 1);
      case 0xc5:
        return new Header(Kind.BYTES, uint(b, p, 2), p + 2);
      case 0xc6:
        return new Header(Kind.BYTES, uint(b, p, 4), p + 4);
      case 0xc7: // ext: length, then a type byte
        return new Header(Kind.BYTES, uint(b, p, 1) + 1, p + 1);
      case 0xc8:
        return new Header(Kind.BYTES, uint(b, p, 2) + 1, p + 2);
      case 0xc9:
        return new Header(Kind.BYTES, uint(b, p, 4) + 1, p + 4);
      case 0xca:
        return new Header(Kind.BYTES, 4, p);
      case 0xcb:
        return new Header(Kind.BYTES, 8, p);
      case 0xcc:
      case 0xd0:
        return new Header(Kind.BYTES, 1, p);
      case 0xcd:
      case 0xd1:
        return new Header(Kind.BYTES, 2, p);
      case 0xce:
      case 0xd2:
        return new Header(Kind.BYTES, 4, p);
      case 0xcf:
      case 0xd3:
        return new Header(Kind.BYTES, 8, p);
      case 0xd4:
        return new Header(Kind.BYTES, 2, p);
      case 0xd5:
        return new Header(Kind.BYTES, 3, p);
      case 0xd6:
        return new Header(Kind.BYTES, 5, p);
      case 0xd7:
        return new Header(Kind.BYTES, 9, p);
      case 0xd8:
        return new Header(Kind.BYTES, 17, p);
      case 0xd9:
        return new Header(Kind.STR, uint(b, p, 1), p + 1);
      case 0xda:
        return new Header(Kind.STR, uint(b, p, 2), p + 2);
      case 0xdb:
        return new Header(Kind.STR, uint(b, p, 4), p + 4);
      case 0xdc:
        return new Header(Kind.ARRAY, uint(b, p, 2), p + 2);
      case 0xdd:
        return new Header(Kind.ARRAY, uint(b, p, 4), p + 4);
      case 0xde:
        return new Header(Kind.MAP, uint(b, p, 2), p + 2);
      case 0xdf:
        return new Header(Kind.MAP, uint(b, p, 4), p + 4);
      default:
        throw new IllegalArgumentException(String.format("invalid type byte 0x%02x at %d", t, pos));
    }
  }

  private static int end(byte[] b, int start, long length) {
    if (length > b.length - (long) start) {
      throw new IllegalArgumentException(
          "a value of " + length + " bytes at " + start + " runs past the end (" + b.length + ")");
    }
    return (int) (start + length);
  }

  private static int u8(byte[] b, int pos) {
    if (pos >= b.length) {
      throw new IllegalArgumentException("truncated at byte " + pos);
    }
    return b[pos] & 0xff;
  }

  private static long uint(byte[] b, int pos, int width) {
    long v = 0;
    for (int i = 0; i < width; i++) {
      v = (v << 8) | u8(b, pos + i);
    }
    return v;
  }
}
