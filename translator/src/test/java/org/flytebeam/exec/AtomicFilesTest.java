package org.flytebeam.exec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.apache.beam.sdk.util.MimeTypes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Final files (outputs, summary, report) are whole or untouched, never half written. */
class AtomicFilesTest {
  @TempDir Path dir;

  @Test
  void shouldKeepThePreviousFileWhenAWriteFailsHalfWay() throws IOException {
    // given: the outputs of an earlier run
    Path target = dir.resolve("outputs.pb");
    Files.writeString(target, "earlier outputs", StandardCharsets.UTF_8);

    // when: a new write fails after its first bytes
    assertThatThrownBy(
            () ->
                AtomicFiles.write(
                    target.toString(),
                    MimeTypes.BINARY,
                    out -> {
                      out.write("half of the new".getBytes(StandardCharsets.UTF_8));
                      throw new IOException("disk full");
                    }))
        .isInstanceOf(IOException.class)
        .hasMessage("disk full");

    // then: the earlier file is whole, and no temporary file is left beside it
    assertThat(Files.readString(target, StandardCharsets.UTF_8)).isEqualTo("earlier outputs");
    try (Stream<Path> files = Files.list(dir)) {
      assertThat(files).containsExactly(target);
    }
  }

  @Test
  void shouldReplaceThePreviousFileWhenAWriteSucceeds() throws IOException {
    Path target = dir.resolve("sub").resolve("summary.json");

    AtomicFiles.writeBytes(target.toString(), "one".getBytes(StandardCharsets.UTF_8));
    AtomicFiles.writeBytes(target.toString(), "two".getBytes(StandardCharsets.UTF_8));

    assertThat(Files.readString(target, StandardCharsets.UTF_8)).isEqualTo("two");
    try (Stream<Path> files = Files.list(target.getParent())) {
      assertThat(files).containsExactly(target);
    }
  }

  @Test
  void shouldPutTheTemporaryFileBesideTheTargetHidden() {
    assertThat(AtomicFiles.temporarySibling("/a/b/out.json")).startsWith("/a/b/.out.json.tmp-");
    assertThat(AtomicFiles.temporarySibling("gs://bucket/x/out.pb"))
        .startsWith("gs://bucket/x/.out.pb.tmp-");
  }
}
