package org.flytebeam.runner;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.flytebeam.exec.ElementStatus;
import org.flytebeam.exec.RunProgress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Executors in other JVMs relay their counts to the driver's endpoint, once per range. */
class ProgressServerTest {
  private static final String SECRET = RunProgress.newSecret();

  @TempDir Path dir;

  @Test
  void shouldAddRelayedCountsToTheDriversProgressWhenAnExecutorFlushes() throws Exception {
    // given: the driver's progress and endpoint; an executor's relay
    String runId = "relay-" + System.nanoTime();
    RunProgress driver = RunProgress.forRun(runId);
    try (ProgressServer server = ProgressServer.start("127.0.0.1", driver, SECRET, 10)) {
      RunProgress executor = RunProgress.relayingTo(server.url(), SECRET);

      // when: a range of three elements, two ended
      executor.started();
      executor.ended(ElementStatus.SUCCEEDED);
      executor.cacheHits(1);
      executor.started();
      executor.ended(ElementStatus.TIMED_OUT);
      executor.started();
      executor.flush();

      // then
      assertThat(driver.snapshot()).isEqualTo(new RunProgress.Snapshot(3, 1, 1, 0, 1));
      assertThat(driver.cacheHits()).isEqualTo(1);

      // when: the last one ends, and a flush with nothing new
      executor.ended(ElementStatus.SUCCEEDED);
      executor.count(ElementStatus.ABORTED, 2);
      executor.flush();
      executor.flush();

      // then: deltas, not totals, are added; the running gauge is replaced
      assertThat(driver.snapshot()).isEqualTo(new RunProgress.Snapshot(3, 2, 1, 2, 0));
      assertThat(driver.cacheHits()).isEqualTo(1);
    } finally {
      RunProgress.release(runId);
    }
  }

  @Test
  void shouldRelayToTheEndpointNamedInTheRunFolderWhenTheRunIsNotInThisJvm() throws Exception {
    String runId = "remote-" + System.nanoTime();
    RunProgress driver = RunProgress.relayingTo(null, null);
    try (ProgressServer server = ProgressServer.start("127.0.0.1", driver, SECRET, 10)) {
      Files.writeString(
          dir.resolve(RunProgress.ENDPOINT_FILE), server.url(), StandardCharsets.UTF_8);

      RunProgress worker = RunProgress.forWorker(runId, dir.toString(), SECRET);
      worker.started();
      worker.ended(ElementStatus.FAILED);
      worker.flush();

      assertThat(driver.snapshot()).isEqualTo(new RunProgress.Snapshot(1, 0, 1, 0, 0));
    } finally {
      RunProgress.release(runId);
    }
  }

  @Test
  void shouldCountLocallyWithoutAnEndpointFile() {
    String runId = "local-" + System.nanoTime();
    try {
      RunProgress worker = RunProgress.forWorker(runId, dir.toString(), SECRET);
      worker.started();
      worker.ended(ElementStatus.SUCCEEDED);
      worker.flush();

      assertThat(RunProgress.forRun(runId)).isSameAs(worker);
      assertThat(worker.snapshot()).isEqualTo(new RunProgress.Snapshot(1, 1, 0, 0, 0));
    } finally {
      RunProgress.release(runId);
    }
  }
}
