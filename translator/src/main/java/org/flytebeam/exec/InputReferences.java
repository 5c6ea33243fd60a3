package org.flytebeam.exec;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.InvalidProtocolBufferException;
import flyteidl.core.Interface.Variable;
import flyteidl.core.Literals.Blob;
import flyteidl.core.Literals.Literal;
import flyteidl.core.Literals.LiteralMap;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.fs.MatchResult;
import org.apache.beam.sdk.io.fs.MatchResult.Metadata;
import org.apache.beam.sdk.util.MimeTypes;
import org.flytebeam.InvalidDefinitionException;
import org.flytebeam.exec.process.LocalFiles;
import org.flytebeam.spec.MapTaskSpec;
import org.flytebeam.types.LiteralTypes;

/**
 * Mapped inputs given by reference rather than as a list, found in the node's inputs on the driver:
 *
 * <ul>
 *   <li>a blob of JSON Lines (format {@code jsonl}, {@code json-lines} or {@code ndjson}): a file
 *       ({@code SINGLE}), or a folder ({@code MULTIPART}) whose files, sorted by name, are read one
 *       after the other, skipping names that start with {@code _} or {@code .} ({@code _SUCCESS},
 *       {@code .crc} files); each non-empty line is one item;
 *   <li>a file pattern: a blob whose uri holds {@code *}, {@code ?} or {@code [}, for a list of
 *       files: each matching file, sorted by path, is one item, a blob of the items' format (with
 *       format {@code jsonl} and items that are not files, the matching files are read as JSON
 *       Lines instead);
 *   <li>an offloaded literal ({@code offloaded_metadata}): the binary Literal at its uri, holding
 *       the list.
 * </ul>
 *
 * <p>Files are checked here (they exist, a pattern matches), and their pieces planned as the
 * {@link IndexTask}s of the index pass, which the workers run; {@link #sources} then reads what
 * the pass found. A bound input given as an offloaded literal is read whole here: it is one value.
 */
public final class InputReferences {
  /** Bytes of a JSON Lines file counted by one task of the index pass. */
  public static final long CHUNK_BYTES = 64L << 20;
  /** Items between two checkpoints: what a reader skips at most to reach a range's start. */
  public static final int STRIDE = 1024;

  /** Blob formats read as JSON Lines. */
  public static final Set<String> JSON_LINES_FORMATS = Set.of("jsonl", "json-lines", "ndjson");

  private static final ObjectMapper JSON = new ObjectMapper();

  private final LiteralMap nodeInputs;
  private final Map<String, Reference> references;

  /** One mapped input given by reference, and the index tasks of its pieces. */
  private record Reference(
      String input,
      LiteralType itemType,
      IndexTask.Kind kind,
      String uri,
      List<String> files,
      List<Integer> taskFiles,
      List<IndexTask> tasks) {}

  private InputReferences(LiteralMap nodeInputs, Map<String, Reference> references) {
    this.nodeInputs = nodeInputs;
    this.references = references;
  }

  /** Finds the references among {@code nodeInputs}, with the default chunk size and stride. */
  public static InputReferences find(MapTaskSpec spec, LiteralMap nodeInputs, String indexDir) {
    return find(spec, nodeInputs, indexDir, CHUNK_BYTES, STRIDE);
  }

  /**
   * Finds the references among {@code nodeInputs}, checks their files and plans the index pass,
   * whose results go to {@code indexDir}.
   *
   * @throws InvalidDefinitionException listing every problem (a missing file, a pattern matching
   *     nothing, a blob of another format for a list...)
   */
  public static InputReferences find(
      MapTaskSpec spec, LiteralMap nodeInputs, String indexDir, long chunkBytes, int stride) {
    Map<String, Variable> vars = spec.subTask().scalarInterface().getInputs().getVariablesMap();
    List<String> problems = new ArrayList<>();
    LiteralMap.Builder resolved = nodeInputs.toBuilder();
    Map<String, Reference> references = new LinkedHashMap<>();
    Planner planner = new Planner(indexDir, chunkBytes, stride, problems);
    for (Map.Entry<String, Variable> v : vars.entrySet()) {
      String name = v.getKey();
      Literal value = nodeInputs.getLiteralsMap().get(name);
      if (value == null) {
        continue;
      }
      LiteralType itemType = v.getValue().getType();
      if (spec.boundInputs().contains(name)) {
        if (value.hasOffloadedMetadata()) {
          readWhole(name, value.getOffloadedMetadata(), problems)
              .ifPresent(literal -> resolved.putLiterals(name, literal));
        }
        continue;
      }
      Reference reference = null;
      if (value.hasOffloadedMetadata()) {
        reference = planner.offloaded(name, itemType, value.getOffloadedMetadata());
      } else if (value.hasScalar() && value.getScalar().hasBlob()) {
        reference = planner.blob(name, itemType, value.getScalar().getBlob());
      }
      if (reference != null) {
        references.put(name, reference);
      }
    }
    if (!problems.isEmpty()) {
      throw new InvalidDefinitionException(problems);
    }
    return new InputReferences(resolved.build(), references);
  }

  /** The node's inputs, bound offloaded literals replaced by their values. */
  public LiteralMap nodeInputs() {
    return nodeInputs;
  }

  /** Whether no mapped input is given by reference (no index pass is needed). */
  public boolean isEmpty() {
    return references.isEmpty();
  }

  /** The tasks of the index pass, every reference's pieces in order. */
  public List<IndexTask> tasks() {
    List<IndexTask> tasks = new ArrayList<>();
    references.values().forEach(r -> tasks.addAll(r.tasks()));
    return tasks;
  }

  /**
   * The item sources, from the index pass's results (which must have run), each checked by reading
   * its first item, so that a file of the wrong kind fails before any element runs.
   *
   * @throws InvalidDefinitionException listing every problem
   */
  public Map<String, ElementSource> sources() {
    List<String> problems = new ArrayList<>();
    Map<String, ElementSource> sources = new LinkedHashMap<>();
    for (Reference r : references.values()) {
      ElementSource source;
      try {
        source = r.kind() == IndexTask.Kind.OFFLOADED_LITERAL ? offloaded(r, problems) : jsonLines(r);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read the index of input [" + r.input() + "]", e);
      }
      if (source == null) {
        continue;
      }
      if (source.size() > 0) {
        try (ElementSource.Reader first = source.read(0, 1)) {
          first.next();
        } catch (InvalidElementException e) {
          problems.add(e.getMessage());
        } catch (IOException e) {
          problems.add(
              String.format(
                  "input [%s] cannot be read: %s: check that every worker can read it",
                  r.input(), e.getMessage()));
        }
      }
      sources.put(r.input(), source);
    }
    if (!problems.isEmpty()) {
      throw new InvalidDefinitionException(problems);
    }
    return sources;
  }

  private static ElementSource offloaded(Reference r, List<String> problems) throws IOException {
    IndexTask task = r.tasks().get(0);
    ChunkIndex index = ChunkIndex.read(task.resultFile());
    if (!index.problem().isEmpty()) {
      problems.add(
          String.format(
              "the offloaded literal [%s] of input [%s] cannot be mapped over: %s; give a binary"
                  + " flyteidl Literal holding the list",
              r.uri(), r.input(), index.problem()));
      return null;
    }
    return new OffloadedSource(r.input(), task.file(), r.itemType(), task.resultFile(), index);
  }

  private static ElementSource jsonLines(Reference r) throws IOException {
    List<JsonLinesSource.Chunk> chunks = new ArrayList<>();
    long firstElement = 0;
    long firstLine = 0;
    int previousFile = -1;
    for (int t = 0; t < r.tasks().size(); t++) {
      IndexTask task = r.tasks().get(t);
      int file = r.taskFiles().get(t);
      if (file != previousFile) {
        firstLine = 0;
        previousFile = file;
      }
      ChunkIndex index = ChunkIndex.read(task.resultFile());
      chunks.add(
          new JsonLinesSource.Chunk(file, firstElement, firstLine, index.elements(), task.resultFile()));
      firstElement += index.elements();
      firstLine += index.lines();
    }
    return new JsonLinesSource(r.input(), r.itemType(), r.files(), chunks);
  }

  /** A bound input's offloaded literal, read whole. */
  private static java.util.Optional<Literal> readWhole(
      String name, LiteralOffloadedMetadata offloaded, List<String> problems) {
    String uri = offloaded.getUri();
    try {
      Literal literal = Literal.parseFrom(LocalFiles.read(uri));
      if (literal.hasOffloadedMetadata()) {
        problems.add(
            String.format(
                "the offloaded literal [%s] of input [%s] points at another offloaded literal: give"
                    + " the value itself",
                uri, name));
        return java.util.Optional.empty();
      }
      return java.util.Optional.of(literal);
    } catch (InvalidProtocolBufferException e) {
      problems.add(
          String.format(
              "the offloaded literal [%s] of input [%s] is not a binary flyteidl Literal: %s",
              uri, name, e.getMessage()));
    } catch (IOException | RuntimeException e) {
      problems.add(
          String.format(
              "the offloaded literal [%s] of input [%s] cannot be read (%s): check the uri", uri,
              name, e.getMessage()));
    }
    return java.util.Optional.empty();
  }

  /** Whether a uri is a file pattern. */
  static boolean isPattern(String uri) {
    return uri.indexOf('*') >= 0 || uri.indexOf('?') >= 0 || uri.indexOf('[') >= 0;
  }

  /** Checks files and plans the tasks of each reference. */
  private static final class Planner {
    private final String indexDir;
    private final long chunkBytes;
    private final int stride;
    private final List<String> problems;
    private int next;

    Planner(String indexDir, long chunkBytes, int stride, List<String> problems) {
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
          name, itemType, task.kind(), offloaded.getUri(), List.of(file), List.of(0), List.of(task));
    }

    Reference blob(String name, LiteralType itemType, Blob blob) {
      String uri = blob.getUri();
      String format = blob.getMetadata().getType().getFormat();
      boolean multipart =
          blob.getMetadata().getType().getDimensionality() == BlobDimensionality.MULTIPART;
      LiteralType item = LiteralTypes.stripOptional(itemType);
      boolean jsonLines = JSON_LINES_FORMATS.contains(format.toLowerCase(Locale.ROOT));
      if (isPattern(uri) && item.hasBlob()) {
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
                String.join(", ", new java.util.TreeSet<>(JSON_LINES_FORMATS)),
                item.hasBlob()
                    ? "a file pattern (a uri with *, ? or [)"
                    : "a file pattern with format jsonl (each matching file read as JSON Lines)"));
        return null;
      }
      List<Metadata> files;
      if (isPattern(uri)) {
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
      return jsonLinesReference(name, itemType, uri, files);
    }

    private Reference jsonLinesReference(
        String name, LiteralType itemType, String uri, List<Metadata> files) {
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
          name, itemType, IndexTask.Kind.JSON_LINES_CHUNK, uri, paths, taskFiles, tasks);
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
              FileSystems.create(
                  FileSystems.matchNewResource(listing, false), MimeTypes.TEXT))) {
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
      return jsonLinesReference(name, itemType, uri, one);
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
            if (isPattern(uri) && m.resourceId().isDirectory()) {
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
                isPattern(uri)
                    ? "the %s [%s] of input [%s] matches no file: check the pattern"
                    : "the %s [%s] of input [%s] does not exist: check the path",
                what, uri, name));
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
}
