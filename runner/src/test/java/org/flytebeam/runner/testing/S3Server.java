package org.flytebeam.runner.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * A real S3 API server for tests: s3proxy (from Maven Central, its in-memory {@code transient-nio2}
 * back end) in a child JVM on 127.0.0.1 and a free port, with AWS signature v4 and a fixed access
 * key; stopped by pid ({@link #close()}, or {@link ChildProcesses}' shutdown hook).
 */
public final class S3Server implements AutoCloseable {
  /** The access key and secret the server accepts. */
  public static final String ACCESS_KEY = "flyte-beam-test";

  public static final String SECRET_KEY = "flyte-beam-test-secret";

  private final ChildProcesses.Child process;
  private final int port;

  private S3Server(ChildProcesses.Child process, int port) {
    this.process = process;
    this.port = port;
  }

  /** The s3proxy jar with its dependencies, which the build copies for the integration tests. */
  public static Path jar() {
    String jar = System.getProperty("flytebeam.it.s3proxyJar");
    if (jar == null || !Files.isRegularFile(Path.of(jar))) {
      throw new IllegalStateException(
          "flytebeam.it.s3proxyJar ["
              + jar
              + "] is not a file: run the test through failsafe (mvn verify), which copies it");
    }
    return Path.of(jar);
  }

  /** Starts the server and waits until it answers HTTP. */
  public static S3Server start(Path dir) {
    int port = SparkStandalone.freePort();
    try {
      Path conf = dir.resolve("s3proxy.properties");
      Files.writeString(
          conf,
          String.join(
              "\n",
              "s3proxy.endpoint=http://127.0.0.1:" + port,
              "s3proxy.authorization=aws-v2-or-v4",
              "s3proxy.identity=" + ACCESS_KEY,
              "s3proxy.credential=" + SECRET_KEY,
              "jclouds.provider=transient-nio2",
              "jclouds.identity=unused",
              "jclouds.credential=unused",
              ""));
      String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
      ChildProcesses.Child child =
          ChildProcesses.start(
              new ProcessBuilder(
                  List.of(
                      java, "-Xmx256m", "-jar", jar().toString(), "--properties", conf.toString())),
              dir.resolve("s3proxy.log"));
      S3Server server = new S3Server(child, port);
      server.awaitUp(Duration.ofMinutes(2));
      return server;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public int port() {
    return port;
  }

  public long pid() {
    return process.pid();
  }

  /** {@code http://127.0.0.1:PORT}. */
  public String endpoint() {
    return "http://127.0.0.1:" + port;
  }

  private void awaitUp(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.process().isAlive()) {
        throw new AssertionError("s3proxy exited; its log ends:\n" + process.tail());
      }
      try {
        HttpURLConnection c =
            (HttpURLConnection) URI.create(endpoint() + "/").toURL().openConnection();
        c.setConnectTimeout(1000);
        c.setReadTimeout(2000);
        // Any HTTP answer (403 without a signature) means it serves.
        if (c.getResponseCode() > 0) {
          c.disconnect();
          return;
        }
      } catch (IOException e) {
        // Not up yet.
      }
      try {
        Thread.sleep(200);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted", e);
      }
    }
    close();
    throw new AssertionError("s3proxy did not answer within " + timeout + ":\n" + process.tail());
  }

  @Override
  public void close() {
    ChildProcesses.stop(process.process().toHandle());
  }
}
