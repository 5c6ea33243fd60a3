package org.flytebeam.exec;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Stopping a run from outside: in this JVM by its id, and in any JVM by its stop file. */
class RunControlTest {
  @TempDir Path dir;

  @Test
  void abortStopsTheRunAlsoWhenItsControlComesLater() {
    String before = UUID.randomUUID().toString();
    String after = UUID.randomUUID().toString();
    RunControl existing = RunControl.forRun(before, 10, 1, true);
    try {
      assertThat(existing.stopped()).isFalse();

      RunControl.abort(before);
      RunControl.abort(after);

      assertThat(existing.stopped()).isTrue();
      assertThat(RunControl.stopped(before)).isTrue();
      // The control of a run aborted before any worker asked for it starts stopped.
      assertThat(RunControl.forRun(after, 10, 1, true).stopped()).isTrue();
      // Other runs go on.
      assertThat(RunControl.forRun(UUID.randomUUID().toString(), 10, 1, true).stopped()).isFalse();
    } finally {
      RunControl.release(before);
      RunControl.release(after);
    }
    // A released run id is forgotten, its abort too.
    assertThat(RunControl.forRun(after, 10, 1, true).stopped()).isFalse();
    RunControl.release(after);
  }

  @Test
  void aStopFileStopsTheRunOfAWorkerThatWasNotToldInItsJvm() throws Exception {
    String runId = UUID.randomUUID().toString();
    Path stop = dir.resolve("stop");
    RunControl control = RunControl.forRun(runId, 10, 1, true, stop.toString());
    try {
      assertThat(control.stopped()).isFalse();

      Files.write(stop, new byte[0]);

      // Looked for every few seconds: stopped well within a minute.
      long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (!control.stopped() && System.nanoTime() < end) {
        Thread.sleep(50);
      }
      assertThat(control.stopped()).isTrue();
      assertThat(RunControl.stopped(runId)).isTrue();
    } finally {
      RunControl.release(runId);
    }
  }
}
