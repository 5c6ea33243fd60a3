package org.flytebeam.exec;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import flyteidl.core.Literals.Literal;
import flyteidl.core.Literals.LiteralMap;
import java.io.BufferedOutputStream;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.fs.MatchResult;
import org.apache.beam.sdk.io.fs.MoveOptions.StandardMoveOptions;
import org.apache.beam.sdk.io.fs.ResourceId;
import org.apache.beam.sdk.util.MimeTypes;
import org.flytebeam.types.Blob;
import org.flytebeam.types.LiteralList;
import org.flytebeam.types.Literals;
import org.flytebeam.types.PlainJson;

/**
 * A map's outputs as sharded JSON Lines files in an outputs folder, written by the workers one
 * range at a time, so that no process ever holds every output: {@code
 * elements/part-<start>-<end>.jsonl} (start inclusive, end exclusive, 12 digits each, so the names
 * sort in index order), one line per element of the range in index order:
 *
 * <pre>{@code
 * {"index":7,"outputs":{"o0":14,"o1":"a"}}
 * }</pre>
 *
 * <p>Keys of {@code outputs} are the sub-task's output names (the map node's outputs); values are
 * plain JSON ({@link PlainJson}); an element that did not succeed has {@code null} (Flyte's none)
 * for every output. A value with no plain JSON form (a binary literal) is written as {@code
 * {"literal": <its protobuf JSON>}}.
 *
 * <p>Like {@link RangeResults}, a shard is written to a temporary name (under {@code _temporary/},
 * outside {@code elements/}) and renamed, so the folder only ever holds complete shards, and a
 * range written twice (Spark re-running a task) leaves one shard with the same lines.
 *
 * <p>One run at a time writes in a folder: the driver {@linkplain #claim claims} it before any
 * element runs with a marker ({@value #CLAIM_FILE}, created only if absent, naming the run, its pid
 * and host), every shard writer checks the marker still names its run before it renames a shard in,
 * and the driver {@linkplain #release releases} it after the run.
 */
public final class OutputShards {
  /** The blob format of the outputs' multipart blobs. */
  public static final String FORMAT = "jsonl";

  /**
   * The key, in the metadata of each output's blob literal, of the output's name: a map given such
   * a blob as a mapped input reads that output of each line (see {@link JsonLinesSource}), so one
   * map's (or one run's) outputs feed the next without anyone holding them whole.
   */
  public static final String OUTPUT_KEY = "flyte-beam.output";

  /** The marker of the run that writes in the folder. */
  public static final String CLAIM_FILE = "_claim";

  private static final ObjectMapper JSON = new ObjectMapper();

  private OutputShards() {}

  /** The folder of the shards, with a trailing slash: the URI of every output's multipart blob. */
  public static String elementsDir(String outputsDir) {
    return RangeResults.join(outputsDir, "elements/");
  }

  /** The shard of range {@code [start, end)}. */
  public static String path(String outputsDir, long start, long end) {
    return elementsDir(outputsDir) + String.format("part-%012d-%012d.jsonl", start, end);
  }

  /** Where shards are written before they are renamed into {@code elements/}. */
  public static String temporaryDir(String outputsDir) {
    return RangeResults.join(outputsDir, "_temporary/");
  }

  /**
   * The outputs as blobs: each name maps to one multipart {@code jsonl} blob of the shards' folder
   * (the lines hold every output).
   */
  public static LiteralMap references(String outputsDir, Collection<String> names) {
    Literal blob = Literals.of(new Blob(elementsDir(outputsDir), FORMAT, true));
    LiteralMap.Builder map = LiteralMap.newBuilder();
    for (String name : names) {
      map.putLiterals(name, blob.toBuilder().putMetadata(OUTPUT_KEY, name).build());
    }
    return map.build();
  }

  /** A shard's file name, as {@link #path} makes it: nothing else is ever removed. */
  private static final java.util.regex.Pattern SHARD_NAME =
      java.util.regex.Pattern.compile("part-\\d{12}-\\d{12}\\.jsonl");

  /**
   * Removes an earlier run's shards from {@code elements/} (the files named as shards, nothing
   * else), for a run that replaces them ({@code --overwrite}); call it after the new run's inputs
   * are checked and before any of its elements runs.
   *
   * @return how many shards were removed
   * @throws UncheckedIOException when they cannot be listed or removed
   */
  public static int removeShards(String outputsDir) {
    String elements = elementsDir(outputsDir);
    List<ResourceId> shards = new ArrayList<>();
    try {
      MatchResult match = FileSystems.match(elements + "part-*");
      if (match.status() == MatchResult.Status.OK) {
        for (MatchResult.Metadata m : match.metadata()) {
          String name = m.resourceId().getFilename();
          if (name != null && SHARD_NAME.matcher(name).matches()) {
            shards.add(m.resourceId());
          }
        }
      }
    } catch (IOException e) {
      // A folder that does not exist yet holds no shards.
      return 0;
    }
    try {
      FileSystems.delete(shards, StandardMoveOptions.IGNORE_MISSING_FILES);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot remove the earlier shards in [" + elements + "]: " + e.getMessage(), e);
    }
    return shards.size();
  }

  /**
   * Checks before a run that the folder can take the shards: it holds none yet (an earlier run's
   * shards would mix with this run's), and a file can be written in it. Creates a local folder and
   * its {@code elements/}.
   *
   * @throws IllegalArgumentException naming the problem and the fix
   */
  public static void checkWritable(String outputsDir) {
    String elements = elementsDir(outputsDir);
    try {
      MatchResult match = FileSystems.match(elements + "part-*");
      if (match.status() == MatchResult.Status.OK && !match.metadata().isEmpty()) {
        throw new IllegalArgumentException(
            String.format(
                "outputs folder [%s] already holds %d shards of an earlier run in [%s]: give an"
                    + " empty or new folder, remove them, or replace them with --overwrite",
                outputsDir, match.metadata().size(), elements));
      }
    } catch (IOException e) {
      // A folder that does not exist yet has nothing to match.
    }
    String probe = temporaryDir(outputsDir) + "probe-" + UUID.randomUUID();
    try {
      ResourceId probeId = FileSystems.matchNewResource(probe, false);
      try (OutputStream out =
          Channels.newOutputStream(FileSystems.create(probeId, MimeTypes.TEXT))) {
        out.write('.');
      }
      FileSystems.delete(List.of(probeId), StandardMoveOptions.IGNORE_MISSING_FILES);
      if (!elements.contains("://")) {
        Files.createDirectories(Path.of(elements));
      }
    } catch (IOException | RuntimeException e) {
      throw new IllegalArgumentException(
          String.format(
              "outputs folder [%s] cannot be written (%s): give a folder you can write",
              outputsDir, firstLine(e)),
          e);
    }
  }

  /** The claim marker of the folder. */
  public static String claimFile(String outputsDir) {
    return RangeResults.join(outputsDir, CLAIM_FILE);
  }

  /**
   * Claims the folder for run {@code runId} before it writes anything there: creates the marker
   * only if no other run holds it (atomically on a local folder; on other file systems, written
   * then read back, as they offer no create-if-absent).
   *
   * @throws IllegalArgumentException naming the run that holds the folder (and, if that run is
   *     gone, how to clear its claim)
   */
  public static void claim(String outputsDir, String runId) {
    String file = claimFile(outputsDir);
    byte[] mine = RunOwner.current(runId).format().getBytes(StandardCharsets.UTF_8);
    try {
      if (!file.contains("://")) {
        claimLocal(Path.of(file), mine);
      } else {
        Optional<String> held = readClaim(file);
        if (held.isEmpty()) {
          writeRemote(file, mine);
          held = readClaim(file);
        }
        boolean mineNow =
            held.flatMap(RunOwner::parse).map(o -> o.runId().equals(runId)).orElse(false);
        if (!mineNow) {
          throw new IllegalArgumentException(heldBy(outputsDir, file, held.orElse("")));
        }
      }
    } catch (IOException e) {
      throw new IllegalArgumentException(
          String.format(
              "outputs folder [%s] cannot be written (%s): give a folder you can write",
              outputsDir, firstLine(e)),
          e);
    }
  }

  private static void claimLocal(Path file, byte[] mine) throws IOException {
    Files.createDirectories(file.getParent());
    // Written whole under a name of its own, then linked to the marker's name: the link is
    // created only if the name is free, and no reader ever sees a half-written marker.
    Path temp = file.resolveSibling(CLAIM_FILE + "." + UUID.randomUUID());
    Files.write(temp, mine, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
    try {
      try {
        Files.createLink(file, temp);
      } catch (UnsupportedOperationException e) {
        Files.write(file, mine, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
      }
    } catch (FileAlreadyExistsException e) {
      String held;
      try {
        held = Files.readString(file, StandardCharsets.UTF_8);
      } catch (IOException | UncheckedIOException gone) {
        held = ""; // released meanwhile: still, another run was there a moment ago
      }
      throw new IllegalArgumentException(
          heldBy(file.getParent().toString(), file.toString(), held));
    } finally {
      Files.deleteIfExists(temp);
    }
  }

  private static String heldBy(String outputsDir, String file, String held) {
    Optional<RunOwner> owner = RunOwner.parse(held);
    if (owner.isEmpty()) {
      return String.format(
          "outputs folder [%s] is claimed by another run, whose marker [%s] cannot be read:"
              + " if no run writes in the folder, remove [%s]; else give another folder",
          outputsDir, file, file);
    }
    if (owner.get().isGoneFromThisHost()) {
      return String.format(
          "outputs folder [%s] is still claimed by %s, which is no longer running (killed?): its"
              + " shards may be incomplete; remove [%s] (and the folder's elements/ unless you"
              + " want its shards) and run again, or give another folder",
          outputsDir, owner.get().describe(), file);
    }
    return String.format(
        "outputs folder [%s] is in use by %s: wait for that run to end, or give another folder",
        outputsDir, owner.get().describe());
  }

  private static Optional<String> readClaim(String file) throws IOException {
    try (InputStream in =
        Channels.newInputStream(
            org.flytebeam.exec.process.LocalFiles.open(
                FileSystems.matchNewResource(file, false)))) {
      return Optional.of(new String(in.readNBytes(4096), StandardCharsets.UTF_8));
    } catch (FileNotFoundException | NoSuchFileException e) {
      return Optional.empty();
    }
  }

  private static void writeRemote(String file, byte[] bytes) throws IOException {
    try (OutputStream out =
        Channels.newOutputStream(
            FileSystems.create(FileSystems.matchNewResource(file, false), MimeTypes.TEXT))) {
      out.write(bytes);
    }
  }

  /**
   * Checks that run {@code runId} still holds the folder's claim: a writer of another run, or of a
   * run whose claim was removed, must not put its shards among this run's.
   *
   * @throws IllegalStateException when it does not
   */
  public static void checkClaimed(String outputsDir, String runId) {
    String file = claimFile(outputsDir);
    Optional<String> held;
    try {
      held = readClaim(file);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the outputs folder's claim [" + file + "]", e);
    }
    Optional<RunOwner> owner = held.flatMap(RunOwner::parse);
    if (owner.isEmpty() || !owner.get().runId().equals(runId)) {
      throw new IllegalStateException(
          String.format(
              "outputs folder [%s] is no longer claimed by run [%s] (its marker [%s] %s): no"
                  + " shard of this run is written there",
              outputsDir, runId, file, owner.map(o -> "names " + o.describe()).orElse("is gone")));
    }
  }

  /** Removes the folder's claim if run {@code runId} holds it; best effort. */
  public static void release(String outputsDir, String runId) {
    String file = claimFile(outputsDir);
    try {
      Optional<RunOwner> owner = readClaim(file).flatMap(RunOwner::parse);
      if (owner.isPresent() && owner.get().runId().equals(runId)) {
        FileSystems.delete(
            List.of(FileSystems.matchNewResource(file, false)),
            StandardMoveOptions.IGNORE_MISSING_FILES);
      }
    } catch (IOException | RuntimeException e) {
      // A claim left behind is reported, with how to clear it, by the next run.
    }
  }

  private static String firstLine(Exception e) {
    String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    return message.lines().findFirst().orElse("");
  }

  /**
   * Writes the shard of range {@code [start, end)}: one line per outcome, in the outcomes' (index)
   * order; {@code names} are the sub-task's output names, in the order of each outcome's outputs.
   */
  public static void write(
      String outputsDir,
      String runId,
      long start,
      long end,
      List<String> names,
      List<ElementOutcome> outcomes) {
    String target = path(outputsDir, start, end);
    String temp =
        temporaryDir(outputsDir)
            + String.format("part-%012d-%012d.jsonl.%s", start, end, UUID.randomUUID());
    try {
      // Renamed into place only while this run still holds the folder's claim.
      AtomicFiles.write(
          target,
          temp,
          MimeTypes.TEXT,
          out -> writeLines(out, names, outcomes),
          () -> checkClaimed(outputsDir, runId));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write output shard [" + target + "]", e);
    }
  }

  private static void writeLines(
      OutputStream out, List<String> names, List<ElementOutcome> outcomes) throws IOException {
    // Neither closes out: AtomicFiles does.
    OutputStream raw = new BufferedOutputStream(out, 1 << 16);
    try (JsonGenerator json = JSON.getFactory().createGenerator(raw)) {
      json.configure(JsonGenerator.Feature.AUTO_CLOSE_TARGET, false);
      // Lines end with a newline, and nothing separates them otherwise (Jackson's default: a
      // space).
      json.setRootValueSeparator(null);
      for (ElementOutcome o : outcomes) {
        json.writeStartObject();
        json.writeNumberField("index", o.index());
        json.writeObjectFieldStart("outputs");
        boolean succeeded = o.status().succeeded();
        for (int k = 0; k < names.size(); k++) {
          json.writeFieldName(names.get(k));
          if (succeeded && k < o.outputs().size()) {
            writeOutput(json, o.outputs(), k);
          } else {
            json.writeNull();
          }
        }
        json.writeEndObject();
        json.writeEndObject();
        json.writeRaw('\n');
      }
    }
    raw.flush();
  }

  /** The shards of elements that never ran: every output {@code null}. */
  public static void writeAborted(
      String outputsDir, String runId, long start, long end, List<String> names) {
    List<ElementOutcome> aborted = new ArrayList<>((int) (end - start));
    for (long i = start; i < end; i++) {
      aborted.add(ElementOutcome.aborted(i));
    }
    write(outputsDir, runId, start, end, names, aborted);
  }

  /**
   * Output {@code k}: a primitive value (an element's outputs as the task gave them, see {@link
   * LiteralList}) written as it is; any other as its literal's plain JSON.
   */
  private static void writeOutput(JsonGenerator json, List<Literal> outputs, int k)
      throws IOException {
    Object value = outputs instanceof LiteralList list ? list.value(k) : null;
    if (!PlainJson.writePrimitive(json, value)) {
      writeValue(json, outputs.get(k));
    }
  }

  private static void writeValue(JsonGenerator json, Literal value) throws IOException {
    if (Literals.isNone(value)) {
      json.writeNull();
      return;
    }
    try {
      json.writeTree(PlainJson.toJson(value));
    } catch (UnsupportedOperationException e) {
      // No plain form (binary): the literal itself, so nothing is lost.
      json.writeStartObject();
      json.writeFieldName("literal");
      json.writeRawValue(protobufJson(value));
      json.writeEndObject();
    }
  }

  private static String protobufJson(Literal value) {
    try {
      return JsonFormat.printer().omittingInsignificantWhitespace().print(value);
    } catch (InvalidProtocolBufferException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Removes what interrupted writers left under {@code _temporary/}; best effort. */
  public static void removeTemporary(String outputsDir) {
    String dir = temporaryDir(outputsDir);
    try {
      MatchResult match = FileSystems.match(dir + "*");
      if (match.status() == MatchResult.Status.OK) {
        List<ResourceId> files = new ArrayList<>();
        match.metadata().forEach(m -> files.add(m.resourceId()));
        FileSystems.delete(files, StandardMoveOptions.IGNORE_MISSING_FILES);
      }
      if (!dir.contains("://")) {
        Files.deleteIfExists(Path.of(dir));
      } else {
        // A file system with real folders (hdfs://) keeps the empty folder; on an object store
        // (gs://, s3://) there is none, and a missing one is fine.
        FileSystems.delete(
            List.of(FileSystems.matchNewResource(dir, true)),
            StandardMoveOptions.IGNORE_MISSING_FILES);
      }
    } catch (IOException | RuntimeException e) {
      // A leftover temporary file is outside elements/ and harms no reader.
    }
  }
}
