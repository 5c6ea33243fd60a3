package org.flytebeam.runner.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A real Spark standalone cluster on 127.0.0.1, started from the jars Maven resolved for a Spark
 * distribution (module {@code spark-dist}): a {@code SPARK_HOME} in a temporary folder whose {@code
 * jars/} links to them, a Master and Workers as separate JVMs on ports free at start. Nothing of
 * flyte-beam or Beam is on its class path: that arrives with the jars a run stages.
 */
public final class SparkStandalone implements AutoCloseable {
  private static final Pattern ALIVE_WORKERS = Pattern.compile("\"aliveworkers\"\\s*:\\s*(\\d+)");

  private final Path home;
  private final List<String> javaFlags;
  private final Map<String, String> workerEnv;
  private final int masterPort;
  private final int masterUiPort;
  private final List<ChildProcesses.Child> workers = new ArrayList<>();
  private final List<Path> workerDirs = new ArrayList<>();
  private ChildProcesses.Child master;

  private SparkStandalone(Path home, List<String> javaFlags, Map<String, String> workerEnv) {
    this.home = home;
    this.javaFlags = List.copyOf(javaFlags);
    this.workerEnv = Map.copyOf(workerEnv);
    this.masterPort = freePort();
    this.masterUiPort = freePort();
  }

  /**
   * Starts a Master and {@code workers} Workers of one core and {@code memory} each, and waits
   * until the Master sees them all.
   *
   * @param sparkJars the jars of the Spark distribution
   * @param workerEnv extra environment of the Workers, which their executors inherit
   */
  public static SparkStandalone start(
      Path dir,
      List<Path> sparkJars,
      List<String> javaFlags,
      int workers,
      String memory,
      Map<String, String> workerEnv) {
    try {
      Path home = Files.createDirectories(dir.resolve("spark-home"));
      Path jars = Files.createDirectories(home.resolve("jars"));
      for (Path jar : sparkJars) {
        Path link = jars.resolve(jar.getFileName());
        if (!Files.exists(link)) {
          Files.createSymbolicLink(link, jar.toAbsolutePath());
        }
      }
      SparkStandalone cluster = new SparkStandalone(home, javaFlags, workerEnv);
      cluster.startMaster();
      for (int i = 0; i < workers; i++) {
        cluster.startWorker(i, memory);
      }
      cluster.awaitWorkers(workers, Duration.ofSeconds(90));
      return cluster;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public String masterUrl() {
    return "spark://127.0.0.1:" + masterPort;
  }

  public Path home() {
    return home;
  }

  /** {@code SPARK_HOME/jars/*}: the class path of Spark's own JVMs. */
  public String classpath() {
    return home.resolve("jars") + "/*";
  }

  /** The environment every Spark JVM here runs with. */
  public Map<String, String> environment() {
    return Map.of(
        "SPARK_HOME", home.toString(),
        // Without it a Worker cannot build the executor command (no Scala version under jars/).
        "SPARK_SCALA_VERSION", "2.12",
        "SPARK_LOCAL_IP", "127.0.0.1");
  }

  public List<ChildProcesses.Child> workers() {
    return List.copyOf(workers);
  }

  /** The work folder of worker {@code i}: one folder per application, one per executor in it. */
  public Path workerDir(int i) {
    return workerDirs.get(i);
  }

  /** The executor JVMs (CoarseGrainedExecutorBackend) that worker {@code i} runs now. */
  public List<ProcessHandle> executors(int i) {
    return workers
        .get(i)
        .process()
        .toHandle()
        .children()
        .filter(p -> p.info().commandLine().orElse("").contains("CoarseGrainedExecutorBackend"))
        .toList();
  }

  /** Which worker runs the executor {@code pid}, if any. */
  public Optional<Integer> workerOf(long pid) {
    for (int i = 0; i < workers.size(); i++) {
      if (executors(i).stream().anyMatch(p -> p.pid() == pid)) {
        return Optional.of(i);
      }
    }
    return Optional.empty();
  }

  private void startMaster() {
    ProcessBuilder builder =
        java(
            "org.apache.spark.deploy.master.Master",
            "--host",
            "127.0.0.1",
            "--port",
            String.valueOf(masterPort),
            "--webui-port",
            String.valueOf(masterUiPort));
    master = ChildProcesses.start(builder, home.resolve("master.log"));
  }

  private void startWorker(int i, String memory) throws IOException {
    Path workDir = Files.createDirectories(home.resolve("work-" + i));
    workerDirs.add(workDir);
    ProcessBuilder builder =
        java(
            "org.apache.spark.deploy.worker.Worker",
            "--host",
            "127.0.0.1",
            "--webui-port",
            String.valueOf(freePort()),
            "--cores",
            "1",
            "--memory",
            memory,
            "--work-dir",
            workDir.toString(),
            masterUrl());
    builder.environment().putAll(workerEnv);
    workers.add(ChildProcesses.start(builder, home.resolve("worker-" + i + ".log")));
  }

  private ProcessBuilder java(String mainClass, String... args) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx512m");
    command.addAll(javaFlags);
    command.add("-cp");
    command.add(classpath());
    command.add(mainClass);
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.environment().putAll(environment());
    return builder;
  }

  private void awaitWorkers(int expected, Duration timeout) {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    long deadline = System.nanoTime() + timeout.toNanos();
    String last = "";
    while (System.nanoTime() < deadline) {
      if (!master.process().isAlive()) {
        throw new AssertionError("the Spark Master exited; its log ends:\n" + master.tail());
      }
      try {
        HttpResponse<String> response =
            http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + masterUiPort + "/json/"))
                    .timeout(Duration.ofSeconds(2))
                    .build(),
                HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        last = response.body();
        Matcher alive = ALIVE_WORKERS.matcher(last);
        if (alive.find() && Integer.parseInt(alive.group(1)) >= expected) {
          return;
        }
      } catch (IOException e) {
        // Not listening yet.
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted", e);
      }
      sleep(250);
    }
    StringBuilder logs = new StringBuilder("master:\n" + master.tail());
    for (ChildProcesses.Child worker : workers) {
      logs.append("\nworker:\n").append(worker.tail());
    }
    throw new AssertionError(
        "the Master did not see "
            + expected
            + " workers within "
            + timeout
            + " ("
            + last
            + ")\n"
            + logs);
  }

  static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }

  public static int freePort() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Stops the workers (and their executors) and the Master, by pid. */
  @Override
  public void close() {
    for (ChildProcesses.Child worker : workers) {
      ChildProcesses.stop(worker.process().toHandle());
    }
    if (master != null) {
      ChildProcesses.stop(master.process().toHandle());
    }
  }
}
