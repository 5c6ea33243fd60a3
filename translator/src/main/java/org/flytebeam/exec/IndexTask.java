package org.flytebeam.exec;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;

/**
 * One task of the index pass: count a byte chunk of a JSON Lines file, or scan an offloaded
 * literal, and write what it found ({@link ChunkIndex}) to {@code resultFile} in the run folder.
 *
 * @param kind what to index
 * @param file the file
 * @param start the chunk's first byte (JSON Lines)
 * @param end the byte after the chunk (JSON Lines)
 * @param stride elements between checkpoints
 * @param resultFile where the result goes
 */
public record IndexTask(Kind kind, String file, long start, long end, int stride, String resultFile)
    implements Serializable {

  /** What a task indexes. */
  public enum Kind {
    JSON_LINES_CHUNK,
    OFFLOADED_LITERAL
  }

  public IndexTask {
    requireNonNull(kind, "kind");
    requireNonNull(file, "file");
    requireNonNull(resultFile, "resultFile");
  }

  /** Indexes the piece and writes the result. */
  public void run() {
    ChunkIndex index;
    try {
      switch (kind) {
        case JSON_LINES_CHUNK:
          index = JsonLinesSource.index(file, start, end, stride);
          break;
        case OFFLOADED_LITERAL:
          index = OffloadedSource.index(file, stride);
          break;
        default:
          throw new AssertionError(kind);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot index the input file [" + file + "]", e);
    }
    index.write(resultFile);
  }
}
