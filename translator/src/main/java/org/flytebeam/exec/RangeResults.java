package org.flytebeam.exec;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.ExtensionRegistryLite;
import flyteidl.core.Literals.Literal;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.util.MimeTypes;
import org.flytebeam.FlyteBeamException;
import org.flytebeam.exec.process.LocalFiles;
import org.flytebeam.types.LiteralList;
import org.flytebeam.types.PrimitiveLiterals;

/**
 * The outcomes of one range of elements, as one file in the run's folder, on any path Beam's {@link
 * FileSystems} can open. Written to a temporary name and renamed, so a reader sees a whole file or
 * none; a re-executed range (Spark after a lost executor) finds its file and is not run again.
 *
 * <p>Format {@code FBR4} (protobuf varints): a magic number, start, end, count, then per element
 * its offset in the range, status, flags (1: a cache hit; 2: node counts follow), the element's
 * node counts when flagged (started, succeeded, failed, cache hits: see {@link NodeCounts}),
 * attempts, start time (delta), duration, error, failed attempts (count, then number, error and
 * stack trace of each) and its outputs: their count, then each as a kind byte ({@link
 * PrimitiveLiterals}) and its value: an int as a zigzag varint, a float as its 8 raw bytes, a str
 * as length-prefixed UTF-8, a bool as a byte, any other literal as its length-prefixed serialized
 * bytes. A trailer marks the end. The format is internal to a run: a file of another version is
 * refused with a message, not read.
 */
public final class RangeResults {
  private static final int MAGIC = 0x46425234; // "FBR4"
  // "FBR" and a version digit: a result file of another version of this format.
  private static final int MAGIC_FAMILY = 0x46425200;
  private static final byte CACHE_HIT = 1;
  private static final byte NODES = 2;
  private static final int TRAILER = 0x454e4421; // "END!"

  private RangeResults() {}

  /** The file of range {@code [start, end)} under {@code resultsDir}. */
  public static String path(String resultsDir, long start, long end) {
    return join(resultsDir, String.format("range-%012d-%012d.bin", start, end));
  }

  static String join(String dir, String name) {
    return dir.endsWith("/") ? dir + name : dir + "/" + name;
  }

  public static void write(String resultsDir, long start, long end, List<ElementOutcome> outcomes) {
    String target = path(resultsDir, start, end);
    try {
      AtomicFiles.write(target, MimeTypes.BINARY, raw -> encode(raw, start, end, outcomes));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write results to [" + target + "]", e);
    }
  }

  private static void encode(OutputStream raw, long start, long end, List<ElementOutcome> outcomes)
      throws IOException {
    CodedOutputStream out = CodedOutputStream.newInstance(raw, 1 << 16);
    out.writeFixed32NoTag(MAGIC);
    out.writeInt64NoTag(start);
    out.writeInt64NoTag(end);
    out.writeUInt32NoTag(outcomes.size());
    long previousStart = 0;
    for (ElementOutcome o : outcomes) {
      out.writeUInt64NoTag(o.index() - start);
      out.writeRawByte(o.status().code());
      boolean nodes = !o.nodes().isEmpty();
      out.writeRawByte((o.cacheHit() ? CACHE_HIT : 0) | (nodes ? NODES : 0));
      if (nodes) {
        out.writeUInt64NoTag(o.nodes().started());
        out.writeUInt64NoTag(o.nodes().succeeded());
        out.writeUInt64NoTag(o.nodes().failed());
        out.writeUInt64NoTag(o.nodes().cacheHits());
      }
      out.writeUInt32NoTag(o.attempts());
      // Start times are close to each other: deltas make short varints.
      out.writeSInt64NoTag(o.startEpochMillis() - previousStart);
      previousStart = o.startEpochMillis();
      out.writeUInt64NoTag(o.durationMillis());
      out.writeStringNoTag(o.error());
      out.writeUInt32NoTag(o.failedAttempts().size());
      for (AttemptError a : o.failedAttempts()) {
        out.writeUInt32NoTag(a.attempt());
        out.writeStringNoTag(a.error());
        out.writeStringNoTag(a.stackTrace());
      }
      writeOutputs(out, o.outputs());
    }
    out.writeFixed32NoTag(TRAILER);
    out.flush();
  }

  private static void writeOutputs(CodedOutputStream out, List<Literal> outputs)
      throws IOException {
    out.writeUInt32NoTag(outputs.size());
    if (outputs instanceof LiteralList values) {
      // The primitive path: values written as they are, no Literal made or sized.
      for (int k = 0; k < values.size(); k++) {
        Object v = values.value(k);
        int kind = PrimitiveLiterals.kindOf(v);
        out.writeRawByte(kind);
        switch (kind) {
          case PrimitiveLiterals.INTEGER:
            out.writeSInt64NoTag((Long) v);
            break;
          case PrimitiveLiterals.FLOAT:
            out.writeFixed64NoTag(Double.doubleToRawLongBits((Double) v));
            break;
          case PrimitiveLiterals.STRING:
            out.writeStringNoTag((String) v);
            break;
          case PrimitiveLiterals.BOOLEAN:
            out.writeRawByte(((Boolean) v) ? 1 : 0);
            break;
          case PrimitiveLiterals.LITERAL:
            out.writeMessageNoTag((Literal) v);
            break;
          default:
            throw new AssertionError(kind);
        }
      }
      return;
    }
    for (Literal literal : outputs) {
      out.writeRawByte(PrimitiveLiterals.LITERAL);
      out.writeMessageNoTag(literal);
    }
  }

  /** The outcomes of a range whose file is complete; empty when it is missing or unreadable. */
  public static Optional<List<ElementOutcome>> read(String resultsDir, long start, long end) {
    return read(resultsDir, start, end, RangeResults::outcome);
  }

  /**
   * Visits the outputs of each element of a range whose file is complete, in index order, without
   * making literals of them: for writing outputs as they are. Headers are skipped, not decoded;
   * each succeeded element must have {@code outputs} outputs, or the file counts as unreadable.
   *
   * @return false when the file is missing or unreadable (nothing was visited)
   * @throws FlyteBeamException when the file is of another version of the format
   */
  public static boolean visitOutputs(
      String resultsDir, long start, long end, int outputs, OutputVisitor visitor)
      throws IOException {
    Optional<byte[]> bytes = open(resultsDir, start, end);
    if (bytes.isEmpty()) {
      return false;
    }
    // Checked whole first: a visitor that wrote a part of a truncated file could not take it back.
    try {
      skim(input(bytes.get(), false), start, end, outputs, null);
    } catch (IOException
        | IllegalStateException
        | IllegalArgumentException
        | IndexOutOfBoundsException e) {
      return false;
    }
    try {
      skim(input(bytes.get(), true), start, end, outputs, visitor);
    } catch (IllegalStateException | IllegalArgumentException | IndexOutOfBoundsException e) {
      // Only a visitor's own failure: the walk before this one read the same bytes whole.
      throw new IOException(
          "cannot visit the results of [" + start + ", " + end + "): " + e.getMessage(), e);
    }
    return true;
  }

  /**
   * One output of one element, as {@link #visitOutputs} gives it: the kind ({@link
   * PrimitiveLiterals}) and, for an int, float or bool, its {@code bits}; for a str its UTF-8
   * {@code bytes}; for any other literal its serialized {@code bytes}. An element that did not
   * succeed has no outputs: each of its outputs is given with {@code succeeded} false, kind {@link
   * PrimitiveLiterals#LITERAL} and no bytes.
   */
  public interface OutputVisitor {
    void accept(long index, boolean succeeded, int output, int kind, long bits, ByteString bytes)
        throws IOException;
  }

  /** What the file holds of one element before its output literals. */
  private record Header(
      long index,
      ElementStatus status,
      boolean cacheHit,
      NodeCounts nodes,
      int attempts,
      long startMillis,
      long durationMillis,
      String error,
      List<AttemptError> failedAttempts) {}

  /** Decodes one element: its {@code outputs} output literals are next in {@code in}. */
  private interface Decoder<T> {
    T decode(Header h, int outputs, CodedInputStream in) throws IOException;
  }

  private static ElementOutcome outcome(Header h, int n, CodedInputStream in) throws IOException {
    Object[] outputs = new Object[n];
    for (int k = 0; k < n; k++) {
      int kind = in.readRawByte();
      switch (kind) {
        case PrimitiveLiterals.INTEGER:
          outputs[k] = in.readSInt64();
          break;
        case PrimitiveLiterals.FLOAT:
          outputs[k] = Double.longBitsToDouble(in.readFixed64());
          break;
        case PrimitiveLiterals.STRING:
          outputs[k] = in.readStringRequireUtf8();
          break;
        case PrimitiveLiterals.BOOLEAN:
          outputs[k] = in.readRawByte() != 0;
          break;
        case PrimitiveLiterals.LITERAL:
          outputs[k] = in.readMessage(Literal.parser(), ExtensionRegistryLite.getEmptyRegistry());
          break;
        default:
          throw new IllegalStateException("bad output kind");
      }
    }
    return new ElementOutcome(
        h.index(),
        h.status(),
        h.attempts(),
        h.startMillis(),
        h.durationMillis(),
        h.error(),
        LiteralList.wrap(outputs),
        h.cacheHit(),
        h.failedAttempts(),
        h.nodes());
  }

  private static <T> Optional<List<T>> read(
      String resultsDir, long start, long end, Decoder<T> decoder) {
    Optional<byte[]> bytes = open(resultsDir, start, end);
    if (bytes.isEmpty()) {
      return Optional.empty();
    }
    try {
      return Optional.of(parse(input(bytes.get(), false), start, end, decoder));
    } catch (IOException
        | IllegalStateException
        | IllegalArgumentException
        | IndexOutOfBoundsException e) {
      // Truncated or foreign: treated as missing, so the range runs (again).
      return Optional.empty();
    }
  }

  /**
   * The bytes of the range's file, its version checked: empty when it is missing.
   *
   * @throws FlyteBeamException when it is a result file of another version of the format
   */
  private static Optional<byte[]> open(String resultsDir, long start, long end) {
    String file = path(resultsDir, start, end);
    byte[] bytes;
    try {
      Optional<byte[]> read = LocalFiles.readIfPresent(file);
      if (read.isEmpty()) {
        return read;
      }
      bytes = read.get();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read results from [" + file + "]", e);
    }
    if (bytes.length >= 4) {
      int magic =
          (bytes[0] & 0xff)
              | (bytes[1] & 0xff) << 8
              | (bytes[2] & 0xff) << 16
              | (bytes[3] & 0xff) << 24;
      if (magic != MAGIC && (magic & 0xffffff00) == MAGIC_FAMILY) {
        throw new FlyteBeamException(
            String.format(
                "result file [%s] is of format FBR%c, written by another version of flyte-beam;"
                    + " this one reads FBR4: run the map again in a new run folder",
                file, (char) (magic & 0xff)));
      }
    }
    return Optional.of(bytes);
  }

  private static CodedInputStream input(byte[] bytes, boolean alias) {
    CodedInputStream in = CodedInputStream.newInstance(bytes);
    // Output bytes read as they are share the file's array rather than being copied.
    in.enableAliasing(alias);
    return in;
  }

  /**
   * Walks a range's file, giving each element's outputs to {@code visitor} (null: only checks it is
   * whole).
   */
  private static void skim(
      CodedInputStream in, long start, long end, int outputs, OutputVisitor visitor)
      throws IOException {
    int count = readPreamble(in, start, end);
    for (int i = 0; i < count; i++) {
      long index = start + in.readUInt64();
      boolean succeeded = ElementStatus.ofCode(in.readRawByte()).succeeded();
      byte flags = in.readRawByte();
      if ((flags & NODES) != 0) {
        for (int c = 0; c < 4; c++) {
          in.readUInt64(); // node counts
        }
      }
      in.readUInt32(); // attempts
      in.readSInt64(); // start time
      in.readUInt64(); // duration
      skipBytes(in); // error
      int kept = in.readUInt32();
      if (kept < 0 || kept > AttemptError.MAX_KEPT) {
        throw new IllegalStateException("bad count of failed attempts");
      }
      for (int k = 0; k < kept; k++) {
        in.readUInt32();
        skipBytes(in);
        skipBytes(in);
      }
      int n = in.readUInt32();
      if (!succeeded) {
        if (n != 0) {
          throw new IllegalStateException("outputs of an element that did not succeed");
        }
        for (int k = 0; visitor != null && k < outputs; k++) {
          visitor.accept(index, false, k, PrimitiveLiterals.LITERAL, 0, null);
        }
        continue;
      }
      if (n != outputs) {
        throw new IllegalStateException("bad count of outputs");
      }
      for (int k = 0; k < n; k++) {
        int kind = in.readRawByte();
        long bits = 0;
        ByteString bytes = null;
        switch (kind) {
          case PrimitiveLiterals.INTEGER:
            bits = in.readSInt64();
            break;
          case PrimitiveLiterals.FLOAT:
            bits = in.readFixed64();
            break;
          case PrimitiveLiterals.BOOLEAN:
            bits = in.readRawByte() != 0 ? 1 : 0;
            break;
          case PrimitiveLiterals.STRING:
          case PrimitiveLiterals.LITERAL:
            if (visitor == null) {
              skipBytes(in);
            } else {
              bytes = in.readBytes();
            }
            break;
          default:
            throw new IllegalStateException("bad output kind");
        }
        if (visitor != null) {
          visitor.accept(index, succeeded, k, kind, bits, bytes);
        }
      }
    }
    readTrailer(in);
  }

  private static void skipBytes(CodedInputStream in) throws IOException {
    int length = in.readRawVarint32();
    if (length < 0) {
      throw new IllegalStateException("bad length");
    }
    in.skipRawBytes(length);
  }

  private static int readPreamble(CodedInputStream in, long start, long end) throws IOException {
    if (in.readFixed32() != MAGIC || in.readInt64() != start || in.readInt64() != end) {
      throw new IllegalStateException("not a result file of this range");
    }
    int count = in.readUInt32();
    if (count < 0 || count > end - start) {
      throw new IllegalStateException("bad count");
    }
    return count;
  }

  private static void readTrailer(CodedInputStream in) throws IOException {
    if (in.readFixed32() != TRAILER || !in.isAtEnd()) {
      throw new IllegalStateException("truncated result file");
    }
  }

  private static <T> List<T> parse(CodedInputStream in, long start, long end, Decoder<T> decoder)
      throws IOException {
    int count = readPreamble(in, start, end);
    List<T> outcomes = new ArrayList<>(count);
    long previousStart = 0;
    for (int i = 0; i < count; i++) {
      long index = start + in.readUInt64();
      ElementStatus status = ElementStatus.ofCode(in.readRawByte());
      byte flags = in.readRawByte();
      boolean cacheHit = (flags & CACHE_HIT) != 0;
      NodeCounts nodes =
          (flags & NODES) == 0
              ? NodeCounts.none()
              : new NodeCounts(in.readUInt64(), in.readUInt64(), in.readUInt64(), in.readUInt64());
      int attempts = in.readUInt32();
      long startMillis = previousStart + in.readSInt64();
      previousStart = startMillis;
      long duration = in.readUInt64();
      String error = in.readStringRequireUtf8();
      int kept = in.readUInt32();
      if (kept < 0 || kept > AttemptError.MAX_KEPT) {
        throw new IllegalStateException("bad count of failed attempts");
      }
      List<AttemptError> failedAttempts = new ArrayList<>(kept);
      for (int k = 0; k < kept; k++) {
        failedAttempts.add(
            new AttemptError(
                in.readUInt32(), in.readStringRequireUtf8(), in.readStringRequireUtf8()));
      }
      Header h =
          new Header(
              index,
              status,
              cacheHit,
              nodes,
              attempts,
              startMillis,
              duration,
              error,
              failedAttempts);
      outcomes.add(decoder.decode(h, in.readUInt32(), in));
    }
    readTrailer(in);
    return outcomes;
  }
}
