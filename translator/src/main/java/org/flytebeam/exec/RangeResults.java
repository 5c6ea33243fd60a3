package org.flytebeam.exec;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.ExtensionRegistryLite;
import flyteidl.core.Literals.Literal;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.fs.MatchResult;
import org.apache.beam.sdk.util.MimeTypes;

/**
 * The outcomes of one range of elements, as one file in the run's folder, on any path Beam's {@link
 * FileSystems} can open. Written to a temporary name and renamed, so a reader sees a whole file or
 * none; a re-executed range (Spark after a lost executor) finds its file and is not run again.
 *
 * <p>Format (protobuf varints): a magic number, start, end, count, then per element its offset in
 * the range, status, flags (1: a cache hit; 2: node counts follow), the element's node counts when
 * flagged (started, succeeded, failed, cache hits: see {@link NodeCounts}), attempts, start time
 * (delta), duration, error, failed attempts (count, then number, error and stack trace of each) and
 * length-prefixed output literals; a trailer marks the end.
 */
public final class RangeResults {
  private static final int MAGIC = 0x46425233; // "FBR3"
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
      out.writeUInt32NoTag(o.outputs().size());
      for (Literal literal : o.outputs()) {
        out.writeMessageNoTag(literal);
      }
    }
    out.writeFixed32NoTag(TRAILER);
    out.flush();
  }

  /** The outcomes of a range whose file is complete; empty when it is missing or unreadable. */
  public static Optional<List<ElementOutcome>> read(String resultsDir, long start, long end) {
    return read(resultsDir, start, end, RangeResults::outcome, false);
  }

  /**
   * The status and serialized output literals of each element of a range whose file is complete,
   * without parsing the literals: for writing outputs as they are. Empty when the file is missing
   * or unreadable.
   */
  public static Optional<List<ElementBytes>> readBytes(String resultsDir, long start, long end) {
    return read(resultsDir, start, end, RangeResults::bytes, true);
  }

  /**
   * One element's status and its output literals, each as its serialized {@link Literal}.
   *
   * @param outputs in the sub-task's output order; empty unless it succeeded
   */
  public record ElementBytes(long index, ElementStatus status, List<ByteString> outputs) {}

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
    List<Literal> outputs = new ArrayList<>(n);
    for (int k = 0; k < n; k++) {
      outputs.add(in.readMessage(Literal.parser(), ExtensionRegistryLite.getEmptyRegistry()));
    }
    return new ElementOutcome(
        h.index(),
        h.status(),
        h.attempts(),
        h.startMillis(),
        h.durationMillis(),
        h.error(),
        outputs,
        h.cacheHit(),
        h.failedAttempts(),
        h.nodes());
  }

  /** Keeps the output literals' bytes, which MapResult copies into the output LiteralMap. */
  private static ElementBytes bytes(Header h, int n, CodedInputStream in) throws IOException {
    List<ByteString> outputs = new ArrayList<>(n);
    for (int k = 0; k < n; k++) {
      outputs.add(in.readBytes());
    }
    return new ElementBytes(h.index(), h.status(), outputs);
  }

  private static <T> Optional<List<T>> read(
      String resultsDir, long start, long end, Decoder<T> decoder, boolean alias) {
    String file = path(resultsDir, start, end);
    byte[] bytes;
    try {
      MatchResult match = FileSystems.match(file);
      if (match.status() != MatchResult.Status.OK || match.metadata().isEmpty()) {
        return Optional.empty();
      }
      try (InputStream raw =
          Channels.newInputStream(
              org.flytebeam.exec.process.LocalFiles.open(match.metadata().get(0).resourceId()))) {
        bytes = raw.readAllBytes();
      }
    } catch (java.io.FileNotFoundException | java.nio.file.NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read results from [" + file + "]", e);
    }
    CodedInputStream in = CodedInputStream.newInstance(bytes);
    // Output bytes read as they are share the file's array rather than being copied.
    in.enableAliasing(alias);
    try {
      return Optional.of(parse(in, start, end, decoder));
    } catch (IOException
        | IllegalStateException
        | IllegalArgumentException
        | IndexOutOfBoundsException e) {
      // Truncated or foreign: treated as missing, so the range runs (again).
      return Optional.empty();
    }
  }

  private static <T> List<T> parse(CodedInputStream in, long start, long end, Decoder<T> decoder)
      throws IOException {
    if (in.readFixed32() != MAGIC || in.readInt64() != start || in.readInt64() != end) {
      throw new IllegalStateException("not a result file of this range");
    }
    int count = in.readUInt32();
    if (count < 0 || count > end - start) {
      throw new IllegalStateException("bad count");
    }
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
    if (in.readFixed32() != TRAILER || !in.isAtEnd()) {
      throw new IllegalStateException("truncated result file");
    }
    return outcomes;
  }
}
