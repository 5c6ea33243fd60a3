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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.util.MimeTypes;
import org.apache.beam.sdk.util.SerializableUtils;
import org.flytebeam.cache.CacheSettings;
import org.flytebeam.exec.ElementSource;
import org.flytebeam.exec.IndexTask;
import org.flytebeam.exec.InputReferences;
import org.flytebeam.exec.InvokerContext;
import org.flytebeam.exec.Invokers;
import org.flytebeam.exec.MapInputs;
import org.flytebeam.exec.ProcessSettings;
import org.flytebeam.idl.DefinitionReader;
import org.flytebeam.idl.DefinitionWriter;
import org.flytebeam.spec.MapTaskSpec;

/**
 * Everything a worker needs to run its share of one map: the spec, where the run's folder is, the
 * size and threshold, and how the elements are cut into lanes of ranges. Made on the driver by
 * {@link #prepare}, which checks the inputs and writes them once to the run folder.
 *
 * <p>The run id names the run's fail-fast control; the run folder is on any path Beam's FileSystems
 * can open from every worker; shards are the lanes of index ranges; the process settings say how
 * sub-tasks that run as processes are run; the warnings are what the driver says once before the
 * run (e.g. that a container's image is not used); the cache settings say where a cacheable
 * sub-task's element outputs are looked up and stored.
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
  private final ProcessSettings process;
  private final List<String> warnings;
  private final CacheSettings cache;
  // Null: the driver assembles the outputs; else the workers write them there (OutputShards).
  private final String outputsDir;
  // What executors in other JVMs show the driver's progress endpoint: it reaches them inside this
  // plan (Spark's own channel), never through the run folder.
  private final String progressSecret;
  // The node inputs when they were not written to the run folder (every worker is in this JVM and
  // none reads the file): what inputs() reads after release(), e.g. for the report. Never travels:
  // such a plan has no workers elsewhere.
  private final transient LiteralMap unwrittenInputs;
  // Every lane runs in this JVM: a lane with nothing left takes ranges no lane has started.
  private final boolean sharedRanges;

  public MapRunPlan(
      String runId,
      String workDir,
      MapTaskSpec spec,
      long size,
      long required,
      List<Shard> shards) {
    this(runId, workDir, spec, size, required, shards, ProcessSettings.defaults(), List.of());
  }

  public MapRunPlan(
      String runId,
      String workDir,
      MapTaskSpec spec,
      long size,
      long required,
      List<Shard> shards,
      ProcessSettings process,
      List<String> warnings) {
    this(
        runId,
        workDir,
        spec,
        size,
        required,
        shards,
        process,
        warnings,
        CacheSettings.disabled(),
        null,
        org.flytebeam.exec.RunProgress.newSecret(),
        null,
        false);
  }

  private MapRunPlan(
      String runId,
      String workDir,
      MapTaskSpec spec,
      long size,
      long required,
      List<Shard> shards,
      ProcessSettings process,
      List<String> warnings,
      CacheSettings cache,
      String outputsDir,
      String progressSecret,
      LiteralMap unwrittenInputs,
      boolean sharedRanges) {
    this.runId = requireNonNull(runId, "runId");
    this.workDir = requireNonNull(workDir, "workDir");
    this.spec = requireNonNull(spec, "spec");
    this.size = size;
    this.required = required;
    this.shards = List.copyOf(shards);
    this.process = requireNonNull(process, "process");
    this.warnings = List.copyOf(warnings);
    this.cache = requireNonNull(cache, "cache");
    this.outputsDir = outputsDir;
    this.progressSecret = requireNonNull(progressSecret, "progressSecret");
    this.unwrittenInputs = unwrittenInputs;
    this.sharedRanges = sharedRanges;
  }

  /** The secret that executors' progress posts carry (see the runner's progress endpoint). */
  public String progressSecret() {
    return progressSecret;
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

  public ProcessSettings process() {
    return process;
  }

  /** What to say once before the run, e.g. that a container's image is not used. */
  public List<String> warnings() {
    return warnings;
  }

  /** Where and how the sub-task's element cache is used; disabled unless set. */
  public CacheSettings cache() {
    return cache;
  }

  /**
   * This plan with the element cache {@code cache} and {@code moreWarnings} said before the run.
   * Does not modify this plan.
   */
  public MapRunPlan withCache(CacheSettings cache, List<String> moreWarnings) {
    List<String> all = new ArrayList<>(warnings);
    all.addAll(moreWarnings);
    return new MapRunPlan(
        runId,
        workDir,
        spec,
        size,
        required,
        shards,
        process,
        all,
        cache,
        outputsDir,
        progressSecret,
        unwrittenInputs,
        sharedRanges);
  }

  /**
   * A copy of this plan whose workers write the outputs as shards in {@code outputsDir} (any
   * FileSystems path every worker can write) rather than leaving them for the driver to assemble:
   * see {@link org.flytebeam.exec.OutputShards}.
   */
  public MapRunPlan withOutputsDir(String outputsDir) {
    requireNonNull(outputsDir, "outputsDir");
    return new MapRunPlan(
        runId,
        workDir,
        spec,
        size,
        required,
        shards,
        process,
        warnings,
        cache,
        outputsDir,
        progressSecret,
        unwrittenInputs,
        sharedRanges);
  }

  /** Where the workers write the outputs as shards; empty: the driver assembles them. */
  public Optional<String> outputsDir() {
    return Optional.ofNullable(outputsDir);
  }

  /** The map node's output names (the sub-task's), in the order of each element's outputs. */
  public List<String> outputNames() {
    return List.copyOf(spec.subTask().scalarInterface().getOutputs().getVariablesMap().keySet());
  }

  private void writeObject(java.io.ObjectOutputStream out) throws IOException {
    out.defaultWriteObject();
    // The flyteidl form has no task node: the form travels beside it.
    out.writeUTF(spec.form().name());
    byte[] bytes = DefinitionWriter.toBinary(spec);
    out.writeInt(bytes.length);
    out.write(bytes);
  }

  private void readObject(java.io.ObjectInputStream in) throws IOException, ClassNotFoundException {
    in.defaultReadObject();
    MapTaskSpec.Form form = MapTaskSpec.Form.valueOf(in.readUTF());
    byte[] bytes = new byte[in.readInt()];
    in.readFully(bytes);
    spec = DefinitionReader.read(bytes, false).withForm(form);
  }

  /**
   * Checks the node inputs against the spec (sizes, types), checks the sub-task can run, writes the
   * inputs to the run folder (for workers in other JVMs) and plans the lanes.
   */
  public static MapRunPlan prepare(
      MapTaskSpec spec, LiteralMap workflowInputs, String workDir, String runId) {
    return prepare(spec, workflowInputs, workDir, runId, ProcessSettings.defaults());
  }

  /**
   * As {@link #prepare(MapTaskSpec, LiteralMap, String, String)}, sub-tasks that run as processes
   * run as {@code process} says; an index pass over inputs given by reference runs in this JVM.
   */
  public static MapRunPlan prepare(
      MapTaskSpec spec,
      LiteralMap workflowInputs,
      String workDir,
      String runId,
      ProcessSettings process) {
    return prepare(spec, workflowInputs, workDir, runId, process, InputIndexer.inProcess());
  }

  /**
   * As {@link #prepare(MapTaskSpec, LiteralMap, String, String, ProcessSettings)}; mapped inputs
   * given by reference (JSON Lines, file patterns, offloaded literals: see {@link InputReferences})
   * are counted by an index pass that {@code indexer} runs, so that the driver knows their sizes
   * without reading their items.
   */
  public static MapRunPlan prepare(
      MapTaskSpec spec,
      LiteralMap workflowInputs,
      String workDir,
      String runId,
      ProcessSettings process,
      InputIndexer indexer) {
    return prepare(spec, workflowInputs, workDir, runId, process, indexer, false);
  }

  /**
   * As {@link #prepare(MapTaskSpec, LiteralMap, String, String, ProcessSettings, InputIndexer)};
   * {@code workersInThisJvm}: every worker runs in this JVM (the DirectRunner, Spark {@code
   * local[N]}), so that the inputs need not be written to the run folder unless the sub-task itself
   * reads them there (a process task's {@code {{.input}}}): workers in this JVM use the checked
   * inputs as they are, and {@link #inputs()} keeps them after {@link #release()}.
   */
  public static MapRunPlan prepare(
      MapTaskSpec spec,
      LiteralMap workflowInputs,
      String workDir,
      String runId,
      ProcessSettings process,
      InputIndexer indexer,
      boolean workersInThisJvm) {
    LiteralMap resolved = MapInputs.resolveNodeInputs(spec, workflowInputs);
    InputReferences references = InputReferences.find(spec, resolved, join(workDir, "index"));
    LiteralMap nodeInputs = references.nodeInputs();
    List<String> warnings =
        Invokers.checkRunnable(invokerContext(spec, workDir, runId, process, false));
    Map<String, ElementSource> sources = Map.of();
    if (!references.isEmpty()) {
      // Everything but the references' lengths is checked before the pass reads their files.
      MapInputs.of(spec, nodeInputs, references.pending());
      List<IndexTask> tasks = references.tasks();
      if (!tasks.isEmpty()) {
        indexer.run(new IndexInputs(tasks));
      }
      sources = references.sources();
    }
    MapInputs inputs = MapInputs.of(spec, nodeInputs, sources);
    long size = inputs.size();
    // Only a process sub-task reads the inputs file itself; Java tasks and workflow elements get
    // their values from MapInputs.
    boolean write = !workersInThisJvm || !readsValuesOnly(spec);
    MapRunPlan plan =
        new MapRunPlan(
            runId,
            workDir,
            spec,
            size,
            spec.requiredSuccesses(size),
            planShards(size, spec.parallelism().orElse(0)),
            process,
            warnings,
            CacheSettings.disabled(),
            null,
            org.flytebeam.exec.RunProgress.newSecret(),
            write ? null : nodeInputs,
            workersInThisJvm);
    if (write) {
      writeBytes(plan.inputsFile(), nodeInputs.toByteArray());
    }
    if (!sources.isEmpty()) {
      writeBytes(
          plan.sourcesFile(), SerializableUtils.serializeToByteArray(new LinkedHashMap<>(sources)));
    }
    // Workers in this JVM (DirectRunner, Spark local) use the checked inputs as they are.
    INPUTS.put(plan.inputsFile(), inputs);
    // The driver's progress exists before any worker: workers in this JVM count into it.
    org.flytebeam.exec.RunProgress.forRun(runId);
    return plan;
  }

  /** Whether the sub-task's elements get their inputs as values alone, never from the file. */
  private static boolean readsValuesOnly(MapTaskSpec spec) {
    return spec.subTask().isJavaTask()
        || org.flytebeam.graph.WorkflowElements.is(spec.subTask().template());
  }

  /** Whether the node inputs were written to {@link #inputsFile()} (false: kept in memory). */
  public boolean inputsWritten() {
    return unwrittenInputs == null;
  }

  static List<Shard> planShards(long size, int parallelism) {
    return planShards(size, parallelism, Integer.MAX_VALUE);
  }

  /**
   * This plan with its ranges in at most {@code maxLanes} lanes, for a runner whose workers run
   * that many at once at most usefully: a lane per range costs a runner with few workers more in
   * shuffle keys than it gains in balance (the DirectRunner's bookkeeping grows with the keys). A
   * smaller parallelism still wins. Does not modify this plan.
   */
  public MapRunPlan withMaxLanes(int maxLanes) {
    if (maxLanes < 1) {
      throw new IllegalArgumentException("maxLanes [" + maxLanes + "] must be at least 1");
    }
    if (shards.size() <= maxLanes) {
      return this;
    }
    return new MapRunPlan(
        runId,
        workDir,
        spec,
        size,
        required,
        planShards(size, spec.parallelism().orElse(0), maxLanes),
        process,
        warnings,
        cache,
        outputsDir,
        progressSecret,
        unwrittenInputs,
        sharedRanges);
  }

  static List<Shard> planShards(long size, int parallelism, int maxLanes) {
    long rangeLength = Math.max(1, Math.min(MAX_RANGE, (size + MIN_RANGES - 1) / MIN_RANGES));
    List<IndexRange> ranges = new ArrayList<>();
    for (long start = 0; start < size; start += rangeLength) {
      ranges.add(new IndexRange(start, Math.min(size, start + rangeLength)));
    }
    int lanes =
        Math.min(maxLanes, parallelism > 0 ? Math.min(parallelism, ranges.size()) : ranges.size());
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

  /**
   * Whether the lanes share their ranges: every worker runs in this JVM (the DirectRunner, Spark
   * {@code local[N]}), so a lane with no range of its own left runs the next range no lane has
   * started, its own or another lane's (see {@link SharedRanges}). Lanes still run one element at a
   * time each, so the map's parallelism bound holds.
   */
  public boolean sharedRanges() {
    return sharedRanges;
  }

  /** What a worker's invoker is told of this run. */
  public InvokerContext invokerContext() {
    return invokerContext(spec, workDir, runId, process, inputs().hasReferences());
  }

  private static InvokerContext invokerContext(
      MapTaskSpec spec,
      String workDir,
      String runId,
      ProcessSettings process,
      boolean byReference) {
    return new InvokerContext(
        spec.subTask(),
        spec.form(),
        spec.dataMode(),
        spec.name(),
        runId,
        workDir,
        inputsFile(workDir),
        process,
        byReference,
        java.util.Set.copyOf(spec.boundInputs()));
  }

  public String inputsFile() {
    return inputsFile(workDir);
  }

  private static String inputsFile(String workDir) {
    return join(workDir, "inputs.pb");
  }

  /** The item sources of the inputs given by reference (written only when there are some). */
  public String sourcesFile() {
    return join(workDir, "sources.bin");
  }

  /**
   * The file whose presence stops the run on every worker (see {@link
   * org.flytebeam.exec.RunControl#abort}).
   */
  public String stopFile() {
    return stopFile(workDir);
  }

  /** The stop file of the run whose folder is {@code workDir}. */
  public static String stopFile(String workDir) {
    return join(workDir, "stop");
  }

  public String resultsDir() {
    return join(workDir, "results");
  }

  public String verdictFile() {
    return join(workDir, "verdict.bin");
  }

  /**
   * The checked inputs: those {@link #prepare} checked, in its JVM; else read from the run folder
   * once per JVM (or, after {@link #release()}, checked again from the inputs kept in memory when
   * they were not written).
   */
  public MapInputs inputs() {
    return INPUTS.computeIfAbsent(
        inputsFile(),
        file -> {
          try {
            LiteralMap nodeInputs =
                unwrittenInputs != null ? unwrittenInputs : LiteralMap.parseFrom(readBytes(file));
            if (!MapInputs.hasReferences(spec, nodeInputs)) {
              return MapInputs.checked(spec, nodeInputs);
            }
            @SuppressWarnings("unchecked")
            Map<String, ElementSource> sources =
                (Map<String, ElementSource>)
                    SerializableUtils.deserializeFromByteArray(
                        readBytes(sourcesFile()), "input sources");
            return MapInputs.checked(spec, nodeInputs, sources);
          } catch (IOException e) {
            throw new UncheckedIOException("cannot read map inputs [" + file + "]", e);
          }
        });
  }

  /** Drops what this JVM cached for the run. */
  public void release() {
    INPUTS.remove(inputsFile());
    org.flytebeam.exec.RunControl.release(runId);
    org.flytebeam.exec.RunProgress.release(runId);
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
