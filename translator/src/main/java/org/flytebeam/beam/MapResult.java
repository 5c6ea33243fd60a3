package org.flytebeam.beam;

import static java.util.Objects.requireNonNull;

import flyteidl.core.Literals.Literal;
import flyteidl.core.Literals.LiteralCollection;
import flyteidl.core.Literals.LiteralMap;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
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

/**
 * The result of a finished map: the verdict, the outputs gathered in index order (a {@code none}
 * literal for each element that did not succeed) or, when the workers wrote them to an outputs
 * folder, blobs of its shards; and each element's outcome, streamed from the run folder rather than
 * held in memory.
 */
public final class MapResult {
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
          "the map's verdict is missing from [" + plan.verdictFile() + "]: the pipeline did not finish", e);
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
    List<IndexRange> ranges = new ArrayList<>();
    for (Shard shard : plan.shards()) {
      ranges.addAll(shard.ranges());
    }
    ranges.sort((a, b) -> Long.compare(a.start(), b.start()));
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
}
