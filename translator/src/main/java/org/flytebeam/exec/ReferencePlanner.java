package org.flytebeam.exec;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import flyteidl.core.Literals.Blob;
import flyteidl.core.Literals.LiteralOffloadedMetadata;
import flyteidl.core.Types.BlobType.BlobDimensionality;
import flyteidl.core.Types.LiteralType;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.fs.MatchResult;
import org.apache.beam.sdk.io.fs.MatchResult.Metadata;
import org.apache.beam.sdk.util.MimeTypes;
import org.flytebeam.exec.process.LocalFiles;
import org.flytebeam.types.LiteralTypes;

/**
 * Checks the files of the mapped inputs given by reference (they exist, a pattern matches, the
 * blob's format suits the items) and plans their pieces as the index pass's tasks; a problem is
 * added to the list it was given, never thrown. For {@link InputReferences}.
 */
final class ReferencePlanner {
  /**
   * One mapped input given by reference, and the index tasks of its pieces; {@code outputField}:
   * for a map's output shards, the output each line's item is (else null, each line an item).
   */
  record Reference(
      String input,
      LiteralType itemType,
      IndexTask.Kind kind,
      String uri,
      List<String> files,
      List<Integer> taskFiles,
      List<IndexTask> tasks,
      String outputField) {}

  private static final ObjectMapper JSON = new ObjectMapper();

  private final String indexDir;
  private final long chunkBytes;
  private final int stride;
  private final List<String> problems;
  private int next;

  ReferencePlanner(String indexDir, long chunkBytes, int stride, List<String> problems) {
    this.indexDir = indexDir;
    this.chunkBytes = chunkBytes;
    this.stride = stride;
    this.problems = problems;
  }

  private String resultFile() {
    return LocalFiles.join(indexDir, String.format("%06d.bin", next++));
  }

  Reference offloaded(String name, LiteralType itemType, LiteralOffloadedMetadata offloaded) {
    if (offloaded.hasInferredType()
        && offloaded.getInferredType().getTypeCase() != LiteralType.TypeCase.TYPE_NOT_SET
        && !LiteralTypes.isCollection(offloaded.getInferredType())) {
      problems.add(
          String.format(
              "input [%s] is mapped over and needs a list, but its offloaded literal [%s] holds"
                  + " [%s]: bind it to pass one value to every element",
              name, offloaded.getUri(), LiteralTypes.describe(offloaded.getInferredType())));
      return null;
    }
    List<Metadata> files = match(name, "offloaded literal", offloaded.getUri());
    if (files == null) {
      return null;
    }
    String file = files.get(0).resourceId().toString();
    IndexTask task =
        new IndexTask(IndexTask.Kind.OFFLOADED_LITERAL, file, 0, 0, stride, resultFile());
    return new Reference(
        name,
        itemType,
        task.kind(),
        offloaded.getUri(),
        List.of(file),
        List.of(0),
        List.of(task),
        null);
  }

  /**
   * A blob for a mapped input; {@code outputField}: the output to read of each line of a map's
   * output shards ({@link OutputShards#OUTPUT_KEY}), else null.
   */
  Reference blob(String name, LiteralType itemType, Blob blob, String outputField) {
    String uri = blob.getUri();
    String format = blob.getMetadata().getType().getFormat();
    boolean multipart =
        blob.getMetadata().getType().getDimensionality() == BlobDimensionality.MULTIPART;
    LiteralType item = LiteralTypes.stripOptional(itemType);
    boolean jsonLines =
        InputReferences.JSON_LINES_FORMATS.contains(format.toLowerCase(Locale.ROOT));
    if (InputReferences.isPattern(uri) && item.hasBlob()) {
      return pattern(name, itemType, uri, format);
    }
    if (!jsonLines) {
      problems.add(
          String.format(
              "input [%s] is mapped over a list of [%s] but is given a blob [%s] of format [%s]:"
                  + " give a list, a blob of JSON Lines (format %s), %s or an offloaded literal",
              name,
              LiteralTypes.describe(itemType),
              uri,
              format,
              String.join(", ", new java.util.TreeSet<>(InputReferences.JSON_LINES_FORMATS)),
              item.hasBlob()
                  ? "a file pattern (a uri with *, ? or [)"
                  : "a file pattern with format jsonl (each matching file read as JSON Lines)"));
      return null;
    }
    List<Metadata> files;
    if (InputReferences.isPattern(uri)) {
      files = match(name, "file pattern", uri);
    } else if (multipart) {
      files = folder(name, uri);
    } else {
      files = match(name, "JSON Lines file", uri);
      if (files != null && files.get(0).resourceId().isDirectory()) {
        problems.add(
            String.format(
                "the JSON Lines file [%s] of input [%s] is a folder: mark the blob MULTIPART"
                    + " (\"multipart\": true) to read the files in it",
                uri, name));
        return null;
      }
    }
    if (files == null) {
      return null;
    }
    return jsonLinesReference(name, itemType, uri, files, outputField);
  }

  private Reference jsonLinesReference(
      String name, LiteralType itemType, String uri, List<Metadata> files, String outputField) {
    List<String> paths = new ArrayList<>();
    List<Integer> taskFiles = new ArrayList<>();
    List<IndexTask> tasks = new ArrayList<>();
    for (int f = 0; f < files.size(); f++) {
      String path = files.get(f).resourceId().toString();
      long size = files.get(f).sizeBytes();
      paths.add(path);
      for (long start = 0; start < size; start += chunkBytes) {
        tasks.add(
            new IndexTask(
                IndexTask.Kind.JSON_LINES_CHUNK,
                path,
                start,
                Math.min(size, start + chunkBytes),
                stride,
                resultFile()));
        taskFiles.add(f);
      }
    }
    return new Reference(
        name, itemType, IndexTask.Kind.JSON_LINES_CHUNK, uri, paths, taskFiles, tasks, outputField);
  }

  /** Each matching file one item: their list is written as JSON Lines of blobs. */
  private Reference pattern(String name, LiteralType itemType, String uri, String format) {
    LiteralType item = LiteralTypes.stripOptional(itemType);
    if (item.getBlob().getDimensionality() == BlobDimensionality.MULTIPART) {
      problems.add(
          String.format(
              "input [%s] maps over folders (multipart blobs), but the file pattern [%s] matches"
                  + " files: give a list of folders",
              name, uri));
      return null;
    }
    List<Metadata> files = match(name, "file pattern", uri);
    if (files == null) {
      return null;
    }
    String itemFormat = item.getBlob().getFormat().isEmpty() ? format : item.getBlob().getFormat();
    String listing = LocalFiles.join(indexDir, String.format("files-%06d.jsonl", next++));
    long bytes = 0;
    try (OutputStream out =
        Channels.newOutputStream(
            FileSystems.create(FileSystems.matchNewResource(listing, false), MimeTypes.TEXT))) {
      for (Metadata m : files) {
        ObjectNode line = JSON.createObjectNode();
        line.put("uri", m.resourceId().toString());
        if (!itemFormat.isEmpty()) {
          line.put("format", itemFormat);
        }
        byte[] text = (JSON.writeValueAsString(line) + "\n").getBytes(StandardCharsets.UTF_8);
        out.write(text);
        bytes += text.length;
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the file list [" + listing + "]", e);
    }
    List<Metadata> one =
        List.of(
            Metadata.builder()
                .setResourceId(FileSystems.matchNewResource(listing, false))
                .setSizeBytes(bytes)
                .setIsReadSeekEfficient(true)
                .setLastModifiedMillis(0)
                .build());
    return jsonLinesReference(name, itemType, uri, one, null);
  }

  /** The files a pattern or path matches, sorted by path, folders left out; null if none. */
  private List<Metadata> match(String name, String what, String uri) {
    MatchResult result;
    try {
      result = FileSystems.match(uri);
    } catch (IllegalArgumentException e) {
      problems.add(
          String.format(
              "the %s [%s] of input [%s] is on a file system flyte-beam cannot open (%s): add its"
                  + " Beam module with --jars",
              what, uri, name, e.getMessage()));
      return null;
    } catch (IOException e) {
      problems.add(
          String.format(
              "the %s [%s] of input [%s] cannot be read: %s", what, uri, name, e.getMessage()));
      return null;
    }
    List<Metadata> files = new ArrayList<>();
    try {
      if (result.status() == MatchResult.Status.OK) {
        for (Metadata m : result.metadata()) {
          if (InputReferences.isPattern(uri) && m.resourceId().isDirectory()) {
            continue;
          }
          files.add(m);
        }
      }
    } catch (IOException e) {
      problems.add(
          String.format(
              "the %s [%s] of input [%s] cannot be read: %s", what, uri, name, e.getMessage()));
      return null;
    }
    if (files.isEmpty()) {
      problems.add(
          String.format(
              InputReferences.isPattern(uri)
                  ? "the %s [%s] of input [%s] matches no file: check the pattern"
                  : "the %s [%s] of input [%s] does not exist: check the path",
              what,
              uri,
              name));
      return null;
    }
    files.sort(Comparator.comparing(m -> m.resourceId().toString()));
    return files;
  }

  /** The data files of a folder, sorted by name; hidden and {@code _} files left out. */
  private List<Metadata> folder(String name, String uri) {
    String folder = uri.endsWith("/") ? uri : uri + "/";
    List<Metadata> files = new ArrayList<>();
    boolean any;
    try {
      MatchResult inside = FileSystems.match(folder + "*");
      any = inside.status() == MatchResult.Status.OK && !inside.metadata().isEmpty();
      for (Metadata m : any ? inside.metadata() : List.<Metadata>of()) {
        String file = m.resourceId().getFilename();
        if (!m.resourceId().isDirectory()
            && file != null
            && !file.isEmpty()
            && !file.startsWith("_")
            && !file.startsWith(".")) {
          files.add(m);
        }
      }
      if (!any) {
        // Nothing inside: an empty folder (no items), or no folder at all.
        MatchResult self = FileSystems.match(folder.substring(0, folder.length() - 1));
        if (self.status() != MatchResult.Status.OK || self.metadata().isEmpty()) {
          problems.add(
              String.format(
                  "the JSON Lines folder [%s] of input [%s] does not exist: check the path",
                  uri, name));
          return null;
        }
        if (!self.metadata().get(0).resourceId().isDirectory()) {
          problems.add(
              String.format(
                  "the JSON Lines folder [%s] of input [%s] is a file: mark the blob SINGLE"
                      + " (no \"multipart\")",
                  uri, name));
          return null;
        }
      }
    } catch (IOException | IllegalArgumentException e) {
      problems.add(
          String.format(
              "the JSON Lines folder [%s] of input [%s] cannot be listed: %s",
              uri, name, e.getMessage()));
      return null;
    }
    files.sort(Comparator.comparing(m -> m.resourceId().toString()));
    return files;
  }
}
