package org.flytebeam.exec.process;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
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
  private static final LinkOption NOFOLLOW = LinkOption.NOFOLLOW_LINKS;

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

  /**
   * The bytes of a local file or of any URI Beam can read; empty when there is no such file. Opened
   * by its name, without a match first: for a name that is not there, Beam's local match lists the
   * whole folder above it (a results folder of thousands of files, once per range).
   */
  public static Optional<byte[]> readIfPresent(String uri) throws IOException {
    try {
      if (isLocal(uri)) {
        return Optional.of(Files.readAllBytes(toPath(uri)));
      }
      try (InputStream in =
          Channels.newInputStream(open(FileSystems.matchNewResource(uri, false)))) {
        return Optional.of(in.readAllBytes());
      }
    } catch (java.io.FileNotFoundException | java.nio.file.NoSuchFileException e) {
      return Optional.empty();
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
    // "**" alone is not enough: Beam's Hadoop file system matches DIR/** as DIR/*/**, leaving out
    // the folder's own files. DIR/* adds them, and on HDFS its sub-folders, which are told apart
    // below. A folder with nothing in it matches nothing: an empty folder.
    // One spec a call: Beam's S3 file system fails a call whose specs match the same key.
    List<MatchResult> results =
        List.of(FileSystems.match(prefix + "**"), FileSystems.match(prefix + "*"));
    Map<String, MatchResult.Metadata> listed = new LinkedHashMap<>();
    Set<String> deep = new HashSet<>();
    for (int r = 0; r < results.size(); r++) {
      if (results.get(r).status() == MatchResult.Status.NOT_FOUND) {
        continue;
      }
      for (MatchResult.Metadata m : results.get(r).metadata()) {
        String name = m.resourceId().toString();
        listed.putIfAbsent(name, m);
        if (r == 0) {
          deep.add(name);
        }
      }
    }
    // The folders holding the deep files, to tell a sub-folder listed by DIR/* from a file.
    Set<String> holders = holders(deep);
    List<String> names = new ArrayList<>();
    List<Path> places = new ArrayList<>();
    for (String name : listed.keySet()) {
      if (!deep.contains(name) && holders.contains(name)) {
        continue; // a sub-folder, listed by DIR/* on HDFS: its files are among the deep ones
      }
      // Every place is checked before anything is copied: a hostile key fails the whole folder.
      Optional<Path> place = placeOf(prefix, name, target);
      if (place.isPresent()) {
        names.add(name);
        places.add(place.get());
      }
    }
    for (int i = 0; i < names.size(); i++) {
      Path file = places.get(i);
      MatchResult.Metadata m = listed.get(names.get(i));
      if (names.get(i).endsWith("/")) {
        Files.createDirectories(file);
        continue;
      }
      Files.createDirectories(file.getParent());
      try {
        copyRemoteFile(m.resourceId(), file);
      } catch (IOException e) {
        if (deep.contains(names.get(i)) || m.sizeBytes() != 0) {
          throw e;
        }
        // An empty sub-folder on HDFS, listed by DIR/* as a file of no bytes that cannot be read.
        Files.createDirectories(file);
      }
    }
  }

  /** Every folder (a prefix ending before a {@code /}) that holds one of {@code files}. */
  static Set<String> holders(Set<String> files) {
    Set<String> holders = new HashSet<>();
    for (String f : files) {
      for (int slash = f.lastIndexOf('/'); slash > 0; slash = f.lastIndexOf('/', slash - 1)) {
        if (!holders.add(f.substring(0, slash))) {
          break; // its ancestors were added with it
        }
      }
    }
    return holders;
  }

  /**
   * Where the remote file {@code fileUri}, listed under the folder {@code folderUri} (ending in
   * {@code /}), is copied under {@code target}: its path below the folder's. A folder marker (an
   * object whose key ends in {@code /}, as consoles create them) stands for a folder; the folder's
   * own marker is skipped (empty). Object keys are data: one holding {@code ..} segments, or an
   * empty segment that makes it look absolute ({@code dir//etc/passwd}), is refused.
   *
   * @throws SafePaths.UnsafePathException when the file would land outside {@code target}
   */
  static Optional<Path> placeOf(String folderUri, String fileUri, Path target)
      throws SafePaths.UnsafePathException {
    String owner = "the folder [" + folderUri + "]";
    String folder = pathOf(folderUri);
    String file = pathOf(fileUri);
    if (!file.startsWith(folder)) {
      throw new SafePaths.UnsafePathException(
          String.format(
              "the file [%s] listed in %s is not under it: a folder's listing must hold only its"
                  + " own files",
              fileUri, owner));
    }
    String relative = file.substring(folder.length());
    if (relative.isEmpty()) {
      return Optional.empty();
    }
    if (relative.endsWith("/")) {
      String inner = relative.substring(0, relative.length() - 1);
      if (inner.isEmpty() || inner.endsWith("/")) {
        // "dir//" or "dir/a//": an empty segment, as "/" at the start of a name.
        throw new SafePaths.UnsafePathException(
            String.format(
                "the file [%s] of %s would be written outside its folder: file names with .., /"
                    + " at the start or NUL are refused",
                relative, owner));
      }
      return Optional.of(SafePaths.inside(target, inner, owner));
    }
    return Optional.of(SafePaths.inside(target, relative, owner));
  }

  /**
   * The path of a URI, after {@code scheme://authority}: Hadoop lists {@code hdfs:///dir/} as
   * {@code hdfs://namenode:8020/dir/...}, so a listing is compared by paths. No URI parsing: keys
   * may hold any character.
   */
  private static String pathOf(String uri) {
    int scheme = uri.indexOf("://");
    if (scheme < 0) {
      return uri;
    }
    int slash = uri.indexOf('/', scheme + 3);
    return slash < 0 ? "/" : uri.substring(slash);
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
    if (Files.isDirectory(source, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      // A task's link out of its folder would upload a file of this machine: refused before any
      // upload. Links inside the folder are uploaded as what they point to.
      SafePaths.requireNoEscape(source, source, "the folder [" + source.getFileName() + "]");
      try (Stream<Path> walk = Files.walk(source)) {
        walk.filter(Files::isRegularFile).forEach(files::add);
      }
    } else {
      if (Files.isSymbolicLink(source)) {
        SafePaths.requireNoEscape(source.getParent(), source, "the file [" + source + "]");
      }
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

  /**
   * Writes {@code bytes} to a file in a folder a program can reach: over an existing file in place
   * (no new inode), never through a link: a name that is not a plain file of one link (a symbolic
   * or hard link a program made to a file elsewhere, a fifo) is unlinked first, and the file is
   * opened without following a link. The old content is overwritten from the start and the file
   * then cut to the new length, never to zero: on ext4, a file cut to zero and written again is
   * flushed to the disk when it is closed, and its freed blocks are discarded on a {@code discard}
   * mount, both while the caller waits.
   */
  public static void writeInPlace(Path file, byte[] bytes) throws IOException {
    Map<String, Object> attributes;
    try {
      attributes = Files.readAttributes(file, "unix:nlink,isRegularFile", NOFOLLOW);
    } catch (java.nio.file.NoSuchFileException e) {
      attributes = null;
    }
    if (attributes != null
        && (!Boolean.TRUE.equals(attributes.get("isRegularFile"))
            || ((Number) attributes.get("nlink")).intValue() != 1)) {
      Files.delete(file);
    }
    try (FileChannel channel =
        FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, NOFOLLOW)) {
      ByteBuffer buffer = ByteBuffer.wrap(bytes);
      long position = 0;
      while (buffer.hasRemaining()) {
        position += channel.write(buffer, position);
      }
      channel.truncate(bytes.length);
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
