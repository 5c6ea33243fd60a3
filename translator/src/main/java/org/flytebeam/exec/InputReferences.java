package org.flytebeam.exec;

import com.google.protobuf.InvalidProtocolBufferException;
import flyteidl.core.Interface.Variable;
import flyteidl.core.Literals.Literal;
import flyteidl.core.Literals.LiteralMap;
import flyteidl.core.Literals.LiteralOffloadedMetadata;
import flyteidl.core.Types.LiteralType;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.flytebeam.InvalidDefinitionException;
import org.flytebeam.exec.process.LocalFiles;
import org.flytebeam.spec.MapTaskSpec;

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
 * <p>Files are checked here (they exist, a pattern matches), and their pieces planned as the {@link
 * IndexTask}s of the index pass, which the workers run; {@link #sources} then reads what the pass
 * found. A bound input given as an offloaded literal is read whole here: it is one value.
 */
public final class InputReferences {
  /** Bytes of a JSON Lines file counted by one task of the index pass. */
  public static final long CHUNK_BYTES = 64L << 20;

  /** Items between two checkpoints: what a reader skips at most to reach a range's start. */
  public static final int STRIDE = 1024;

  /** Blob formats read as JSON Lines. */
  public static final Set<String> JSON_LINES_FORMATS = Set.of("jsonl", "json-lines", "ndjson");

  private final LiteralMap nodeInputs;
  private final Map<String, ReferencePlanner.Reference> references;

  private InputReferences(
      LiteralMap nodeInputs, Map<String, ReferencePlanner.Reference> references) {
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
    Map<String, ReferencePlanner.Reference> references = new LinkedHashMap<>();
    ReferencePlanner planner = new ReferencePlanner(indexDir, chunkBytes, stride, problems);
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
      ReferencePlanner.Reference reference = null;
      if (value.hasOffloadedMetadata()) {
        reference = planner.offloaded(name, itemType, value.getOffloadedMetadata());
      } else if (value.hasScalar() && value.getScalar().hasBlob()) {
        reference =
            planner.blob(
                name,
                itemType,
                value.getScalar().getBlob(),
                value.getMetadataMap().get(OutputShards.OUTPUT_KEY));
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

  /**
   * Stand-ins of the sources before the index pass, of unknown size ({@code -1}): {@link
   * MapInputs#of(MapTaskSpec, LiteralMap, Map)} checks everything else with them (bound values,
   * inline lists), so that such mistakes fail before the pass reads any file.
   */
  public Map<String, ElementSource> pending() {
    Map<String, ElementSource> pending = new LinkedHashMap<>();
    for (String name : references.keySet()) {
      pending.put(
          name,
          new ElementSource() {
            @Override
            public long size() {
              return -1;
            }

            @Override
            public Reader read(long start, long end) {
              throw new IllegalStateException("input [" + name + "] is not indexed yet");
            }
          });
    }
    return pending;
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
    for (ReferencePlanner.Reference r : references.values()) {
      ElementSource source;
      try {
        source =
            r.kind() == IndexTask.Kind.OFFLOADED_LITERAL ? offloaded(r, problems) : jsonLines(r);
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

  private static ElementSource offloaded(ReferencePlanner.Reference r, List<String> problems)
      throws IOException {
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

  private static ElementSource jsonLines(ReferencePlanner.Reference r) throws IOException {
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
          new JsonLinesSource.Chunk(
              file, firstElement, firstLine, index.elements(), task.resultFile()));
      firstElement += index.elements();
      firstLine += index.lines();
    }
    return new JsonLinesSource(r.input(), r.itemType(), r.files(), chunks, r.outputField());
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
              "the offloaded literal [%s] of input [%s] cannot be read (%s): check the uri",
              uri, name, e.getMessage()));
    }
    return java.util.Optional.empty();
  }

  /** Whether a uri is a file pattern. */
  static boolean isPattern(String uri) {
    return uri.indexOf('*') >= 0 || uri.indexOf('?') >= 0 || uri.indexOf('[') >= 0;
  }
}
