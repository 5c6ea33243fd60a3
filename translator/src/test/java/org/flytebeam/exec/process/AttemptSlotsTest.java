package org.flytebeam.exec.process;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AttemptSlotsTest {
  @TempDir Path dir;

  private Path root() {
    return dir.resolve("slots");
  }

  private static long count(Path folder) throws Exception {
    try (Stream<Path> s = Files.list(folder)) {
      return s.count();
    }
  }

  private static Object fileKey(Path p) throws Exception {
    return Files.readAttributes(p, java.nio.file.attribute.BasicFileAttributes.class).fileKey();
  }

  @Test
  void shouldHandTheSameEmptiedFoldersToTheNextAttemptMovingLeftoversAsideNotDeletingThem()
      throws Exception {
    // given: an attempt that wrote an input, an output and a file of its own in the work folder
    AttemptSlots slots = new AttemptSlots(root());
    AttemptSlots.Slot slot = slots.take();
    Path work = slot.subfolder("work");
    Path in = slot.subfolder("data-in");
    Path out = slot.subfolder("data-out");
    Files.writeString(in.resolve("x"), "1");
    Files.writeString(out.resolve("y"), "2");
    Files.createDirectories(work.resolve("cache/deep"));
    Object workKey = fileKey(work);

    // when
    slots.recycle(slot, Set.of());
    AttemptSlots.Slot next = slots.take();

    // then: the same slot, its folders the same folders, empty; the three leftovers kept aside
    assertThat(next.folder()).isEqualTo(slot.folder());
    assertThat(next.subfolder("work")).isEqualTo(work);
    assertThat(fileKey(next.subfolder("work"))).isEqualTo(workKey);
    assertThat(count(work)).isZero();
    assertThat(count(in)).isZero();
    assertThat(count(out)).isZero();
    Path spent = slot.folder().resolveSibling("spent");
    assertThat(count(spent)).isEqualTo(3);
    try (Stream<Path> s = Files.walk(spent)) {
      assertThat(s.filter(p -> p.getFileName().toString().equals("deep"))).hasSize(1);
    }
  }

  @Test
  void shouldLeaveThePlainFilesOfARewrittenFolderForTheNextAttemptToWriteOver() throws Exception {
    AttemptSlots slots = new AttemptSlots(root());
    AttemptSlots.Slot slot = slots.take();
    Path in = slot.subfolder("data-in");
    Files.writeString(in.resolve("x"), "1");
    Object x = fileKey(in.resolve("x"));
    Files.createDirectories(in.resolve("list"));
    Files.createSymbolicLink(in.resolve("link"), dir);

    slots.recycle(slot, Set.of("data-in"));

    // then: the file stays, the same file; the folder and the link are moved aside
    assertThat(fileKey(slots.take().subfolder("data-in").resolve("x"))).isEqualTo(x);
    try (Stream<Path> s = Files.list(in)) {
      assertThat(s.map(p -> p.getFileName().toString())).containsExactly("x");
    }
  }

  @Test
  void shouldMoveAFolderOfManyLeftoversAsideWhole() throws Exception {
    AttemptSlots slots = new AttemptSlots(root());
    AttemptSlots.Slot slot = slots.take();
    Path work = slot.subfolder("work");
    for (int i = 0; i < 20; i++) {
      Files.writeString(work.resolve("f" + i), "x");
    }

    slots.recycle(slot, Set.of());

    // then: one rename, the folder made again empty for the next attempt
    assertThat(count(slot.folder().resolveSibling("spent"))).isEqualTo(1);
    assertThat(count(slots.take().subfolder("work"))).isZero();
  }

  @Test
  void shouldKeepAnAttemptWholeWhereToldAndStartTheNextOneInAFreshFolder() throws Exception {
    AttemptSlots slots = new AttemptSlots(root());
    AttemptSlots.Slot slot = slots.take();
    Files.writeString(slot.subfolder("checkpoint").resolve("state"), "s");
    Files.writeString(slot.open().resolve("stderr.log"), "failed");
    Path target = dir.resolve("attempts").resolve("7").resolve("abc-0");

    slots.keep(slot, target);

    assertThat(target.resolve("checkpoint/state")).hasContent("s");
    assertThat(target.resolve("stderr.log")).hasContent("failed");
    AttemptSlots.Slot next = slots.take();
    assertThat(count(next.subfolder("checkpoint"))).isZero();
    assertThat(next.open().resolve("stderr.log")).doesNotExist();
  }

  @Test
  void shouldNotFollowALinkAProgramPutInPlaceOfItsFolders() throws Exception {
    // given: a program replaced its input folder, and then its whole attempt folder, by links to a
    // folder outside
    Path outside = Files.createDirectories(dir.resolve("outside"));
    AttemptSlots slots = new AttemptSlots(root());
    AttemptSlots.Slot slot = slots.take();
    Path in = slot.subfolder("data-in");
    Files.delete(in);
    Files.createSymbolicLink(in, outside);

    // when: the slot goes to its next attempt
    slots.recycle(slot, Set.of());
    Path again = slots.take().subfolder("data-in");
    Files.writeString(again.resolve("x"), "1");

    // then: a real folder inside the slot got the input; nothing reached the outside folder
    assertThat(Files.isSymbolicLink(again)).isFalse();
    assertThat(Files.isDirectory(again, LinkOption.NOFOLLOW_LINKS)).isTrue();
    assertThat(count(outside)).isZero();

    // and the same for the attempt folder itself
    Path folder = slot.folder();
    slots.recycle(slot, Set.of());
    AttemptSlots.Slot third = slots.take();
    org.flytebeam.exec.process.LocalFiles.deleteTree(folder);
    Files.createSymbolicLink(folder, outside);
    Files.writeString(third.subfolder("work").resolve("f"), "1");
    assertThat(Files.isSymbolicLink(third.folder())).isFalse();
    assertThat(count(outside)).isZero();
  }

  @Test
  void shouldGiveEachAttemptRunningAtOnceASlotOfItsOwn() throws Exception {
    AttemptSlots slots = new AttemptSlots(root());
    AttemptSlots.Slot first = slots.take();
    AttemptSlots.Slot second = slots.take();
    first.open();
    second.open();

    assertThat(first.folder()).isNotEqualTo(second.folder());

    // given back, the first is handed out again before a third is made
    slots.recycle(first, Set.of());
    assertThat(slots.take().folder()).isEqualTo(first.folder());
    assertThat(slots.take().folder()).isNotIn(first.folder(), second.folder());
  }
}
