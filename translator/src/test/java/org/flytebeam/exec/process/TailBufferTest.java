package org.flytebeam.exec.process;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class TailBufferTest {
  @Test
  void shouldKeepEverythingWhileUnderTheCapacityWrittenInPiecesOfAnySize() {
    // given
    TailBuffer buffer = new TailBuffer(1000);
    ByteArrayOutputStream written = new ByteArrayOutputStream();

    // when: pieces that cross the buffer's growth steps
    for (int size : new int[] {1, 255, 1, 300, 0, 42}) {
      byte[] piece = new byte[size];
      Arrays.fill(piece, (byte) ('a' + size % 26));
      buffer.write(piece, 0, size);
      written.write(piece, 0, size);
    }

    // then
    assertThat(buffer.total()).isEqualTo(599);
    assertThat(buffer.bytes()).isEqualTo(written.toByteArray());
  }

  @Test
  void shouldKeepTheLastCapacityBytesOnceMoreWereWritten() {
    // given
    TailBuffer buffer = new TailBuffer(300);
    StringBuilder all = new StringBuilder();

    // when: growing, then wrapping around
    for (int i = 0; i < 100; i++) {
      byte[] piece = ("line" + i + "\n").getBytes(StandardCharsets.US_ASCII);
      buffer.write(piece, 0, piece.length);
      all.append("line").append(i).append('\n');
    }

    // then
    assertThat(buffer.total()).isEqualTo(all.length());
    assertThat(new String(buffer.bytes(), StandardCharsets.US_ASCII))
        .isEqualTo(all.substring(all.length() - 300));
  }

  @Test
  void shouldHoldNothingBeforeAWrite() {
    TailBuffer buffer = new TailBuffer(64 * 1024);
    assertThat(buffer.total()).isZero();
    assertThat(buffer.bytes()).isEmpty();
    assertThat(buffer.lastLines(3, 100)).isEmpty();
  }
}
