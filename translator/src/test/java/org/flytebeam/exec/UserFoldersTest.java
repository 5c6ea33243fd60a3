package org.flytebeam.exec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * flyte-beam's own local folders on a shared machine: one per user, private, never one another user
 * made; run folders of killed runs removed, nothing else.
 */
class UserFoldersTest {
  @TempDir Path tmp;

  @Test
  void shouldCreateAPrivateFolderPerUser() throws IOException {
    Path base = UserFolders.base(tmp, "alice");

    assertThat(base).isEqualTo(tmp.resolve("flyte-beam-alice")).isDirectory();
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(base)))
        .isEqualTo("rwx------");
    // the second time, the same folder, checked
    assertThat(UserFolders.base(tmp, "alice")).isEqualTo(base);
    // a user name is never a path
    assertThat(UserFolders.base(tmp, "../evil").getFileName().toString())
        .isEqualTo("flyte-beam-.._evil");
  }

  @Test
  void shouldRefuseAFolderOthersMayWriteIn() throws IOException {
    // given: someone made the folder before this user, writable by all
    Path base = Files.createDirectory(tmp.resolve("flyte-beam-bob"));
    Files.setPosixFilePermissions(base, PosixFilePermissions.fromString("rwxrwxrwx"));

    assertThatThrownBy(() -> UserFolders.base(tmp, "bob"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("[" + base + "] may be written by other users")
        .hasMessageContaining("chmod 700");
  }

  @Test
  void shouldRefuseALinkPlantedInPlaceOfTheFolder() throws IOException {
    Path elsewhere = Files.createDirectory(tmp.resolve("elsewhere"));
    Files.createSymbolicLink(tmp.resolve("flyte-beam-carol"), elsewhere);

    assertThatThrownBy(() -> UserFolders.base(tmp, "carol"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("is not a folder (a link or a file");
  }

  @Test
  void shouldRefuseAFolderAnotherUserOwns() throws IOException {
    // Only root can give a folder away: that is how the test plays the other user.
    assumeThat(System.getProperty("user.name")).isEqualTo("root");
    Path base = Files.createDirectory(tmp.resolve("flyte-beam-dave"));
    Files.setPosixFilePermissions(base, PosixFilePermissions.fromString("rwx------"));
    UserPrincipal nobody;
    try {
      nobody = base.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("nobody");
    } catch (IOException e) {
      assumeThat(e).as("no user [nobody] on this machine").isNull();
      return;
    }
    Files.setOwner(base, nobody);

    assertThatThrownBy(() -> UserFolders.base(tmp, "dave"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("belongs to [nobody], not to you");
  }

  @Test
  void shouldRemoveOnlyTheRunFoldersOfKilledRuns() throws Exception {
    // given: a killed run's folder, a running one's (this JVM), a finished one (no owner), one
    // of another host, and a look-alike that is a file
    Process gone = new ProcessBuilder("true").start();
    gone.waitFor();
    Path killed = runFolder("run-killed", new RunOwner("k", gone.pid(), RunOwner.thisHost(), 1));
    Path running = runFolder("run-running", RunOwner.current("r"));
    Path finished = Files.createDirectories(tmp.resolve("run-finished"));
    Files.writeString(finished.resolve("kept.txt"), "data");
    Path remote = runFolder("run-remote", new RunOwner("o", gone.pid(), "another-host", 1));
    Path reused =
        runFolder(
            "run-reused",
            new RunOwner("p", ProcessHandle.current().pid(), RunOwner.thisHost(), 12345L));
    Path file = Files.writeString(tmp.resolve("run-file"), "not a folder");

    // when
    var removed = UserFolders.removeDead(tmp);

    // then: the killed run's folder, and the one whose pid now belongs to another process
    assertThat(removed).containsExactlyInAnyOrder(killed, reused);
    assertThat(killed).doesNotExist();
    assertThat(reused).doesNotExist();
    assertThat(running).isDirectory();
    assertThat(finished.resolve("kept.txt")).isRegularFile();
    assertThat(remote).isDirectory();
    assertThat(file).isRegularFile();
  }

  @Test
  void shouldNotFollowALinkOutOfAKilledRunsFolder() throws Exception {
    Process gone = new ProcessBuilder("true").start();
    gone.waitFor();
    Path precious = Files.createDirectories(tmp.resolve("precious"));
    Files.writeString(precious.resolve("keep.txt"), "keep");
    Path killed = runFolder("run-killed", new RunOwner("k", gone.pid(), RunOwner.thisHost(), 1));
    Files.createSymbolicLink(killed.resolve("link"), precious);

    UserFolders.removeDead(tmp);

    assertThat(killed).doesNotExist();
    assertThat(precious.resolve("keep.txt")).isRegularFile();
  }

  @Test
  void shouldMarkANewRunFolderAsOwnedByThisProcessUntilReleased() throws IOException {
    Path folder = tmp.resolve("run-x");

    UserFolders.claim(folder, "x");
    RunOwner owner =
        RunOwner.parse(Files.readString(folder.resolve(UserFolders.OWNER_FILE))).orElseThrow();
    UserFolders.release(folder);

    assertThat(owner.runId()).isEqualTo("x");
    assertThat(owner.pid()).isEqualTo(ProcessHandle.current().pid());
    assertThat(folder.resolve(UserFolders.OWNER_FILE)).doesNotExist();
    assertThat(Files.isDirectory(folder, LinkOption.NOFOLLOW_LINKS)).isTrue();
  }

  @Test
  void shouldReadNoOwnerFromDamagedText() {
    assertThat(RunOwner.parse("")).isEmpty();
    assertThat(RunOwner.parse("run=a\npid=x\nhost=h")).isEmpty();
    assertThat(RunOwner.parse("\u0000\u0001garbage")).isEmpty();
    assertThat(RunOwner.parse("run=a\npid=12\nhost=h\nprocess-start=5"))
        .contains(new RunOwner("a", 12, "h", 5));
  }

  private Path runFolder(String name, RunOwner owner) throws IOException {
    Path folder = Files.createDirectories(tmp.resolve(name));
    Files.writeString(folder.resolve("data.bin"), "x");
    Files.writeString(
        folder.resolve(UserFolders.OWNER_FILE), owner.format(), StandardCharsets.UTF_8);
    return folder;
  }
}
