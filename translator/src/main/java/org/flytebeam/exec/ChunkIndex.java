package org.flytebeam.exec;

import static java.util.Objects.requireNonNull;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.CodedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.util.MimeTypes;

/**
 * What the index pass learnt of one piece of a reference input (a byte chunk of a JSON Lines file,
 * or a whole offloaded literal): how many elements start in it, how many lines (empty ones
 * included), and a checkpoint every {@code stride} elements: the byte offset where element {@code k
 * * stride} of the piece starts and its line within the piece. A reader reaches any element by
 * seeking to the checkpoint before it and skipping fewer than {@code stride} elements.
 *
 * @param problem why the piece cannot be read (e.g. not a list), or empty
 * @param elements elements starting in the piece
 * @param lines lines starting in the piece (JSON Lines; 0 for an offloaded literal)
 * @param end where the piece's elements end (an offloaded literal's collection), or -1
 * @param stride elements between checkpoints
 * @param offsets the checkpoints' byte offsets
 * @param lineOffsets the checkpoints' lines, counted from the piece's first line (JSON Lines)
 */
// The checkpoint arrays are read by position and never compared: a record keeps them whole.
@SuppressWarnings("ArrayRecordComponent")
public record ChunkIndex(
    String problem,
    long elements,
    long lines,
    long end,
    int stride,
    long[] offsets,
    long[] lineOffsets) {
  private static final int MAGIC = 0x46424931; // "FBI1"
  private static final int TRAILER = 0x454e4421; // "END!"

  /** Indexes read lately, by file: the ranges of one chunk need the same one. */
  private static final Map<String, ChunkIndex> CACHE =
      Collections.synchronizedMap(
          new LinkedHashMap<>(16, 0.75f, true) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<String, ChunkIndex> eldest) {
              return size() > 64;
            }
          });

  public ChunkIndex {
    requireNonNull(problem, "problem");
    requireNonNull(offsets, "offsets");
    requireNonNull(lineOffsets, "lineOffsets");
  }

  static ChunkIndex failed(String problem) {
    return new ChunkIndex(problem, 0, 0, -1, 1, new long[0], new long[0]);
  }

  /** Writes to {@code file} through a temporary name, so a reader sees a whole file or none. */
  public void write(String file) {
    try {
      AtomicFiles.write(file, MimeTypes.BINARY, this::encode);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the input index [" + file + "]", e);
    }
  }

  private void encode(OutputStream raw) throws IOException {
    CodedOutputStream out = CodedOutputStream.newInstance(raw, 1 << 16);
    out.writeFixed32NoTag(MAGIC);
    out.writeStringNoTag(problem);
    out.writeInt64NoTag(elements);
    out.writeInt64NoTag(lines);
    out.writeInt64NoTag(end);
    out.writeInt32NoTag(stride);
    out.writeUInt32NoTag(offsets.length);
    long previous = 0;
    for (int i = 0; i < offsets.length; i++) {
      out.writeUInt64NoTag(offsets[i] - previous);
      previous = offsets[i];
      out.writeUInt64NoTag(lineOffsets[i]);
    }
    out.writeFixed32NoTag(TRAILER);
    out.flush();
  }

  /** Reads what {@link #write} wrote. */
  public static ChunkIndex read(String file) throws IOException {
    byte[] bytes;
    try (InputStream in =
        Channels.newInputStream(FileSystems.open(FileSystems.matchNewResource(file, false)))) {
      bytes = in.readAllBytes();
    }
    CodedInputStream in = CodedInputStream.newInstance(bytes);
    if (in.readFixed32() != MAGIC) {
      throw new IOException("[" + file + "] is not an input index");
    }
    String problem = in.readStringRequireUtf8();
    long elements = in.readInt64();
    long lines = in.readInt64();
    long end = in.readInt64();
    int stride = in.readInt32();
    int n = in.readUInt32();
    long[] offsets = new long[n];
    long[] lineOffsets = new long[n];
    long previous = 0;
    for (int i = 0; i < n; i++) {
      previous += in.readUInt64();
      offsets[i] = previous;
      lineOffsets[i] = in.readUInt64();
    }
    if (in.readFixed32() != TRAILER || !in.isAtEnd()) {
      throw new IOException("the input index [" + file + "] is truncated");
    }
    return new ChunkIndex(problem, elements, lines, end, stride, offsets, lineOffsets);
  }

  /** As {@link #read}, from a small cache of this JVM. */
  public static ChunkIndex cached(String file) throws IOException {
    ChunkIndex index = CACHE.get(file);
    if (index == null) {
      index = read(file);
      CACHE.put(file, index);
    }
    return index;
  }

  /** A builder of checkpoints, one every {@code stride} elements. */
  static final class Builder {
    private final int stride;
    private long[] offsets = new long[16];
    private long[] lineOffsets = new long[16];
    private int count;
    private long elements;

    Builder(int stride) {
      this.stride = stride;
    }

    /** Records an element starting at {@code offset} on line {@code line} of the piece. */
    void element(long offset, long line) {
      if (elements % stride == 0) {
        if (count == offsets.length) {
          offsets = java.util.Arrays.copyOf(offsets, count * 2);
          lineOffsets = java.util.Arrays.copyOf(lineOffsets, count * 2);
        }
        offsets[count] = offset;
        lineOffsets[count] = line;
        count++;
      }
      elements++;
    }

    ChunkIndex build(long lines, long end) {
      return new ChunkIndex(
          "",
          elements,
          lines,
          end,
          stride,
          java.util.Arrays.copyOf(offsets, count),
          java.util.Arrays.copyOf(lineOffsets, count));
    }
  }
}
