package org.flytebeam.beam;

import static java.util.Objects.requireNonNull;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.WireFormat;
import flyteidl.core.Literals.Literal;
import flyteidl.core.Literals.LiteralCollection;
import flyteidl.core.Literals.LiteralMap;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import org.apache.beam.sdk.util.SerializableUtils;
import org.flytebeam.FlyteBeamException;
import org.flytebeam.exec.ElementOutcome;
import org.flytebeam.exec.OutputShards;
import org.flytebeam.exec.RangeResults;
import org.flytebeam.types.Literals;
import org.flytebeam.types.PrimitiveLiterals;

/**
 * The result of a finished map: the verdict, the outputs gathered in index order (a {@code none}
 * literal for each element that did not succeed) or, when the workers wrote them to an outputs
 * folder, blobs of its shards; and each element's outcome, streamed from the run folder rather than
 * held in memory.
 */
public final class MapResult {
  // A protobuf map is a list of entries whose key is field 1 and value field 2.
  private static final int MAP_KEY = 1;
  private static final int MAP_VALUE = 2;

  private final MapRunPlan plan;
  private final MapVerdict verdict;

  private MapResult(MapRunPlan plan, MapVerdict verdict) {
    this.plan = requireNonNull(plan, "plan");
    this.verdict = requireNonNull(verdict, "verdict");
  }

  /** Reads the result of a run whose pipeline has finished. */
  public static MapResult read(MapRunPlan plan) {
    try {
      MapVerdict verdict =
          (MapVerdict)
              SerializableUtils.deserializeFromByteArray(
                  MapRunPlan.readBytes(plan.verdictFile()), "verdict");
      return new MapResult(plan, verdict);
    } catch (IOException e) {
      throw new FlyteBeamException(
          "the map's verdict is missing from ["
              + plan.verdictFile()
              + "]: the pipeline did not finish",
          e);
    }
  }

  /** The result of a map with no elements, or that failed before any ran; nothing was executed. */
  public static MapResult withoutRun(MapRunPlan plan, MapVerdict verdict) {
    return new MapResult(plan, verdict);
  }

  public MapRunPlan plan() {
    return plan;
  }

  public MapVerdict verdict() {
    return verdict;
  }

  public boolean success() {
    return verdict.success();
  }

  /** Every element's outcome in index order; elements that never ran are {@code ABORTED}. */
  public Iterator<ElementOutcome> outcomes() {
    List<IndexRange> ranges = ranges();
    return new Iterator<>() {
      private int next;
      private Iterator<ElementOutcome> current = java.util.Collections.emptyIterator();

      @Override
      public boolean hasNext() {
        while (!current.hasNext() && next < ranges.size()) {
          IndexRange range = ranges.get(next++);
          Optional<List<ElementOutcome>> read =
              RangeResults.read(plan.resultsDir(), range.start(), range.end());
          current = read.map(List::iterator).orElseGet(() -> abortedRange(range));
        }
        return current.hasNext();
      }

      @Override
      public ElementOutcome next() {
        if (!hasNext()) {
          throw new NoSuchElementException();
        }
        return current.next();
      }
    };
  }

  private List<IndexRange> ranges() {
    List<IndexRange> ranges = new ArrayList<>();
    for (Shard shard : plan.shards()) {
      ranges.addAll(shard.ranges());
    }
    ranges.sort((a, b) -> Long.compare(a.start(), b.start()));
    return ranges;
  }

  private static Iterator<ElementOutcome> abortedRange(IndexRange range) {
    List<ElementOutcome> aborted = new ArrayList<>((int) range.length());
    for (long i = range.start(); i < range.end(); i++) {
      aborted.add(ElementOutcome.aborted(i));
    }
    return aborted.iterator();
  }

  /**
   * The map node's outputs: per output variable, one list in index order. When the workers wrote
   * the outputs to an outputs folder ({@link MapRunPlan#outputsDir()}), one multipart {@code jsonl}
   * blob of its shards per output instead, and nothing is read.
   */
  public LiteralMap nodeOutputs() {
    List<String> names = plan.outputNames();
    if (plan.outputsDir().isPresent()) {
      return OutputShards.references(plan.outputsDir().get(), names);
    }
    List<LiteralCollection.Builder> lists = new ArrayList<>();
    for (int k = 0; k < names.size(); k++) {
      lists.add(LiteralCollection.newBuilder());
    }
    Literal none = Literals.none();
    for (Iterator<ElementOutcome> it = outcomes(); it.hasNext(); ) {
      ElementOutcome o = it.next();
      for (int k = 0; k < names.size(); k++) {
        lists.get(k).addLiterals(o.status().succeeded() ? o.outputs().get(k) : none);
      }
    }
    LiteralMap.Builder out = LiteralMap.newBuilder();
    for (int k = 0; k < names.size(); k++) {
      out.putLiterals(names.get(k), Literal.newBuilder().setCollection(lists.get(k)).build());
    }
    return out.build();
  }

  /**
   * The workflow's outputs, bound to the map node's outputs: lists assembled in index order, or,
   * with an outputs folder, multipart blobs of its shards (see {@link #nodeOutputs()}).
   */
  public LiteralMap outputs() {
    LiteralMap node = nodeOutputs();
    if (plan.spec().workflowOutputs().isEmpty()) {
      return node;
    }
    LiteralMap.Builder out = LiteralMap.newBuilder();
    for (Map.Entry<String, String> e : plan.spec().workflowOutputs().entrySet()) {
      Literal value = node.getLiteralsMap().get(e.getValue());
      if (value == null) {
        throw new UncheckedIOException(new IOException("no node output [" + e.getValue() + "]"));
      }
      out.putLiterals(e.getKey(), value);
    }
    return out.build();
  }

  /**
   * Writes {@link #outputs()} as a binary LiteralMap. Lists are streamed from the run folder: each
   * element's output literal is copied as it was serialized, so memory stays that of one range
   * whatever the number of elements. Reads the result files once per output, plus once to size the
   * lists. With an outputs folder, writes the blobs that refer to its shards.
   *
   * @throws FlyteBeamException when the outputs are more than a LiteralMap can hold (2 GiB)
   */
  public void writeOutputs(OutputStream stream) throws IOException {
    if (plan.outputsDir().isPresent()) {
      // The workers wrote the elements' outputs: these are the blobs that refer to them.
      outputs().writeTo(stream);
      return;
    }
    List<String> nodeNames =
        new ArrayList<>(
            plan.spec().subTask().scalarInterface().getOutputs().getVariablesMap().keySet());
    // Per output of the map: its name and which sub-task output it is.
    Map<String, Integer> outputs = new LinkedHashMap<>();
    if (plan.spec().workflowOutputs().isEmpty()) {
      for (int k = 0; k < nodeNames.size(); k++) {
        outputs.put(nodeNames.get(k), k);
      }
    } else {
      for (Map.Entry<String, String> e : plan.spec().workflowOutputs().entrySet()) {
        int k = nodeNames.indexOf(e.getValue());
        if (k < 0) {
          throw new IOException("no node output [" + e.getValue() + "]");
        }
        outputs.put(e.getKey(), k);
      }
    }
    List<IndexRange> ranges = ranges();
    int n = nodeNames.size();
    long[] listSizes = new long[n];
    for (IndexRange range : ranges) {
      forEachOutput(
          range, n, (k, kind, bits, bytes) -> listSizes[k] += itemSize(kind, bits, bytes));
    }
    CodedOutputStream out = CodedOutputStream.newInstance(stream, 1 << 16);
    for (Map.Entry<String, Integer> output : outputs.entrySet()) {
      int k = output.getValue();
      long list = listSizes[k];
      long literal =
          CodedOutputStream.computeTagSize(Literal.COLLECTION_FIELD_NUMBER)
              + CodedOutputStream.computeUInt64SizeNoTag(list)
              + list;
      long entry =
          CodedOutputStream.computeStringSize(MAP_KEY, output.getKey())
              + CodedOutputStream.computeTagSize(MAP_VALUE)
              + CodedOutputStream.computeUInt64SizeNoTag(literal)
              + literal;
      if (entry > Integer.MAX_VALUE) {
        throw new FlyteBeamException(
            String.format(
                "output [%s] is %d bytes, more than a LiteralMap can hold: write the outputs as"
                    + " sharded files instead (--outputs-dir)",
                output.getKey(), entry));
      }
      out.writeTag(LiteralMap.LITERALS_FIELD_NUMBER, WireFormat.WIRETYPE_LENGTH_DELIMITED);
      out.writeUInt64NoTag(entry);
      out.writeString(MAP_KEY, output.getKey());
      out.writeTag(MAP_VALUE, WireFormat.WIRETYPE_LENGTH_DELIMITED);
      out.writeUInt64NoTag(literal);
      out.writeTag(Literal.COLLECTION_FIELD_NUMBER, WireFormat.WIRETYPE_LENGTH_DELIMITED);
      out.writeUInt64NoTag(list);
      for (IndexRange range : ranges) {
        forEachOutput(
            range,
            n,
            (j, kind, bits, bytes) -> {
              if (j == k) {
                writeItem(out, kind, bits, bytes);
              }
            });
      }
    }
    out.flush();
  }

  // An element's output that is none: it did not succeed (or its range never ran).
  private static final int NONE = -1;
  private static final ByteString NONE_BYTES = Literals.none().toByteString();

  /** The size of one output as an item of the list: its tag, length and literal. */
  private static long itemSize(int kind, long bits, ByteString bytes) {
    int literal = literalSize(kind, bits, bytes);
    return (long) CodedOutputStream.computeTagSize(LiteralCollection.LITERALS_FIELD_NUMBER)
        + CodedOutputStream.computeUInt32SizeNoTag(literal)
        + literal;
  }

  private static int literalSize(int kind, long bits, ByteString bytes) {
    switch (kind) {
      case NONE:
        return NONE_BYTES.size();
      case PrimitiveLiterals.LITERAL:
        return bytes.size();
      default:
        return PrimitiveLiterals.literalSize(kind, bits, bytes);
    }
  }

  private static void writeItem(CodedOutputStream out, int kind, long bits, ByteString bytes)
      throws IOException {
    out.writeTag(LiteralCollection.LITERALS_FIELD_NUMBER, WireFormat.WIRETYPE_LENGTH_DELIMITED);
    out.writeUInt32NoTag(literalSize(kind, bits, bytes));
    switch (kind) {
      case NONE:
        out.writeRawBytes(NONE_BYTES);
        break;
      case PrimitiveLiterals.LITERAL:
        out.writeRawBytes(bytes);
        break;
      default:
        PrimitiveLiterals.writeLiteral(out, kind, bits, bytes);
    }
  }

  private interface OutputVisitor {
    void accept(int output, int kind, long bits, ByteString bytes) throws IOException;
  }

  /**
   * Each element's outputs in the range, in index order, as the range file holds them; {@link
   * #NONE} for those that did not succeed, and for every element of a range without a file.
   */
  private void forEachOutput(IndexRange range, int outputs, OutputVisitor visitor)
      throws IOException {
    boolean read =
        RangeResults.visitOutputs(
            plan.resultsDir(),
            range.start(),
            range.end(),
            outputs,
            (index, succeeded, k, kind, bits, bytes) ->
                visitor.accept(k, succeeded ? kind : NONE, bits, bytes));
    if (!read) {
      for (long i = range.start(); i < range.end(); i++) {
        for (int k = 0; k < outputs; k++) {
          visitor.accept(k, NONE, 0, null);
        }
      }
    }
  }
}
