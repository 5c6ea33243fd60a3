package org.flytebeam.types;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * A value that does not fit its type, found deep inside a conversion. Internal: it travels up
 * without a stack trace, each collection or map on the way adds where in it the value was, and the
 * entry point turns it into a {@link LiteralTypeException} naming the variable. This keeps the
 * happy path free of message building.
 */
final class Mismatch extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final String expected;
  private final String found;
  private final String hint;
  private final Deque<String> path = new ArrayDeque<>();

  Mismatch(String expected, String found, String hint) {
    super(null, null, false, false);
    this.expected = expected;
    this.found = found;
    this.hint = hint;
  }

  /** Records that the mismatch is inside an element, e.g. {@code [2]} or {@code ["k"]}. */
  Mismatch at(String segment) {
    path.addFirst(segment);
    return this;
  }

  Mismatch atIndex(int index) {
    return at("[" + index + "]");
  }

  Mismatch atKey(String key) {
    return at("[\"" + key + "\"]");
  }

  @Override
  public String getMessage() {
    return describe("value");
  }

  /** The message, e.g. {@code input [a] at [2] expects [int] but found [str "x"]}. */
  String describe(String subject) {
    StringBuilder m = new StringBuilder(subject);
    if (!path.isEmpty()) {
      m.append(" at ");
      path.forEach(m::append);
    }
    m.append(" expects [").append(expected).append("] but found [").append(found).append(']');
    if (hint != null) {
      m.append("; ").append(hint);
    }
    return m.toString();
  }

  LiteralTypeException toException(String subject) {
    return new LiteralTypeException(describe(subject));
  }
}
