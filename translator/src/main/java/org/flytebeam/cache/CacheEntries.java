package org.flytebeam.cache;

import static java.util.Objects.requireNonNull;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.ExtensionRegistryLite;
import flyteidl.core.Literals.LiteralMap;
import java.io.ByteArrayOutputStream;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.util.List;
import java.util.UUID;
import java.util.zip.CRC32;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.fs.MoveOptions.StandardMoveOptions;
import org.apache.beam.sdk.io.fs.ResourceId;
import org.apache.beam.sdk.util.MimeTypes;

/**
 * Cache entries as files under a cache folder, on any path Beam's {@link FileSystems} opens. An
 * entry is written to a temporary name and renamed onto its own, so a reader sees a whole entry or
 * none; two writers of one key each write a whole entry, and the last rename wins.
 *
 * <p>Format (protobuf encoding): a magic number, the whole key (project, domain, name, version,
 * interface hash, inputs hash: an entry that is not the key's own is never used), the outputs as a
 * {@code LiteralMap} (by output name), then the CRC32 of everything before it. A file that is
 * truncated, fails its checksum or holds another key is {@link Lookup.Status#UNREADABLE}: a miss,
 * never an output.
 */
public final class CacheEntries {
  /** The name ending of entry files. */
  public static final String SUFFIX = ".entry";

  private static final int MAGIC = 0x46424331; // "FBC1"
  private static final String TEMP = ".tmp-";

  private CacheEntries() {}

  /**
   * What a lookup found.
   *
   * @param status hit, miss, or an entry that could not be used
   * @param outputs the stored outputs of a hit, else empty
   * @param problem why an entry could not be used, else empty
   */
  public record Lookup(Status status, LiteralMap outputs, String problem) {
    /** The kinds of lookup result. */
    public enum Status {
      HIT,
      MISS,
      UNREADABLE
    }

    public Lookup {
      requireNonNull(status, "status");
      requireNonNull(outputs, "outputs");
      requireNonNull(problem, "problem");
    }

    static Lookup hit(LiteralMap outputs) {
      return new Lookup(Status.HIT, outputs, "");
    }

    static Lookup miss() {
      return new Lookup(Status.MISS, LiteralMap.getDefaultInstance(), "");
    }

    static Lookup unreadable(String problem) {
      return new Lookup(Status.UNREADABLE, LiteralMap.getDefaultInstance(), problem);
    }
  }

  /** Reads the entry of {@code key} under {@code root}. */
  public static Lookup read(String root, CacheKey key) {
    String path = key.entryPath(root);
    byte[] bytes;
    // Opened directly, never matched: a local match of a missing file lists its whole folder.
    try (InputStream in =
        Channels.newInputStream(
            org.flytebeam.exec.process.LocalFiles.open(
                FileSystems.matchNewResource(path, false)))) {
      bytes = in.readAllBytes();
    } catch (FileNotFoundException | NoSuchFileException e) {
      return Lookup.miss();
    } catch (IOException | RuntimeException e) {
      return Lookup.unreadable("cannot read cache entry [" + path + "]: " + oneLine(e));
    }
    try {
      return Lookup.hit(parse(bytes, key));
    } catch (IOException | RuntimeException e) {
      return Lookup.unreadable(
          "cache entry [" + path + "] is truncated or corrupt (" + oneLine(e) + ")");
    }
  }

  /**
   * Stores {@code outputs} as the entry of {@code key} under {@code root}, replacing any entry
   * there.
   *
   * @throws IOException when the entry cannot be written; nothing partial is left under its name
   */
  public static void write(String root, CacheKey key, LiteralMap outputs) throws IOException {
    String path = key.entryPath(root);
    byte[] bytes = encode(key, outputs);
    ResourceId target = FileSystems.matchNewResource(path, false);
    ResourceId temp = FileSystems.matchNewResource(path + TEMP + UUID.randomUUID(), false);
    try (OutputStream out = Channels.newOutputStream(FileSystems.create(temp, MimeTypes.BINARY))) {
      out.write(bytes);
    }
    try {
      // Without move options: Beam then renames directly (atomically replacing, on local files)
      // instead of matching source and target first.
      FileSystems.rename(List.of(temp), List.of(target));
    } catch (IOException e) {
      // A file system that will not rename onto an existing file: replace it.
      try {
        FileSystems.delete(List.of(target), StandardMoveOptions.IGNORE_MISSING_FILES);
        FileSystems.rename(List.of(temp), List.of(target));
      } catch (IOException again) {
        again.addSuppressed(e);
        try {
          FileSystems.delete(List.of(temp), StandardMoveOptions.IGNORE_MISSING_FILES);
        } catch (IOException ignored) {
          // A leftover temporary file is never read as an entry.
        }
        throw again;
      }
    }
  }

  static byte[] encode(CacheKey key, LiteralMap outputs) {
    try {
      ByteArrayOutputStream buffer = new ByteArrayOutputStream(256 + outputs.getSerializedSize());
      CodedOutputStream out = CodedOutputStream.newInstance(buffer);
      out.writeFixed32NoTag(MAGIC);
      for (String part : keyParts(key)) {
        out.writeStringNoTag(part);
      }
      out.writeMessageNoTag(outputs);
      out.flush();
      CRC32 crc = new CRC32();
      crc.update(buffer.toByteArray());
      out.writeFixed32NoTag((int) crc.getValue());
      out.flush();
      return buffer.toByteArray();
    } catch (IOException e) {
      throw new AssertionError("writing to memory does not fail", e);
    }
  }

  static LiteralMap parse(byte[] bytes, CacheKey key) throws IOException {
    if (bytes.length < 8) {
      throw new IllegalStateException(bytes.length + " bytes");
    }
    CRC32 crc = new CRC32();
    crc.update(bytes, 0, bytes.length - 4);
    CodedInputStream trailer = CodedInputStream.newInstance(bytes, bytes.length - 4, 4);
    if (trailer.readFixed32() != (int) crc.getValue()) {
      throw new IllegalStateException("checksum mismatch");
    }
    CodedInputStream in = CodedInputStream.newInstance(bytes, 0, bytes.length - 4);
    if (in.readFixed32() != MAGIC) {
      throw new IllegalStateException("not a flyte-beam cache entry");
    }
    for (String part : keyParts(key)) {
      if (!part.equals(in.readStringRequireUtf8())) {
        throw new IllegalStateException("the entry of another key");
      }
    }
    LiteralMap outputs =
        in.readMessage(LiteralMap.parser(), ExtensionRegistryLite.getEmptyRegistry());
    if (!in.isAtEnd()) {
      throw new IllegalStateException("bytes after the outputs");
    }
    return outputs;
  }

  private static List<String> keyParts(CacheKey key) {
    return List.of(
        key.project(),
        key.domain(),
        key.name(),
        key.version(),
        key.interfaceHash(),
        key.inputsHash());
  }

  /**
   * Makes sure the cache folder can be written, by writing its description file when missing.
   *
   * @throws IOException when it cannot be written
   */
  public static void checkWritable(String root) throws IOException {
    String path = (root.endsWith("/") ? root : root + "/") + "README.txt";
    ResourceId readme = FileSystems.matchNewResource(path, false);
    try (InputStream in =
        Channels.newInputStream(org.flytebeam.exec.process.LocalFiles.open(readme))) {
      in.readNBytes(1);
      return;
    } catch (FileNotFoundException | NoSuchFileException e) {
      // Written below.
    }
    byte[] text =
        ("flyte-beam element cache: <task>-<discovery_version>-<hash>/<2 hex>/<inputs hash>"
                + SUFFIX
                + ", one entry per element. Safe to delete.\n")
            .getBytes(StandardCharsets.UTF_8);
    ResourceId temp = FileSystems.matchNewResource(path + TEMP + UUID.randomUUID(), false);
    try (OutputStream out = Channels.newOutputStream(FileSystems.create(temp, MimeTypes.BINARY))) {
      out.write(text);
    }
    FileSystems.rename(List.of(temp), List.of(readme));
  }

  private static String oneLine(Exception e) {
    String message = e.getMessage() == null ? "" : e.getMessage();
    String first = message.lines().findFirst().orElse("");
    return e.getClass().getSimpleName() + (first.isEmpty() ? "" : ": " + first);
  }
}
