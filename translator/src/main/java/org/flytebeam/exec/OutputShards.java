package org.flytebeam.exec;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import flyteidl.core.Literals.Literal;
import flyteidl.core.Literals.LiteralMap;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.UUID;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.fs.MatchResult;
import org.apache.beam.sdk.io.fs.MoveOptions.StandardMoveOptions;
import org.apache.beam.sdk.io.fs.ResourceId;
import org.apache.beam.sdk.util.MimeTypes;
import org.flytebeam.types.Blob;
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
 */
public final class OutputShards {
  /** The blob format of the outputs' multipart blobs. */
  public static final String FORMAT = "jsonl";

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
      map.putLiterals(name, blob);
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
        java.nio.file.Files.createDirectories(java.nio.file.Path.of(elements));
      }
    } catch (IOException | RuntimeException e) {
      throw new IllegalArgumentException(
          String.format(
              "outputs folder [%s] cannot be written (%s): give a folder you can write",
              outputsDir, firstLine(e)),
          e);
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
      String outputsDir, long start, long end, List<String> names, List<ElementOutcome> outcomes) {
    String target = path(outputsDir, start, end);
    String temp =
        temporaryDir(outputsDir)
            + String.format("part-%012d-%012d.jsonl.%s", start, end, UUID.randomUUID());
    ResourceId tempId = FileSystems.matchNewResource(temp, false);
    try (OutputStream raw =
            new BufferedOutputStream(
                Channels.newOutputStream(FileSystems.create(tempId, MimeTypes.TEXT)), 1 << 16);
        JsonGenerator json = JSON.getFactory().createGenerator(raw)) {
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
            writeValue(json, o.outputs().get(k));
          } else {
            json.writeNull();
          }
        }
        json.writeEndObject();
        json.writeEndObject();
        json.writeRaw('\n');
      }
      json.flush();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write output shard [" + temp + "]", e);
    }
    AtomicFiles.moveInto(tempId, target);
  }

  /** The shards of elements that never ran: every output {@code null}. */
  public static void writeAborted(String outputsDir, long start, long end, List<String> names) {
    List<ElementOutcome> aborted = new ArrayList<>((int) (end - start));
    for (long i = start; i < end; i++) {
      aborted.add(ElementOutcome.aborted(i));
    }
    write(outputsDir, start, end, names, aborted);
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
        java.nio.file.Files.deleteIfExists(java.nio.file.Path.of(dir));
      }
    } catch (IOException | RuntimeException e) {
      // A leftover temporary file is outside elements/ and harms no reader.
    }
  }
}
