package org.flytebeam.exec.process;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.channels.Channels;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.fs.MatchResult;
import org.apache.beam.sdk.io.fs.ResourceId;
import org.apache.beam.sdk.util.MimeTypes;

/**
 * Local paths and the URIs Beam's {@link FileSystems} opens ({@code gs://}, {@code s3://}...):
 * which is which, and copying and moving files and folders between them.
 */
public final class LocalFiles {
  private static final Pattern SCHEME = Pattern.compile("^[A-Za-z][A-Za-z0-9+.\\-]*:");

  private LocalFiles() {}

  /**
   * Opens a file through Beam's {@link FileSystems}, a missing one always as {@link
   * java.io.FileNotFoundException}.
   */
  public static java.nio.channels.ReadableByteChannel open(ResourceId resource) throws IOException {
    try {
      return FileSystems.open(resource);
    } catch (RuntimeException e) {
      if (notFound(e)) {
        java.io.FileNotFoundException missing =
            new java.io.FileNotFoundException(resource + " does not exist");
        missing.initCause(e);
        throw missing;
      }
      throw e;
    }
  }

  /**
   * Whether {@code e} says that a remote file does not exist: the S3 client's {@code
   * NoSuchKeyException} (or another 404 of the AWS SDK), which Beam's S3 file system lets through
   * where other file systems throw {@link java.io.FileNotFoundException}. By class name: no AWS
   * class is loaded to check.
   */
  static boolean notFound(RuntimeException e) {
    String name = e.getClass().getName();
    return name.startsWith("software.amazon.awssdk.")
        && (name.endsWith(".NoSuchKeyException")
            || String.valueOf(e.getMessage()).contains("Status Code: 404"));
  }

  /** Whether {@code uri} is a path on this machine: no scheme, or {@code file:}. */
  public static boolean isLocal(String uri) {
    return !SCHEME.matcher(uri).find() || uri.startsWith("file:");
  }

  /** The local path of a local {@code uri}. */
  public static Path toPath(String uri) {
    return uri.startsWith("file:") ? Path.of(URI.create(uri)) : Path.of(uri);
  }

  /** The bytes of a local file or of any URI Beam can read. */
  public static byte[] read(String uri) throws IOException {
    if (isLocal(uri)) {
      return Files.readAllBytes(toPath(uri));
    }
    try (InputStream in =
        Channels.newInputStream(
            FileSystems.open(FileSystems.matchSingleFileSpec(uri).resourceId()))) {
      return in.readAllBytes();
    }
  }

  /** {@code dir/name}, for local paths and URIs alike. */
  public static String join(String dir, String name) {
    return dir.endsWith("/") ? dir + name : dir + "/" + name;
  }

  /**
   * Copies the file or folder at {@code uri} to {@code target}, which must not exist yet. Nothing
   * is written outside {@code target}, and a local folder's links are not followed out of it.
   *
   * @param multipart whether {@code uri} is a folder (a multipart blob)
   */
  public static void copyIn(String uri, Path target, boolean multipart) throws IOException {
    if (isLocal(uri)) {
      Path source = toPath(uri);
      if (Files.isDirectory(source)) {
        copyTree(source, target);
      } else {
        Files.copy(source, target);
      }
      return;
    }
    if (!multipart) {
      copyRemoteFile(FileSystems.matchSingleFileSpec(uri).resourceId(), target);
      return;
    }
    Files.createDirectories(target);
    String prefix = uri.endsWith("/") ? uri : uri + "/";
    MatchResult match = FileSystems.match(prefix + "**");
    for (MatchResult.Metadata m : match.metadata()) {
      String relative = m.resourceId().toString().substring(prefix.length());
      Path file = SafePaths.inside(target, relative, "the folder [" + uri + "]");
      Files.createDirectories(file.getParent());
      copyRemoteFile(m.resourceId(), file);
    }
  }

  private static void copyRemoteFile(ResourceId source, Path target) throws IOException {
    try (InputStream in = Channels.newInputStream(FileSystems.open(source))) {
      Files.copy(in, target);
    }
  }

  /**
   * Moves the local file or folder {@code source} to {@code targetUri} (replacing what is there), a
   * local path or any URI Beam can write.
   */
  public static void moveOut(Path source, String targetUri) throws IOException {
    if (isLocal(targetUri)) {
      Path target = toPath(targetUri);
      Files.createDirectories(target.getParent());
      deleteTree(target);
      try {
        Files.move(source, target, StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException | DirectoryNotEmptyException e) {
        // Another file system: copy, then remove the original.
        if (Files.isDirectory(source)) {
          copyTree(source, target);
        } else {
          Files.copy(source, target, StandardCopyOption.REPLACE_EXISTING);
        }
        deleteTree(source);
      }
      return;
    }
    List<Path> files = new ArrayList<>();
    if (Files.isDirectory(source)) {
      try (Stream<Path> walk = Files.walk(source)) {
        walk.filter(Files::isRegularFile).forEach(files::add);
      }
    } else {
      files.add(source);
    }
    for (Path file : files) {
      String target =
          file.equals(source) ? targetUri : join(targetUri, source.relativize(file).toString());
      try (OutputStream out =
          Channels.newOutputStream(
              FileSystems.create(FileSystems.matchNewResource(target, false), MimeTypes.BINARY))) {
        Files.copy(file, out);
      }
    }
    deleteTree(source);
  }

  /**
   * Copies a local folder and all it holds; a symbolic link in it is copied as what it points to,
   * which must be inside the folder.
   *
   * @throws SafePaths.UnsafePathException naming a link that leads out of the folder
   */
  public static void copyTree(Path source, Path target) throws IOException {
    SafePaths.requireNoEscape(source, source, "the folder [" + source + "]");
    List<Path> paths;
    try (Stream<Path> walk = Files.walk(source)) {
      paths = walk.toList();
    }
    for (Path p : paths) {
      Path to = target.resolve(source.relativize(p).toString());
      if (Files.isDirectory(p)) {
        Files.createDirectories(to);
      } else {
        Files.copy(p, to, StandardCopyOption.REPLACE_EXISTING);
      }
    }
  }

  /** Removes a local file or folder and all it holds; nothing when it does not exist. */
  public static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    if (!Files.isDirectory(root, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      Files.delete(root);
      return;
    }
    List<Path> paths;
    try (Stream<Path> walk = Files.walk(root)) {
      paths = walk.toList();
    }
    for (int i = paths.size() - 1; i >= 0; i--) {
      Files.deleteIfExists(paths.get(i));
    }
  }
}
