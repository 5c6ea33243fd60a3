package org.flytebeam.exec;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.util.List;
import java.util.UUID;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.fs.MoveOptions.StandardMoveOptions;
import org.apache.beam.sdk.io.fs.ResourceId;
import org.apache.beam.sdk.util.MimeTypes;

/**
 * Files that readers see whole or not at all, on any path Beam's {@link FileSystems} opens: written
 * under a temporary name beside the target, then renamed to their own. A write that fails leaves
 * the previous file as it was, and no temporary file behind.
 */
public final class AtomicFiles {
  private AtomicFiles() {}

  /** What goes into a file. */
  public interface Content {
    void writeTo(OutputStream out) throws IOException;
  }

  /** Writes {@code bytes} to {@code target} whole or not at all. */
  public static void writeBytes(String target, byte[] bytes) {
    try {
      write(target, MimeTypes.BINARY, out -> out.write(bytes));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write [" + target + "]", e);
    }
  }

  /**
   * Writes {@code content} to a temporary file beside {@code target}, then renames it to {@code
   * target}, replacing it; if anything fails, the temporary file is removed and {@code target} is
   * left as it was.
   */
  public static void write(String target, String mimeType, Content content) throws IOException {
    write(target, temporarySibling(target), mimeType, content, () -> {});
  }

  /**
   * Writes {@code content} to {@code temp}, runs {@code beforePublish}, then renames {@code temp}
   * to {@code target}, replacing it; if anything fails (the check included), {@code temp} is
   * removed and {@code target} is left as it was. For a temporary file elsewhere than beside the
   * target (on the same file system: a folder a clean-up removes whole), or a last check that what
   * is published may still be (a claim on the folder still held).
   */
  public static void write(
      String target, String temp, String mimeType, Content content, Runnable beforePublish)
      throws IOException {
    ResourceId tempId = FileSystems.matchNewResource(temp, false);
    boolean done = false;
    try {
      try (OutputStream out = Channels.newOutputStream(FileSystems.create(tempId, mimeType))) {
        content.writeTo(out);
      }
      beforePublish.run();
      moveInto(tempId, target);
      done = true;
    } finally {
      if (!done) {
        try {
          FileSystems.delete(List.of(tempId), StandardMoveOptions.IGNORE_MISSING_FILES);
        } catch (IOException | RuntimeException e) {
          // The write's own failure is what the caller must hear of.
        }
      }
    }
  }

  /** {@code dir/.name.tmp-<uuid>}: in the target's folder, so the rename stays on its device. */
  static String temporarySibling(String target) {
    int slash = target.lastIndexOf('/');
    String dir = target.substring(0, slash + 1);
    String name = target.substring(slash + 1);
    return dir + "." + name + ".tmp-" + UUID.randomUUID();
  }

  /** Renames the finished temporary file {@code temp} to {@code target}, replacing it. */
  private static void moveInto(ResourceId temp, String target) {
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
