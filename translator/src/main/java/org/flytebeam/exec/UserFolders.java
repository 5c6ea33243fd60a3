package org.flytebeam.exec;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The local folders flyte-beam makes for itself on a shared machine: one base per user under the
 * temporary folder ({@code <java.io.tmpdir>/flyte-beam-<user>}, created {@code 0700}, and refused
 * when another user owns it or others may write in it, so no one can plant or read a run's files
 * there), run folders in it that record their owner ({@value #OWNER_FILE}: run id, pid, host,
 * process start), and the removal of run folders whose owner was killed.
 */
public final class UserFolders {
  /** In a run folder while its run runs: who owns it (see {@link RunOwner}). */
  public static final String OWNER_FILE = "_owner";

  /** The prefix of run folders, in the base or in a {@code --work-dir}. */
  public static final String RUN_PREFIX = "run-";

  private static final Set<PosixFilePermission> OWNER_ONLY =
      PosixFilePermissions.fromString("rwx------");

  private UserFolders() {}

  /** This user's base folder under {@code java.io.tmpdir}, created and checked. */
  public static Path base() {
    return base(Path.of(System.getProperty("java.io.tmpdir")), System.getProperty("user.name"));
  }

  static Path base(Path tmp, String user) {
    String safe = user == null ? "" : user.replaceAll("[^A-Za-z0-9._-]", "_");
    Path base = tmp.toAbsolutePath().resolve("flyte-beam-" + (safe.isEmpty() ? "user" : safe));
    createPrivate(base);
    return base;
  }

  /**
   * Creates {@code dir} readable by this user only (where the file system has POSIX permissions),
   * or checks the one that exists: a folder (not a link), owned by this user, that no one else may
   * write in.
   *
   * @throws IllegalStateException naming the problem and the fix
   */
  public static void createPrivate(Path dir) {
    try {
      Files.createDirectories(dir.getParent());
      if (posix(dir.getParent())) {
        Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
      } else {
        Files.createDirectory(dir);
      }
      return;
    } catch (FileAlreadyExistsException e) {
      // Checked below: it may be someone else's.
    } catch (IOException e) {
      throw new IllegalStateException(
          String.format("cannot create the folder [%s]: %s", dir, oneLine(e)), e);
    }
    checkPrivate(dir);
  }

  private static boolean posix(Path dir) throws IOException {
    return Files.getFileStore(dir).supportsFileAttributeView(PosixFileAttributeView.class);
  }

  private static void checkPrivate(Path dir) {
    try {
      if (!posix(dir.getParent())) {
        if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
          throw new IllegalStateException(
              String.format("[%s] is not a folder: remove it, or set another java.io.tmpdir", dir));
        }
        return;
      }
      PosixFileAttributes attributes =
          Files.readAttributes(dir, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      if (!attributes.isDirectory()) {
        throw new IllegalStateException(
            String.format(
                "[%s] is not a folder (a link or a file another user may have planted): remove it,"
                    + " or set another java.io.tmpdir",
                dir));
      }
      UserPrincipal me = currentUser(dir.getParent());
      if (!attributes.owner().equals(me)) {
        throw new IllegalStateException(
            String.format(
                "folder [%s] belongs to [%s], not to you [%s]: another user may read or replace"
                    + " your runs' files there; remove it, or set another java.io.tmpdir",
                dir, attributes.owner().getName(), me.getName()));
      }
      Set<PosixFilePermission> permissions = attributes.permissions();
      if (permissions.contains(PosixFilePermission.GROUP_WRITE)
          || permissions.contains(PosixFilePermission.OTHERS_WRITE)) {
        throw new IllegalStateException(
            String.format(
                "folder [%s] may be written by other users (%s): make it yours only (chmod 700)"
                    + " or remove it",
                dir, PosixFilePermissions.toString(permissions)));
      }
    } catch (IOException e) {
      throw new IllegalStateException(
          String.format("cannot check the folder [%s]: %s", dir, oneLine(e)), e);
    }
  }

  /** Who this process runs as: the owner of a file it creates. */
  private static UserPrincipal currentUser(Path writable) throws IOException {
    Path probe = Files.createTempFile(writable, ".flyte-beam-owner-", ".probe");
    try {
      return Files.getOwner(probe, LinkOption.NOFOLLOW_LINKS);
    } finally {
      Files.deleteIfExists(probe);
    }
  }

  /**
   * A new run folder in this user's base, owned by run {@code runId}; the folders there of runs
   * that were killed are removed first.
   */
  public static Path newRunFolder(String runId) {
    Path base = base();
    removeDead(base);
    Path folder = base.resolve(RUN_PREFIX + runId);
    createPrivate(folder);
    claim(folder, runId);
    return folder;
  }

  /** Records in {@code folder} that this process owns it for run {@code runId}. */
  public static void claim(Path folder, String runId) {
    try {
      Files.createDirectories(folder);
      Files.writeString(
          folder.resolve(OWNER_FILE), RunOwner.current(runId).format(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the run folder [" + folder + "]", e);
    }
  }

  /**
   * The run in {@code folder} ended: its folder is kept (a {@code --work-dir}) and owns nothing.
   */
  public static void release(Path folder) {
    try {
      Files.deleteIfExists(folder.resolve(OWNER_FILE));
    } catch (IOException e) {
      // A leftover owner file names a process that is gone: the next run removes the folder.
    }
  }

  /**
   * Removes the run folders in {@code parent} whose owner process is gone from this host (killed
   * runs); folders of running runs, of other hosts, and without an owner (finished runs kept in a
   * {@code --work-dir}) are left alone. Best effort.
   *
   * @return the folders removed
   */
  public static List<Path> removeDead(Path parent) {
    List<Path> removed = new ArrayList<>();
    if (!Files.isDirectory(parent)) {
      return removed;
    }
    try (DirectoryStream<Path> folders = Files.newDirectoryStream(parent, RUN_PREFIX + "*")) {
      for (Path folder : folders) {
        if (!Files.isDirectory(folder, LinkOption.NOFOLLOW_LINKS)) {
          continue;
        }
        Optional<RunOwner> owner = readOwner(folder);
        if (owner.isPresent() && owner.get().isGoneFromThisHost()) {
          deleteTree(folder);
          removed.add(folder);
        }
      }
    } catch (IOException | RuntimeException e) {
      // Cleaning up after others is a courtesy: it never stops a run.
    }
    return removed;
  }

  private static Optional<RunOwner> readOwner(Path folder) {
    try {
      byte[] bytes;
      try (var in = Files.newInputStream(folder.resolve(OWNER_FILE), LinkOption.NOFOLLOW_LINKS)) {
        bytes = in.readNBytes(4096);
      }
      return RunOwner.parse(new String(bytes, StandardCharsets.UTF_8));
    } catch (IOException e) {
      return Optional.empty(); // none (a finished run's folder) or unreadable: not ours to judge
    }
  }

  /** Removes {@code root} and what it holds, never following links out of it; best effort. */
  public static void deleteTree(Path root) {
    List<Path> paths = new ArrayList<>();
    try (var walk = Files.walk(root)) {
      walk.forEach(paths::add);
    } catch (IOException | UncheckedIOException e) {
      return;
    }
    for (int i = paths.size() - 1; i >= 0; i--) {
      try {
        Files.deleteIfExists(paths.get(i));
      } catch (IOException e) {
        // Best effort: what is left is harmless, and removed next time.
      }
    }
  }

  private static String oneLine(Exception e) {
    String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    return message.lines().findFirst().orElse("");
  }
}
