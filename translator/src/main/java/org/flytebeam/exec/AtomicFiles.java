package org.flytebeam.exec;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.fs.MoveOptions.StandardMoveOptions;
import org.apache.beam.sdk.io.fs.ResourceId;

/**
 * Files that readers see whole or not at all, on any path Beam's {@link FileSystems} opens: written
 * under a temporary name, then renamed to their own.
 */
final class AtomicFiles {
  private AtomicFiles() {}

  /** Renames the finished temporary file {@code temp} to {@code target}, replacing it. */
  static void moveInto(ResourceId temp, String target) {
    try {
      FileSystems.rename(
          List.of(temp),
          List.of(FileSystems.matchNewResource(target, false)),
          StandardMoveOptions.IGNORE_MISSING_FILES);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot rename [" + temp + "] to [" + target + "]", e);
    }
  }
}
