package org.flytebeam.exec.process;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The attempt folders of one invoker, made once and used again by attempt after attempt, rather
 * than a fresh tree of folders per attempt.
 *
 * <p>Why: a trivial container task's attempt made eleven files and folders (the attempt's folder,
 * its working, output, checkpoint and data folders, the input and output files), and creating them
 * was most of the attempt's cost on a disk (a 2,000-element map of {@code sh -c 'echo ...'}: 14 to
 * 19 s in a run folder on ext4 vs 8.6 to 9.4 s on tmpfs, half the CPU in the kernel's inode
 * allocation). A slot's folders are made at its first attempt; after an attempt that is not kept,
 * what the program and flyte-beam left in them is moved aside into the slot's {@code spent} folder
 * (renames: nothing is freed while the run goes on, as freed inodes make later creations slower on
 * file systems that check them, ext4 without a journal among them) and is deleted with the run
 * folder. An attempt that is kept (it failed, so a retry reads its checkpoint, or it left logs) is
 * renamed to where the caller says, whole, and the slot makes its folder again for the next
 * attempt.
 *
 * <p>Before an attempt, the slot's folder and every sub-folder it hands out are checked to be real
 * folders, not links: a program may have replaced them (it reaches its attempt's folder through its
 * working folder's parent), and a link would lead the next attempt's inputs out of the folder.
 * Whatever is not a real folder is moved aside and made again.
 *
 * <p>Thread-safe: each attempt takes a slot of its own ({@link #take}) and gives it back ({@link
 * #keep} or {@link #recycle}).
 */
public final class AttemptSlots implements AutoCloseable {
  /** A sub-folder holding more entries than this is moved aside whole and made again. */
  private static final int MOVE_WHOLE_ABOVE = 8;

  private final Path root;
  private final Deque<Slot> free = new ConcurrentLinkedDeque<>();
  private final AtomicInteger made = new AtomicInteger();
  private final AtomicLong moved = new AtomicLong();

  /**
   * @param root the folder the slots are made in, when first needed
   */
  public AttemptSlots(Path root) {
    this.root = root;
  }

  /** One slot: the folder of the attempt it runs, and where that attempt's leftovers go. */
  public final class Slot {
    private final Path home;

    private Slot(Path home) {
      this.home = home;
    }

    /** The attempt's folder: the same for every attempt of this slot. */
    public Path folder() {
      return home.resolve("attempt");
    }

    /** The attempt's folder, made if it is not there, a real folder. */
    public Path open() throws IOException {
      return realFolder(this, folder());
    }

    /**
     * A sub-folder of the attempt's folder, made if it is not there, a real folder (which {@link
     * #recycle} left empty).
     */
    public Path subfolder(String name) throws IOException {
      return realFolder(this, open().resolve(name));
    }

    private Path spent() throws IOException {
      return Files.createDirectories(home.resolve("spent"));
    }
  }

  /** A free slot, or a new one. */
  public Slot take() throws IOException {
    Slot slot = free.pollFirst();
    if (slot != null) {
      return slot;
    }
    Path home = root.resolve(Integer.toString(made.getAndIncrement()));
    Files.createDirectories(home);
    return new Slot(home);
  }

  /**
   * Keeps the slot's attempt folder, whole, as {@code target} (whose parent is made), and frees the
   * slot; when it cannot be renamed there, it is moved aside.
   */
  public void keep(Slot slot, Path target) {
    Path folder = slot.folder();
    try {
      if (Files.exists(folder, LinkOption.NOFOLLOW_LINKS)) {
        Files.createDirectories(target.getParent());
        LocalFiles.deleteTree(target);
        Files.move(folder, target);
      }
    } catch (IOException e) {
      moveAsideQuietly(slot, folder);
    }
    free.addFirst(slot);
  }

  /**
   * Empties the slot's attempt folder for its next attempt (its sub-folders stay, emptied; anything
   * else is moved aside) and frees the slot.
   *
   * @param rewritten sub-folders whose plain files stay, for the next attempt to write over in
   *     place (its writer removes what it does not write again): the inputs, the same names each
   *     attempt
   */
  public void recycle(Slot slot, Set<String> rewritten) {
    Path folder = slot.folder();
    if (Files.isDirectory(folder, LinkOption.NOFOLLOW_LINKS)) {
      for (Path child : entries(folder)) {
        if (Files.isDirectory(child, LinkOption.NOFOLLOW_LINKS)) {
          List<Path> left = entries(child);
          if (rewritten.contains(child.getFileName().toString())) {
            left.stream()
                .filter(entry -> !Files.isRegularFile(entry, LinkOption.NOFOLLOW_LINKS))
                .forEach(entry -> moveAsideQuietly(slot, entry));
          } else if (left.size() > MOVE_WHOLE_ABOVE) {
            moveAsideQuietly(slot, child);
          } else {
            left.forEach(entry -> moveAsideQuietly(slot, entry));
          }
        } else {
          moveAsideQuietly(slot, child);
        }
      }
    } else {
      moveAsideQuietly(slot, folder);
    }
    free.addFirst(slot);
  }

  /**
   * Forgets the slots: the run is over for this invoker. Their folders stay, and go with the run
   * folder (a temporary one at the run's end): deleting them here would free inodes while the run
   * goes on, which a workflow's element (one invoker per element and node) would do element after
   * element.
   */
  @Override
  public void close() {
    free.clear();
  }

  private Path realFolder(Slot slot, Path path) throws IOException {
    if (Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)) {
      return path;
    }
    if (Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
      // A file or a link where a folder was: a program's doing; not followed, not reused.
      moveAside(slot, path);
    }
    return Files.createDirectories(path);
  }

  private void moveAsideQuietly(Slot slot, Path path) {
    try {
      moveAside(slot, path);
    } catch (IOException e) {
      try {
        LocalFiles.deleteTree(path);
      } catch (IOException again) {
        // Left where it is: the next attempt's check of its folders moves or replaces it.
      }
    }
  }

  /** A rename into the slot's {@code spent} folder: a link is moved, never followed. */
  private void moveAside(Slot slot, Path path) throws IOException {
    Files.move(path, slot.spent().resolve(Long.toString(moved.getAndIncrement())));
  }

  private static List<Path> entries(Path folder) {
    List<Path> entries = new ArrayList<>();
    try (DirectoryStream<Path> stream = Files.newDirectoryStream(folder)) {
      stream.forEach(entries::add);
    } catch (IOException e) {
      // An unreadable folder is left; the next check of the slot's folders finds it.
    }
    return entries;
  }
}
