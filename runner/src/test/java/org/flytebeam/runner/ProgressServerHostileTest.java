package org.flytebeam.runner;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.flytebeam.exec.ElementStatus;
import org.flytebeam.exec.RunProgress;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The progress endpoint faces whoever reaches its port: a client without the run's secret, with a
 * huge body, made-up worker ids, impossible counts, or connections left open and silent, never
 * changes the driver's counts, grows its memory without bound, or keeps real executors out.
 */
class ProgressServerHostileTest {
  private static final long MAP_SIZE = 100;

  private final String secret = RunProgress.newSecret();
  private RunProgress driver;
  private ProgressServer server;
  private int port;

  @BeforeEach
  void start() throws IOException {
    driver = RunProgress.relayingTo(null, null);
    server = ProgressServer.start("127.0.0.1", driver, secret, MAP_SIZE);
    port = URI.create(server.url()).getPort();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void shouldRefuseAPostWithoutTheRunsSecret() throws IOException {
    assertThat(post(null, "worker=w1&started=5")).isEqualTo(401);
    assertThat(post("Bearer " + RunProgress.newSecret(), "worker=w1&started=5")).isEqualTo(401);
    assertThat(post("Bearer " + secret.substring(1), "worker=w1&started=5")).isEqualTo(401);
    assertThat(post("Basic " + secret, "worker=w1&started=5")).isEqualTo(401);

    assertThat(driver.snapshot().started()).isZero();
    assertThat(driver.remoteWorkers()).isZero();
  }

  @Test
  void shouldTakeAPostWithTheRunsSecret() throws IOException {
    assertThat(post("Bearer " + secret, "worker=w1&started=5&succeeded=2&running=3"))
        .isEqualTo(204);

    assertThat(driver.snapshot()).isEqualTo(new RunProgress.Snapshot(5, 2, 0, 0, 3));
  }

  @Test
  void shouldRefuseAHugeBodyWithoutReadingIt() throws IOException {
    String huge =
        "POST /progress HTTP/1.1\r\nAuthorization: Bearer "
            + secret
            + "\r\nContent-Length: 1000000000\r\n\r\nworker=w1&started=1";
    assertThat(send(huge)).isEqualTo(413);

    String body = "worker=w1&started=1&pad=" + "x".repeat(64 * 1024);
    assertThat(post("Bearer " + secret, body)).isEqualTo(413);

    String noLength = "POST /progress HTTP/1.1\r\nAuthorization: Bearer " + secret + "\r\n\r\n";
    assertThat(send(noLength)).isEqualTo(411);

    String hugeHeader = "POST /progress HTTP/1.1\r\nX-Pad: " + "y".repeat(64 * 1024) + "\r\n\r\n";
    assertThat(send(hugeHeader)).isEqualTo(431);

    assertThat(driver.snapshot().started()).isZero();
  }

  @Test
  void shouldRefuseImpossibleCounts() throws IOException {
    String auth = "Bearer " + secret;
    assertThat(post(auth, "worker=w1&started=-999999")).isEqualTo(400);
    assertThat(post(auth, "worker=w1&succeeded=99999999999999999999")).isEqualTo(400);
    assertThat(post(auth, "worker=w1&failed=9223372036854775807")).isEqualTo(400);
    assertThat(post(auth, "worker=w1&aborted=" + (MAP_SIZE + 1))).isEqualTo(400);
    assertThat(post(auth, "worker=w1&running=1.5")).isEqualTo(400);
    assertThat(post(auth, "worker=w1&cached=+3")).isEqualTo(400);

    assertThat(driver.snapshot()).isEqualTo(new RunProgress.Snapshot(0, 0, 0, 0, 0));
    assertThat(driver.cacheHits()).isZero();
  }

  @Test
  void shouldNotRememberMoreWorkersThanTheBoundNorLongIds() throws IOException {
    String auth = "Bearer " + secret;
    // A 4 KB worker id is refused with its body; a 500-character one is no worker id either.
    assertThat(post(auth, "worker=" + "a".repeat(4096) + "&started=1")).isEqualTo(413);
    assertThat(post(auth, "worker=" + "a".repeat(500) + "&started=1")).isEqualTo(400);
    assertThat(driver.remoteWorkers()).isZero();

    // given: as many workers as the driver remembers
    for (int i = 0; i < RunProgress.MAX_REMOTE_WORKERS; i++) {
      assertThat(driver.addRemote("w" + i, 0, 0, 0, 0, 1, 0)).isTrue();
    }

    // when: one more made-up id posts, and a known worker posts
    int stranger = post(auth, "worker=another&started=1&running=1");
    int known = post(auth, "worker=w7&started=1&running=0");

    // then: the stranger is refused and not remembered; the known worker still counts
    assertThat(stranger).isEqualTo(429);
    assertThat(known).isEqualTo(204);
    assertThat(driver.remoteWorkers()).isEqualTo(RunProgress.MAX_REMOTE_WORKERS);
    assertThat(driver.snapshot().started()).isEqualTo(1);
    assertThat(driver.snapshot().running()).isEqualTo(RunProgress.MAX_REMOTE_WORKERS - 1);
  }

  @Test
  void shouldTakeARealPostWhileStalledConnectionsHang() throws IOException {
    // given: connections that never finish their request, and one that never says anything
    List<Socket> stalled = new ArrayList<>();
    try {
      for (int i = 0; i < 3; i++) {
        Socket s = new Socket(InetAddress.getLoopbackAddress(), port);
        s.getOutputStream()
            .write("POST /progress HTTP/1.1\r\n".getBytes(StandardCharsets.US_ASCII));
        s.getOutputStream().flush();
        stalled.add(s);
      }
      stalled.add(new Socket(InetAddress.getLoopbackAddress(), port));

      // when: a real executor posts (its own timeouts are 2 s)
      RunProgress executor = RunProgress.relayingTo(server.url(), secret);
      executor.started();
      executor.ended(ElementStatus.SUCCEEDED);
      executor.flush();

      // then: it was counted while the stalled connections still hang
      assertThat(driver.snapshot()).isEqualTo(new RunProgress.Snapshot(1, 1, 0, 0, 0));
      assertThat(stalled.get(0).isClosed()).isFalse();
    } finally {
      for (Socket s : stalled) {
        s.close();
      }
    }
  }

  @Test
  void shouldCloseAConnectionThatStallsMidRequest() throws Exception {
    try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
      s.getOutputStream().write("POST /progress HTTP/1.1\r\n".getBytes(StandardCharsets.US_ASCII));
      s.getOutputStream().flush();
      s.setSoTimeout(30_000);

      // The server closes it once its read timeout passes: the read ends, with no answer.
      int read = s.getInputStream().read();

      assertThat(read).isEqualTo(-1);
    }
  }

  private int post(String authorization, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    String request =
        "POST /progress HTTP/1.1\r\nHost: x\r\n"
            + (authorization == null ? "" : "Authorization: " + authorization + "\r\n")
            + "Content-Length: "
            + bytes.length
            + "\r\n\r\n"
            + body;
    return send(request);
  }

  /** Sends {@code request} and returns the answer's status; a connection closed early is 0. */
  private int send(String request) throws IOException {
    try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
      s.setSoTimeout(10_000);
      OutputStream out = s.getOutputStream();
      try {
        out.write(request.getBytes(StandardCharsets.UTF_8));
        out.flush();
      } catch (IOException e) {
        // The server may answer and close before a huge request is all sent.
      }
      BufferedReader in =
          new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
      String status = in.readLine();
      return status == null ? 0 : Integer.parseInt(status.split(" ")[1]);
    }
  }
}
