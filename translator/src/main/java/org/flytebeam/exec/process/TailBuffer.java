package org.flytebeam.exec.process;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The last {@code capacity} bytes written to it, and how many were written in all. Thread-safe. Its
 * memory grows with what is written, up to {@code capacity}: most programs write little or nothing,
 * and two buffers of the full size per process were a cost of every element.
 */
public final class TailBuffer {
  private static final int FIRST_SIZE = 256;

  private final int capacity;

  /**
   * Shorter than {@code capacity} only while nothing was dropped: then the bytes are at {@code [0,
   * total)}, where a ring of any size at least {@code total} holds them too.
   */
  private byte[] ring = new byte[0];

  private long total;

  public TailBuffer(int capacity) {
    if (capacity <= 0) {
      throw new IllegalArgumentException("capacity [" + capacity + "] must be > 0");
    }
    this.capacity = capacity;
  }

  public synchronized void write(byte[] bytes, int offset, int length) {
    if (ring.length < capacity && total + length > ring.length) {
      long size = Math.max(Math.max(total + length, 2L * ring.length), FIRST_SIZE);
      ring = Arrays.copyOf(ring, (int) Math.min(capacity, size));
    }
    for (int i = 0; i < length; i++) {
      ring[(int) ((total + i) % ring.length)] = bytes[offset + i];
    }
    total += length;
  }

  /** Bytes written in all, kept or not. */
  public synchronized long total() {
    return total;
  }

  /** The kept bytes, oldest first. */
  public synchronized byte[] bytes() {
    int kept = (int) Math.min(total, ring.length);
    byte[] out = new byte[kept];
    long start = total - kept;
    for (int i = 0; i < kept; i++) {
      out[i] = ring[(int) ((start + i) % ring.length)];
    }
    return out;
  }

  /**
   * The last {@code lines} non-blank lines of the kept text, joined by {@code " | "}, cut to at
   * most {@code maxChars} from their end.
   */
  public String lastLines(int lines, int maxChars) {
    return lastLines(new String(bytes(), StandardCharsets.UTF_8), lines, maxChars);
  }

  static String lastLines(String text, int lines, int maxChars) {
    List<String> kept = new ArrayList<>();
    String[] all = text.split("\r?\n|\r");
    for (int i = all.length - 1; i >= 0 && kept.size() < lines; i--) {
      String line = all[i].strip();
      if (!line.isEmpty()) {
        kept.add(0, line);
      }
    }
    String joined = String.join(" | ", kept);
    return joined.length() <= maxChars
        ? joined
        : "..." + joined.substring(joined.length() - maxChars);
  }
}
