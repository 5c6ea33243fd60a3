package org.flytebeam.exec.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A remote folder (a multipart blob) copied in, and a task's output folder moved out, with object
 * keys and folder contents that are data: nothing lands outside its folder, no link is followed
 * out.
 */
class LocalFilesTest {
  @TempDir Path dir;

  @Test
  void shouldPlaceEachFileOfARemoteFolderByItsPathBelowTheFolder() throws Exception {
    Path target = dir.resolve("in");
    String folder = "s3://bucket/dirs/in/";

    assertThat(LocalFiles.placeOf(folder, folder + "a.txt", target))
        .contains(target.resolve("a.txt").toAbsolutePath());
    assertThat(LocalFiles.placeOf(folder, folder + "sub/deeper/c.txt", target))
        .contains(target.resolve("sub/deeper/c.txt").toAbsolutePath());
    // a folder marker stands for a folder; the folder's own marker for nothing
    assertThat(LocalFiles.placeOf(folder, folder + "empty/", target))
        .contains(target.resolve("empty").toAbsolutePath());
    assertThat(LocalFiles.placeOf(folder, folder, target)).isEmpty();
    // Hadoop lists hdfs:///dir/ with the namenode's authority: compared by path
    assertThat(LocalFiles.placeOf("hdfs:///data/d/", "hdfs://127.0.0.1:8020/data/d/x/y", target))
        .contains(target.resolve("x/y").toAbsolutePath());
  }

  @Test
  void shouldReadAFileByItsNameAndTellAMissingOne() throws Exception {
    // Glob characters in a folder's name are the name's own: read, never matched as a pattern.
    Path folder = Files.createDirectories(dir.resolve("run [1] *"));
    Path file = Files.write(folder.resolve("r-0-10"), new byte[] {1, 2, 3});
    Files.write(folder.resolve("r-0-1"), new byte[] {9});

    assertThat(LocalFiles.readIfPresent(file.toString())).hasValue(new byte[] {1, 2, 3});
    assertThat(LocalFiles.readIfPresent(file.toUri().toString())).hasValue(new byte[] {1, 2, 3});
    assertThat(LocalFiles.readIfPresent(folder.resolve("r-0-*").toString())).isEmpty();
    assertThat(LocalFiles.readIfPresent(folder.resolve("r-10-20").toString())).isEmpty();
    assertThat(LocalFiles.readIfPresent(dir.resolve("gone/r-0-10").toString())).isEmpty();
  }

  @Test
  void shouldTellTheSubFoldersOfAListingFromItsFiles() {
    Set<String> holders =
        LocalFiles.holders(
            Set.of(
                "hdfs://nn:8020/d/a.txt",
                "hdfs://nn:8020/d/sub/x",
                "hdfs://nn:8020/d/sub/deeper/y"));
    assertThat(holders)
        .contains("hdfs://nn:8020/d", "hdfs://nn:8020/d/sub", "hdfs://nn:8020/d/sub/deeper")
        .doesNotContain("hdfs://nn:8020/d/a.txt", "hdfs://nn:8020/d/sub/x", "hdfs://nn:8020/d/su");
  }

  @Test
  void shouldRefuseObjectKeysThatWouldWriteOutsideTheFolder() {
    Path target = dir.resolve("in");
    String folder = "s3://bucket/dirs/in/";
    for (String key :
        List.of(
            "../escaped",
            "sub/../../escaped",
            "../../../../../../../../tmp/escaped",
            "/etc/passwd",
            "/",
            "//",
            "sub//",
            "..",
            "../",
            "a\0b")) {
      assertThatThrownBy(() -> LocalFiles.placeOf(folder, folder + key, target))
          .as(key)
          .isInstanceOf(SafePaths.UnsafePathException.class)
          .hasMessageContaining(
              "of the folder [" + folder + "] would be written outside its folder");
    }
    assertThatThrownBy(() -> LocalFiles.placeOf(folder, "s3://bucket/dirs/other/a.txt", target))
        .isInstanceOf(SafePaths.UnsafePathException.class)
        .hasMessageContaining("is not under it");
    assertThat(dir.resolve("escaped")).doesNotExist();
  }

  @Test
  void shouldUploadNothingOfAnOutputFolderHoldingALinkOutOfIt() throws Exception {
    // given: a task's output folder, one file of its own and a link to a file of the user's
    Path secret = Files.writeString(dir.resolve("id_rsa"), "PRIVATE KEY");
    Path out = Files.createDirectories(dir.resolve("out/nested"));
    Files.writeString(out.resolve("a.txt"), "fine");
    Files.createSymbolicLink(out.resolve("b"), secret);
    Path folder = dir.resolve("out");

    // when / then: refused before any store is asked (none is registered for this scheme)
    assertThatThrownBy(() -> LocalFiles.moveOut(folder, "s3://bucket/raw/out"))
        .isInstanceOf(SafePaths.UnsafePathException.class)
        .hasMessageContaining("holds the symbolic link [nested/b] to [" + secret.toRealPath() + "]")
        .hasMessageNotContaining("PRIVATE KEY");
    assertThat(out.resolve("a.txt")).hasContent("fine");

    // and a single output file that is a link out is refused too
    Path link =
        Files.createSymbolicLink(Files.createDirectories(dir.resolve("o")).resolve("y"), secret);
    assertThatThrownBy(() -> LocalFiles.moveOut(link, "s3://bucket/raw/y"))
        .isInstanceOf(SafePaths.UnsafePathException.class)
        .hasMessageContaining("to [" + secret.toRealPath() + "]");
  }

  @Test
  void shouldCopyALocalFolderWithItsNestedFilesAndNoLinkOut() throws Exception {
    Path source = Files.createDirectories(dir.resolve("src/sub"));
    Files.writeString(dir.resolve("src/a.txt"), "a");
    Files.writeString(source.resolve("c.txt"), "c");
    Path target = dir.resolve("copy");

    LocalFiles.copyIn(dir.resolve("src").toString(), target, true);

    assertThat(target.resolve("a.txt")).hasContent("a");
    assertThat(target.resolve("sub/c.txt")).hasContent("c");
  }

  @Test
  void shouldWriteOverAFileInPlaceCuttingWhatWasLonger() throws Exception {
    Path file = Files.writeString(dir.resolve("x"), "a much longer earlier value");
    Object inode = Files.getAttribute(file, "unix:ino");

    LocalFiles.writeInPlace(file, "42".getBytes(java.nio.charset.StandardCharsets.UTF_8));

    assertThat(Files.readString(file)).isEqualTo("42");
    assertThat(Files.getAttribute(file, "unix:ino")).isEqualTo(inode);
    LocalFiles.writeInPlace(file, "4242".getBytes(java.nio.charset.StandardCharsets.UTF_8));
    assertThat(Files.readString(file)).isEqualTo("4242");
  }

  @Test
  void shouldNeverWriteThroughALinkAProgramLeftWhereItsInputWas() throws Exception {
    // given: a file of the user's, reachable by a hard link and by a symbolic link in the folder
    Path outside = Files.writeString(dir.resolve("users-file"), "precious");
    Path folder = Files.createDirectories(dir.resolve("data-in"));
    Path hard = Files.createLink(folder.resolve("x"), outside);
    Path soft = Files.createSymbolicLink(folder.resolve("y"), outside);

    // when: each link's name is unlinked and written anew
    LocalFiles.writeInPlace(hard, "1".getBytes(java.nio.charset.StandardCharsets.UTF_8));
    LocalFiles.writeInPlace(soft, "2".getBytes(java.nio.charset.StandardCharsets.UTF_8));

    // then
    assertThat(Files.readString(hard)).isEqualTo("1");
    assertThat(Files.isSymbolicLink(soft)).isFalse();
    assertThat(Files.readString(soft)).isEqualTo("2");
    assertThat(Files.readString(outside)).isEqualTo("precious");
  }
}
