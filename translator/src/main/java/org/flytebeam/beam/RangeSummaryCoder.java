package org.flytebeam.beam;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import org.apache.beam.sdk.coders.CoderException;
import org.apache.beam.sdk.coders.CustomCoder;
import org.apache.beam.sdk.coders.SerializableCoder;
import org.apache.beam.sdk.util.VarInt;
import org.flytebeam.cache.CacheCounts;
import org.flytebeam.exec.ErrorGroups;
import org.flytebeam.exec.NodeCounts;

/**
 * The coder of a {@link RangeSummary}: its counts as variable-length integers, written once per
 * range (every range's summary crosses into the combine step, and the DirectRunner encodes each
 * element it checks). Java serialization, which this replaces, resolved the record's classes and
 * their fields again for every summary: about half a millisecond each on the JIT's first tier, a
 * quarter of the worker threads' time on a map of a million trivial elements. The rare part, a
 * range's failures by message ({@link ErrorGroups}), is still written with Java serialization, and
 * only when the range has failures.
 */
final class RangeSummaryCoder extends CustomCoder<RangeSummary> {
  private static final long serialVersionUID = 1L;

  private static final RangeSummaryCoder INSTANCE = new RangeSummaryCoder();

  private static final SerializableCoder<ErrorGroups> ERRORS =
      SerializableCoder.of(ErrorGroups.class);

  // What follows the counts for the range's failures.
  private static final int NO_ERRORS = 0;
  private static final int EMPTY_ERRORS = 1;
  private static final int SERIALIZED_ERRORS = 2;

  private RangeSummaryCoder() {}

  static RangeSummaryCoder of() {
    return INSTANCE;
  }

  @Override
  public void encode(RangeSummary s, OutputStream out) throws IOException {
    if (s == null) {
      throw new CoderException("cannot encode a null range summary");
    }
    VarInt.encode(s.range().start(), out);
    VarInt.encode(s.range().end(), out);
    VarInt.encode(s.succeeded(), out);
    VarInt.encode(s.failed(), out);
    VarInt.encode(s.timedOut(), out);
    VarInt.encode(s.aborted(), out);
    VarInt.encode(s.executedAttempts(), out);
    CacheCounts cache = s.cache();
    VarInt.encode(cache.hits(), out);
    VarInt.encode(cache.unreadable(), out);
    VarInt.encode(cache.unwritten(), out);
    writeBytes(cache.firstProblem().getBytes(StandardCharsets.UTF_8), out);
    NodeCounts nodes = s.nodes();
    VarInt.encode(nodes.started(), out);
    VarInt.encode(nodes.succeeded(), out);
    VarInt.encode(nodes.failed(), out);
    VarInt.encode(nodes.cacheHits(), out);
    ErrorGroups errors = s.errors();
    if (errors == null) {
      out.write(NO_ERRORS);
    } else if (errors.isEmpty()) {
      out.write(EMPTY_ERRORS);
    } else {
      out.write(SERIALIZED_ERRORS);
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      ERRORS.encode(errors, bytes);
      writeBytes(bytes.toByteArray(), out);
    }
  }

  @Override
  public RangeSummary decode(InputStream in) throws IOException {
    IndexRange range;
    try {
      range = new IndexRange(VarInt.decodeLong(in), VarInt.decodeLong(in));
    } catch (IllegalArgumentException e) {
      throw new CoderException("not a range summary: " + e.getMessage(), e);
    }
    long succeeded = VarInt.decodeLong(in);
    long failed = VarInt.decodeLong(in);
    long timedOut = VarInt.decodeLong(in);
    long aborted = VarInt.decodeLong(in);
    long executed = VarInt.decodeLong(in);
    CacheCounts cache =
        new CacheCounts(
            VarInt.decodeLong(in),
            VarInt.decodeLong(in),
            VarInt.decodeLong(in),
            new String(readBytes(in), StandardCharsets.UTF_8));
    NodeCounts nodes =
        new NodeCounts(
            VarInt.decodeLong(in),
            VarInt.decodeLong(in),
            VarInt.decodeLong(in),
            VarInt.decodeLong(in));
    ErrorGroups errors;
    int kind = in.read();
    switch (kind) {
      case NO_ERRORS:
        errors = null;
        break;
      case EMPTY_ERRORS:
        errors = new ErrorGroups();
        break;
      case SERIALIZED_ERRORS:
        errors = ERRORS.decode(new ByteArrayInputStream(readBytes(in)));
        break;
      default:
        throw new CoderException("not a range summary: failures marked [" + kind + "]");
    }
    return new RangeSummary(
        range, succeeded, failed, timedOut, aborted, executed, errors, cache, nodes);
  }

  private static void writeBytes(byte[] bytes, OutputStream out) throws IOException {
    VarInt.encode(bytes.length, out);
    out.write(bytes);
  }

  private static byte[] readBytes(InputStream in) throws IOException {
    int length = VarInt.decodeInt(in);
    if (length < 0) {
      throw new CoderException("not a range summary: a length of [" + length + "]");
    }
    byte[] bytes = new byte[length];
    new DataInputStream(in).readFully(bytes);
    return bytes;
  }

  private Object readResolve() {
    return INSTANCE;
  }
}
