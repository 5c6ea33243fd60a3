package org.flytebeam.exec;

import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.SeekableByteChannel;
import org.apache.beam.sdk.io.FileSystems;

/**
 * A buffered byte reader of one file on any path Beam's {@link FileSystems} opens, that knows its
 * position as a {@code long} (files of reference inputs may be larger than 2 GiB) and can start
 * anywhere: seekable channels seek, others skip.
 */
final class PositionedInput implements Closeable {
  private static final int BUFFER = 1 << 16;

  private final ReadableByteChannel channel;
  private final ByteBuffer buffer = ByteBuffer.allocate(BUFFER);
  private long position;

  private PositionedInput(ReadableByteChannel channel, long position) {
    this.channel = channel;
    this.position = position;
    buffer.flip();
  }

  /** Opens {@code path} at byte {@code offset}. */
  static PositionedInput open(String path, long offset) throws IOException {
    ReadableByteChannel channel = FileSystems.open(FileSystems.matchNewResource(path, false));
    try {
      if (offset > 0 && channel instanceof SeekableByteChannel seekable) {
        seekable.position(offset);
        return new PositionedInput(channel, offset);
      }
      PositionedInput in = new PositionedInput(channel, 0);
      in.skip(offset);
      return in;
    } catch (IOException | RuntimeException e) {
      channel.close();
      throw e;
    }
  }

  /** The position of the next byte {@link #read} returns. */
  long position() {
    return position;
  }

  /** The next byte (0-255), or -1 at the end of the file. */
  int read() throws IOException {
    if (!buffer.hasRemaining() && !fill()) {
      return -1;
    }
    position++;
    return buffer.get() & 0xff;
  }

  /**
   * Appends the rest of the current line to {@code line}, its {@code \n} excluded.
   *
   * @return whether any byte was read (false: the file ended before this line began)
   */
  boolean readLine(Line line) throws IOException {
    boolean any = false;
    while (true) {
      if (!buffer.hasRemaining() && !fill()) {
        return any;
      }
      any = true;
      byte[] array = buffer.array();
      int from = buffer.position();
      int limit = buffer.limit();
      int at = from;
      while (at < limit && array[at] != '\n') {
        at++;
      }
      line.append(array, from, at - from);
      boolean ended = at < limit;
      int consumed = at - from + (ended ? 1 : 0);
      buffer.position(from + consumed);
      position += consumed;
      if (ended) {
        return true;
      }
    }
  }

  /** Reads exactly {@code length} bytes. */
  byte[] readFully(int length) throws IOException {
    byte[] bytes = new byte[length];
    int done = 0;
    while (done < length) {
      if (!buffer.hasRemaining() && !fill()) {
        throw new EOFException("the file ended inside a value of " + length + " bytes");
      }
      int n = Math.min(length - done, buffer.remaining());
      buffer.get(bytes, done, n);
      done += n;
      position += n;
    }
    return bytes;
  }

  /** Skips {@code count} bytes, seeking where the channel can. */
  void skip(long count) throws IOException {
    long inBuffer = Math.min(count, buffer.remaining());
    buffer.position(buffer.position() + (int) inBuffer);
    position += inBuffer;
    long rest = count - inBuffer;
    if (rest == 0) {
      return;
    }
    if (channel instanceof SeekableByteChannel seekable) {
      seekable.position(position + rest);
      position += rest;
      return;
    }
    while (rest > 0) {
      if (!fill()) {
        throw new EOFException("the file ended " + rest + " bytes before the position to skip to");
      }
      int n = (int) Math.min(rest, buffer.remaining());
      buffer.position(buffer.position() + n);
      position += n;
      rest -= n;
    }
  }

  /** A base-128 varint, as protobuf writes them. */
  long readVarint() throws IOException {
    long value = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      int b = read();
      if (b < 0) {
        throw new EOFException("the file ended inside a varint");
      }
      value |= (long) (b & 0x7f) << shift;
      if ((b & 0x80) == 0) {
        return value;
      }
    }
    throw new IOException("malformed varint at byte " + position);
  }

  private boolean fill() throws IOException {
    buffer.clear();
    int n;
    do {
      n = channel.read(buffer);
    } while (n == 0);
    buffer.flip();
    return n > 0;
  }

  @Override
  public void close() throws IOException {
    channel.close();
  }

  /** A growable byte buffer holding one line. */
  static final class Line {
    private byte[] bytes = new byte[256];
    private int length;

    void clear() {
      length = 0;
    }

    void append(byte[] source, int from, int count) {
      if (length + count > bytes.length) {
        bytes = java.util.Arrays.copyOf(bytes, Math.max(bytes.length * 2, length + count));
      }
      System.arraycopy(source, from, bytes, length, count);
      length += count;
    }

    byte[] bytes() {
      return bytes;
    }

    int length() {
      return length;
    }

    /** Whether the line holds nothing but spaces, tabs and a {@code \r}. */
    boolean isBlank() {
      for (int i = 0; i < length; i++) {
        byte b = bytes[i];
        if (b != ' ' && b != '\t' && b != '\r') {
          return false;
        }
      }
      return true;
    }
  }
}
