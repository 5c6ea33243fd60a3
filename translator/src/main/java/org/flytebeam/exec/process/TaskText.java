package org.flytebeam.exec.process;

/**
 * Text a task wrote (its stderr, its error messages) made safe to show: a task is not trusted, and
 * raw control characters reaching a terminal can clear it, move the cursor, rewrite earlier lines
 * or forge an {@code error:} line. Every C0 and C1 control character, DEL and the Unicode bidi
 * controls (which reorder what is shown) are written as escapes: {@code \n}, {@code \r}, {@code
 * \t}, else {@code \}{@code u001b} and the like. Printable text, other Unicode text included, is
 * kept as it is, and escaping escaped text changes nothing.
 */
public final class TaskText {
  private TaskText() {}

  /** {@code text} on one line, every control character escaped. */
  public static String escape(String text) {
    return escape(text, false);
  }

  /** As {@link #escape(String)}, keeping line feeds (and tabs) where the format is multi-line. */
  public static String escapeKeepingLines(String text) {
    return escape(text, true);
  }

  private static String escape(String text, boolean keepLines) {
    int first = firstUnsafe(text, keepLines);
    if (first < 0) {
      return text;
    }
    StringBuilder out = new StringBuilder(text.length() + 16).append(text, 0, first);
    for (int i = first; i < text.length(); i++) {
      char c = text.charAt(i);
      if (!unsafe(c, keepLines)) {
        out.append(c);
      } else if (c == '\n') {
        out.append("\\n");
      } else if (c == '\r') {
        out.append("\\r");
      } else if (c == '\t') {
        out.append("\\t");
      } else {
        out.append(String.format("\\u%04x", (int) c));
      }
    }
    return out.toString();
  }

  private static int firstUnsafe(String text, boolean keepLines) {
    for (int i = 0; i < text.length(); i++) {
      if (unsafe(text.charAt(i), keepLines)) {
        return i;
      }
    }
    return -1;
  }

  private static boolean unsafe(char c, boolean keepLines) {
    if (keepLines && (c == '\n' || c == '\t')) {
      return false;
    }
    return c < 0x20
        || (c >= 0x7f && c <= 0x9f)
        || c == '\u061c'
        || c == '\u200e'
        || c == '\u200f'
        || (c >= '\u202a' && c <= '\u202e')
        || (c >= '\u2066' && c <= '\u2069');
  }
}
