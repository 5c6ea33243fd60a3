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
import org.flytebeam.exec.InvokerContext;
import org.flytebeam.exec.Invokers;
import org.flytebeam.exec.MapInputs;
import org.flytebeam.exec.ProcessSettings;
import org.flytebeam.spec.MapTaskSpec;

/**
 * Everything a worker needs to run its share of one map: the spec, where the run's folder is, the
 * size and threshold, and how the elements are cut into lanes of ranges. Made on the driver by
 * {@link #prepare}, which checks the inputs and writes them once to the run folder.
 *
 * @param runId unique per run; names the run's fail-fast control
 * @param workDir the run's folder, on any path Beam's FileSystems can open from every worker
 * @param spec the map task
 * @param size number of elements
 * @param required successes needed
 * @param shards lanes of index ranges
 * @param process how sub-tasks that run as processes are run
 * @param warnings what the driver should say once before the run, e.g. that an image is not used
 */
public record MapRunPlan(
    String runId,
    String workDir,
    MapTaskSpec spec,
    long size,
    long required,
    List<Shard> shards,
    ProcessSettings process,
    List<String> warnings)
    implements Serializable {

  /** Longest range: enough elements that Beam's per-element cost is spread thin. */
  static final int MAX_RANGE = 2048;
  /** Ranges a map is cut into at least, so that workers stay balanced on uneven elements. */
  static final int MIN_RANGES = 64;

  private static final Map<String, MapInputs> INPUTS = new ConcurrentHashMap<>();

  public MapRunPlan {
    requireNonNull(runId, "runId");
    requireNonNull(workDir, "workDir");
    requireNonNull(spec, "spec");
    shards = List.copyOf(shards);
    requireNonNull(process, "process");
    warnings = List.copyOf(warnings);
  }

  /**
   * Checks the node inputs against the spec (sizes, types), checks the sub-task can run, writes the
   * inputs to the run folder and plans the lanes.
   */
  public static MapRunPlan prepare(
      MapTaskSpec spec, LiteralMap workflowInputs, String workDir, String runId) {
    return prepare(spec, workflowInputs, workDir, runId, ProcessSettings.defaults());
  }

  /** As {@link #prepare(MapTaskSpec, LiteralMap, String, String)}, processes run by {@code process}. */
  public static MapRunPlan prepare(
      MapTaskSpec spec,
      LiteralMap workflowInputs,
      String workDir,
      String runId,
      ProcessSettings process) {
    LiteralMap nodeInputs = MapInputs.resolveNodeInputs(spec, workflowInputs);
    MapInputs inputs = MapInputs.of(spec, nodeInputs);
    List<String> warnings =
        Invokers.checkRunnable(invokerContext(spec, workDir, runId, process));
    long size = inputs.size();
    MapRunPlan plan =
        new MapRunPlan(
            runId,
            workDir,
            spec,
            size,
            spec.requiredSuccesses(size),
            planShards(size, spec.parallelism().orElse(0)),
            process,
            warnings);
    writeBytes(plan.inputsFile(), nodeInputs.toByteArray());
    return plan;
  }

  /** What a worker's invoker is told of this run. */
  public InvokerContext invokerContext() {
    return invokerContext(spec, workDir, runId, process);
  }

  private static InvokerContext invokerContext(
      MapTaskSpec spec, String workDir, String runId, ProcessSettings process) {
    return new InvokerContext(
        spec.subTask(),
        spec.form(),
        spec.dataMode(),
        spec.name(),
        runId,
        workDir,
        inputsFile(workDir),
        process);
  }

  private static String inputsFile(String workDir) {
    return join(workDir, "inputs.pb");
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
    return inputsFile(workDir);
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
            return MapInputs.of(spec, LiteralMap.parseFrom(readBytes(file)));
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
