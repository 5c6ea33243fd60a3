package org.flytebeam.beam;

import static java.util.Objects.requireNonNull;

import flyteidl.core.Literals.LiteralMap;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.util.MimeTypes;
import org.flytebeam.exec.Invokers;
import org.flytebeam.idl.DefinitionReader;
import org.flytebeam.idl.DefinitionWriter;
import org.flytebeam.exec.MapInputs;
import org.flytebeam.spec.MapTaskSpec;

/**
 * Everything a worker needs to run its share of one map: the spec, where the run's folder is, the
 * size and threshold, and how the elements are cut into lanes of ranges. Made on the driver by
 * {@link #prepare}, which checks the inputs and writes them once to the run folder.
 *
 * <p>The run id names the run's fail-fast control; the run folder is on any path Beam's FileSystems
 * can open from every worker; shards are the lanes of index ranges.
 */
public final class MapRunPlan implements Serializable {
  private static final long serialVersionUID = 1L;

  /** Longest range: enough elements that Beam's per-element cost is spread thin. */
  static final int MAX_RANGE = 2048;
  /** Ranges a map is cut into at least, so that workers stay balanced on uneven elements. */
  static final int MIN_RANGES = 64;

  private static final Map<String, MapInputs> INPUTS = new ConcurrentHashMap<>();

  private final String runId;
  private final String workDir;
  // Travels as its flyteidl bytes: the spec holds Optionals, which Java serialization refuses.
  private transient MapTaskSpec spec;
  private final long size;
  private final long required;
  private final List<Shard> shards;

  public MapRunPlan(
      String runId, String workDir, MapTaskSpec spec, long size, long required, List<Shard> shards) {
    this.runId = requireNonNull(runId, "runId");
    this.workDir = requireNonNull(workDir, "workDir");
    this.spec = requireNonNull(spec, "spec");
    this.size = size;
    this.required = required;
    this.shards = List.copyOf(shards);
  }

  public String runId() {
    return runId;
  }

  public String workDir() {
    return workDir;
  }

  public MapTaskSpec spec() {
    return spec;
  }

  public long size() {
    return size;
  }

  public long required() {
    return required;
  }

  public List<Shard> shards() {
    return shards;
  }

  private void writeObject(java.io.ObjectOutputStream out) throws IOException {
    out.defaultWriteObject();
    byte[] bytes = DefinitionWriter.toBinary(spec);
    out.writeInt(bytes.length);
    out.write(bytes);
  }

  private void readObject(java.io.ObjectInputStream in) throws IOException, ClassNotFoundException {
    in.defaultReadObject();
    byte[] bytes = new byte[in.readInt()];
    in.readFully(bytes);
    spec = DefinitionReader.read(bytes, false);
  }

  /**
   * Checks the node inputs against the spec (sizes, types), checks the sub-task can run, writes the
   * inputs to the run folder and plans the lanes.
   */
  public static MapRunPlan prepare(
      MapTaskSpec spec, LiteralMap workflowInputs, String workDir, String runId) {
    LiteralMap nodeInputs = MapInputs.resolveNodeInputs(spec, workflowInputs);
    MapInputs inputs = MapInputs.of(spec, nodeInputs);
    Invokers.checkRunnable(spec.subTask());
    long size = inputs.size();
    MapRunPlan plan =
        new MapRunPlan(
            runId,
            workDir,
            spec,
            size,
            spec.requiredSuccesses(size),
            planShards(size, spec.parallelism().orElse(0)));
    writeBytes(plan.inputsFile(), nodeInputs.toByteArray());
    // Workers in this JVM (DirectRunner, Spark local) use the checked inputs as they are.
    INPUTS.put(plan.inputsFile(), inputs);
    return plan;
  }

  static List<Shard> planShards(long size, int parallelism) {
    long rangeLength = Math.max(1, Math.min(MAX_RANGE, (size + MIN_RANGES - 1) / MIN_RANGES));
    List<IndexRange> ranges = new ArrayList<>();
    for (long start = 0; start < size; start += rangeLength) {
      ranges.add(new IndexRange(start, Math.min(size, start + rangeLength)));
    }
    int lanes = parallelism > 0 ? Math.min(parallelism, ranges.size()) : ranges.size();
    List<List<IndexRange>> byLane = new ArrayList<>();
    for (int i = 0; i < lanes; i++) {
      byLane.add(new ArrayList<>());
    }
    for (int r = 0; r < ranges.size(); r++) {
      byLane.get(r % lanes).add(ranges.get(r));
    }
    List<Shard> shards = new ArrayList<>(lanes);
    for (int i = 0; i < lanes; i++) {
      shards.add(new Shard(i, byLane.get(i)));
    }
    return shards;
  }

  public String inputsFile() {
    return join(workDir, "inputs.pb");
  }

  public String resultsDir() {
    return join(workDir, "results");
  }

  public String verdictFile() {
    return join(workDir, "verdict.bin");
  }

  /** The checked inputs, read from the run folder once per JVM. */
  public MapInputs inputs() {
    return INPUTS.computeIfAbsent(
        inputsFile(),
        file -> {
          try {
            return MapInputs.checked(spec, LiteralMap.parseFrom(readBytes(file)));
          } catch (IOException e) {
            throw new UncheckedIOException("cannot read map inputs [" + file + "]", e);
          }
        });
  }

  /** Drops what this JVM cached for the run. */
  public void release() {
    INPUTS.remove(inputsFile());
    org.flytebeam.exec.RunControl.release(runId);
  }

  static String join(String dir, String name) {
    return dir.endsWith("/") ? dir + name : dir + "/" + name;
  }

  public static void writeBytes(String file, byte[] bytes) {
    try (OutputStream out =
        Channels.newOutputStream(
            FileSystems.create(FileSystems.matchNewResource(file, false), MimeTypes.BINARY))) {
      out.write(bytes);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write [" + file + "]", e);
    }
  }

  public static byte[] readBytes(String file) throws IOException {
    try (InputStream in =
        Channels.newInputStream(FileSystems.open(FileSystems.matchNewResource(file, false)))) {
      return in.readAllBytes();
    }
  }
}
