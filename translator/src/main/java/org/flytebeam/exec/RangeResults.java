package org.flytebeam.exec;

import flyteidl.core.Literals.Literal;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.fs.MatchResult;
import org.apache.beam.sdk.io.fs.MoveOptions.StandardMoveOptions;
import org.apache.beam.sdk.io.fs.ResourceId;
import org.apache.beam.sdk.util.MimeTypes;

/**
 * The outcomes of one range of elements, as one file in the run's folder, on any path Beam's {@link
 * FileSystems} can open. Written to a temporary name and renamed, so a reader sees a whole file or
 * none; a re-executed range (Spark after a lost executor) finds its file and is not run again.
 *
 * <p>Format: a magic number, start, end, count, then per element its index, status, attempts, start
 * time, duration, error and length-prefixed output literals; a trailer marks the end.
 */
public final class RangeResults {
  private static final int MAGIC = 0x46425231; // "FBR1"
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
    String temp = target + ".tmp-" + java.util.UUID.randomUUID();
    ResourceId tempId = FileSystems.matchNewResource(temp, false);
    try (OutputStream raw = Channels.newOutputStream(FileSystems.create(tempId, MimeTypes.BINARY));
        DataOutputStream out = new DataOutputStream(new BufferedOutputStream(raw, 1 << 16))) {
      out.writeInt(MAGIC);
      out.writeLong(start);
      out.writeLong(end);
      out.writeInt(outcomes.size());
      for (ElementOutcome o : outcomes) {
        out.writeLong(o.index());
        out.writeByte(o.status().ordinal());
        out.writeInt(o.attempts());
        out.writeLong(o.startEpochMillis());
        out.writeLong(o.durationMillis());
        writeString(out, o.error());
        out.writeInt(o.outputs().size());
        for (Literal literal : o.outputs()) {
          byte[] bytes = literal.toByteArray();
          out.writeInt(bytes.length);
          out.write(bytes);
        }
      }
      out.writeInt(TRAILER);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write results to [" + temp + "]", e);
    }
    try {
      FileSystems.rename(
          List.of(tempId),
          List.of(FileSystems.matchNewResource(target, false)),
          StandardMoveOptions.IGNORE_MISSING_FILES);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot rename [" + temp + "] to [" + target + "]", e);
    }
  }

  /** The outcomes of a range whose file is complete; empty when it is missing or unreadable. */
  public static Optional<List<ElementOutcome>> read(String resultsDir, long start, long end) {
    String file = path(resultsDir, start, end);
    try {
      MatchResult match = FileSystems.match(file);
      if (match.status() != MatchResult.Status.OK || match.metadata().isEmpty()) {
        return Optional.empty();
      }
      try (InputStream raw = Channels.newInputStream(FileSystems.open(match.metadata().get(0).resourceId()));
          DataInputStream in = new DataInputStream(new BufferedInputStream(raw, 1 << 16))) {
        return Optional.of(readAll(in, start, end));
      }
    } catch (EOFException | IllegalStateException e) {
      return Optional.empty();
    } catch (IOException e) {
      if (e instanceof java.io.FileNotFoundException) {
        return Optional.empty();
      }
      throw new UncheckedIOException("cannot read results from [" + file + "]", e);
    }
  }

  private static List<ElementOutcome> readAll(DataInputStream in, long start, long end)
      throws IOException {
    if (in.readInt() != MAGIC || in.readLong() != start || in.readLong() != end) {
      throw new IllegalStateException("not a result file of this range");
    }
    int count = in.readInt();
    List<ElementOutcome> outcomes = new ArrayList<>(count);
    ElementStatus[] statuses = ElementStatus.values();
    for (int i = 0; i < count; i++) {
      long index = in.readLong();
      ElementStatus status = statuses[in.readByte()];
      int attempts = in.readInt();
      long startMillis = in.readLong();
      long duration = in.readLong();
      String error = readString(in);
      int n = in.readInt();
      List<Literal> outputs = new ArrayList<>(n);
      for (int k = 0; k < n; k++) {
        byte[] bytes = new byte[in.readInt()];
        in.readFully(bytes);
        outputs.add(Literal.parseFrom(bytes));
      }
      outcomes.add(new ElementOutcome(index, status, attempts, startMillis, duration, error, outputs));
    }
    if (in.readInt() != TRAILER) {
      throw new IllegalStateException("truncated result file");
    }
    return outcomes;
  }

  private static void writeString(DataOutputStream out, String s) throws IOException {
    byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
    out.writeInt(bytes.length);
    out.write(bytes);
  }

  private static String readString(DataInputStream in) throws IOException {
    byte[] bytes = new byte[in.readInt()];
    in.readFully(bytes);
    return new String(bytes, StandardCharsets.UTF_8);
  }
}
