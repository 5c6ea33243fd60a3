package org.flytebeam.runner.testing;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.hdfs.MiniDFSCluster;
import org.apache.hadoop.yarn.conf.YarnConfiguration;
import org.apache.hadoop.yarn.server.MiniYARNCluster;

/**
 * A real HDFS (a NameNode and a DataNode) and, when asked, a real YARN (a ResourceManager and a
 * NodeManager) on 127.0.0.1 and ports free at start, from Hadoop's own minicluster classes, in a
 * JVM of its own that the tests start with {@link #start} and stop by pid.
 *
 * <p>When everything is up it writes the clients' Hadoop configuration folder, as a cluster's
 * {@code HADOOP_CONF_DIR} holds it ({@code core-site.xml} with {@code fs.defaultFS}, {@code
 * hdfs-site.xml}, and {@code yarn-site.xml} with the ResourceManager's addresses), and then the
 * file {@code ready}.
 */
public final class MiniHadoop implements AutoCloseable {
  private static final Duration START_TIMEOUT = Duration.ofMinutes(3);

  private final ChildProcesses.Child process;
  private final Path confDir;

  private MiniHadoop(ChildProcesses.Child process, Path confDir) {
    this.process = process;
    this.confDir = confDir;
  }

  /**
   * Starts HDFS (and YARN when {@code yarn}) in a child JVM under {@code dir} and waits until it
   * wrote its configuration.
   */
  public static MiniHadoop start(Path dir, boolean yarn) {
    try {
      Path home = Files.createDirectories(dir.resolve(yarn ? "mini-hadoop-yarn" : "mini-hadoop"));
      Path confDir = home.resolve("conf");
      List<String> command =
          new ArrayList<>(
              List.of(
                  Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                  "-Xmx1g",
                  // Hadoop's minicluster reaches into the JDK as Spark does.
                  "--add-opens=java.base/java.lang=ALL-UNNAMED",
                  "--add-opens=java.base/java.util=ALL-UNNAMED",
                  "--add-opens=java.base/java.nio=ALL-UNNAMED",
                  "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
                  "-Djava.net.preferIPv4Stack=true",
                  "-cp",
                  System.getProperty("java.class.path"),
                  MiniHadoop.class.getName(),
                  confDir.toString(),
                  yarn ? "yarn" : "hdfs"));
      ProcessBuilder builder = new ProcessBuilder(command).directory(home.toFile());
      // The NodeManager's containers find java through JAVA_HOME.
      builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
      builder.environment().remove("HADOOP_CONF_DIR");
      builder.environment().remove("YARN_CONF_DIR");
      ChildProcesses.Child child = ChildProcesses.start(builder, home.resolve("mini-hadoop.log"));
      long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
      while (!Files.exists(confDir.resolve("ready"))) {
        if (!child.process().isAlive()) {
          throw new IllegalStateException(
              "the Hadoop minicluster exited with "
                  + child.process().exitValue()
                  + ":\n"
                  + child.tail());
        }
        if (System.nanoTime() > deadline) {
          ChildProcesses.stop(child.process().toHandle());
          throw new IllegalStateException(
              "the Hadoop minicluster did not start within "
                  + START_TIMEOUT
                  + ":\n"
                  + child.tail());
        }
        Thread.sleep(200);
      }
      return new MiniHadoop(child, confDir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  /** The folder to give as {@code HADOOP_CONF_DIR} (and {@code YARN_CONF_DIR}). */
  public Path confDir() {
    return confDir;
  }

  /** {@code hdfs://127.0.0.1:PORT}, the file system's root URI without a trailing slash. */
  public String hdfs() {
    try {
      return Files.readString(confDir.resolve("fs.defaultFS"), StandardCharsets.UTF_8).trim();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The environment a Hadoop or Spark client of this cluster runs with. */
  public Map<String, String> environment() {
    return Map.of("HADOOP_CONF_DIR", confDir.toString(), "YARN_CONF_DIR", confDir.toString());
  }

  public long pid() {
    return process.pid();
  }

  public ChildProcesses.Child process() {
    return process;
  }

  /** Stops the cluster and every process it started (YARN containers), by pid. */
  @Override
  public void close() {
    ChildProcesses.stop(process.process().toHandle());
  }

  /**
   * The child JVM: {@code MiniHadoop CONF_DIR hdfs|yarn}. Runs until it is killed; a shutdown hook
   * stops YARN (and its containers) and HDFS.
   */
  public static void main(String[] args) {
    try {
      serve(args);
    } catch (Throwable e) {
      // Hadoop's own threads would keep the JVM up: a cluster that failed to start exits.
      e.printStackTrace();
      System.exit(1);
    }
  }

  private static void serve(String[] args) throws Exception {
    Path confDir = Path.of(args[0]);
    boolean yarn = args.length > 1 && args[1].equals("yarn");
    Path base = Path.of("").toAbsolutePath();

    Configuration conf = new Configuration();
    conf.setInt("dfs.replication", 1);
    conf.setBoolean("dfs.permissions.enabled", false);
    // Clients reach the DataNode by the address it has, 127.0.0.1: no host name lookups.
    conf.set("dfs.datanode.hostname", "127.0.0.1");
    conf.set("hadoop.tmp.dir", base.resolve("tmp").toString());
    MiniDFSCluster dfs =
        new MiniDFSCluster.Builder(conf, base.resolve("dfs").toFile())
            .numDataNodes(1)
            .nameNodePort(0)
            .nameNodeHttpPort(0)
            .format(true)
            .build();
    dfs.waitActive();
    String defaultFs = "hdfs://127.0.0.1:" + dfs.getNameNodePort();
    conf.set("fs.defaultFS", defaultFs);

    MiniYARNCluster yarnCluster = null;
    Configuration clientYarn = null;
    if (yarn) {
      YarnConfiguration yarnConf = new YarnConfiguration(conf);
      yarnConf.set(YarnConfiguration.RM_HOSTNAME, "127.0.0.1");
      // One queue, no queue configuration file (the shaded minicluster has none for the
      // CapacityScheduler); the FIFO scheduler also lets an application master take what it needs.
      yarnConf.set(
          YarnConfiguration.RM_SCHEDULER,
          "org.apache.hadoop.yarn.server.resourcemanager.scheduler.fifo.FifoScheduler");
      yarnConf.setInt(YarnConfiguration.NM_PMEM_MB, 4096);
      yarnConf.setInt(YarnConfiguration.NM_VCORES, 4);
      yarnConf.setInt(YarnConfiguration.RM_SCHEDULER_MINIMUM_ALLOCATION_MB, 256);
      yarnConf.setInt(YarnConfiguration.RM_SCHEDULER_MAXIMUM_ALLOCATION_MB, 4096);
      yarnConf.setBoolean(YarnConfiguration.NM_PMEM_CHECK_ENABLED, false);
      yarnConf.setBoolean(YarnConfiguration.NM_VMEM_CHECK_ENABLED, false);
      // Fixed ports, chosen free here: otherwise MiniYARNCluster binds to the machine's host name.
      yarnConf.setBoolean(YarnConfiguration.YARN_MINICLUSTER_FIXED_PORTS, true);
      for (String address :
          List.of(
              YarnConfiguration.RM_ADDRESS,
              YarnConfiguration.RM_SCHEDULER_ADDRESS,
              YarnConfiguration.RM_RESOURCE_TRACKER_ADDRESS,
              YarnConfiguration.RM_ADMIN_ADDRESS,
              YarnConfiguration.RM_WEBAPP_ADDRESS,
              YarnConfiguration.NM_LOCALIZER_ADDRESS,
              YarnConfiguration.NM_WEBAPP_ADDRESS,
              YarnConfiguration.NM_COLLECTOR_SERVICE_ADDRESS)) {
        yarnConf.set(address, "127.0.0.1:" + freePort());
      }
      yarnConf.set("yarn.nodemanager.hostname", "127.0.0.1");
      yarnConf.set(YarnConfiguration.NM_ADDRESS, "127.0.0.1:0");
      yarnConf.setBoolean(YarnConfiguration.YARN_MINICLUSTER_USE_RPC, true);
      // A loaded machine's disk may be nearly full: the NodeManager must not call it bad.
      yarnConf.setFloat(YarnConfiguration.NM_MAX_PER_DISK_UTILIZATION_PERCENTAGE, 99.9f);
      yarnConf.setLong(YarnConfiguration.NM_MIN_PER_DISK_FREE_SPACE_MB, 0);
      yarnCluster = new MiniYARNCluster("flyte-beam-it", 1, 1, 1);
      yarnCluster.init(yarnConf);
      yarnCluster.start();
      clientYarn = yarnCluster.getConfig();
      waitForNodeManager(yarnCluster);
    }
    MiniDFSCluster dfsToStop = dfs;
    MiniYARNCluster yarnToStop = yarnCluster;
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  if (yarnToStop != null) {
                    yarnToStop.stop();
                  }
                  dfsToStop.shutdown();
                },
                "stop-mini-hadoop"));

    Files.createDirectories(confDir);
    Configuration core = new Configuration(false);
    core.set("fs.defaultFS", defaultFs);
    writeXml(core, confDir.resolve("core-site.xml"));
    Configuration hdfs = new Configuration(false);
    hdfs.set("dfs.replication", "1");
    hdfs.set("dfs.client.use.datanode.hostname", "false");
    writeXml(hdfs, confDir.resolve("hdfs-site.xml"));
    if (clientYarn != null) {
      Configuration site = new Configuration(false);
      for (String name :
          List.of(
              YarnConfiguration.RM_ADDRESS,
              YarnConfiguration.RM_SCHEDULER_ADDRESS,
              YarnConfiguration.RM_RESOURCE_TRACKER_ADDRESS,
              YarnConfiguration.RM_ADMIN_ADDRESS,
              YarnConfiguration.RM_WEBAPP_ADDRESS,
              YarnConfiguration.RM_HOSTNAME,
              YarnConfiguration.RM_SCHEDULER_MINIMUM_ALLOCATION_MB,
              YarnConfiguration.RM_SCHEDULER_MAXIMUM_ALLOCATION_MB)) {
        site.set(name, clientYarn.get(name));
      }
      writeXml(site, confDir.resolve("yarn-site.xml"));
      System.out.println(
          "mini-hadoop: ResourceManager at " + clientYarn.get(YarnConfiguration.RM_ADDRESS));
    }
    Files.writeString(confDir.resolve("fs.defaultFS"), defaultFs + "\n");
    Files.writeString(confDir.resolve("ready"), "pid " + ProcessHandle.current().pid() + "\n");
    System.out.println("mini-hadoop: HDFS at " + defaultFs + ", configuration in " + confDir);
    Thread.sleep(Long.MAX_VALUE);
  }

  private static void waitForNodeManager(MiniYARNCluster cluster) throws InterruptedException {
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    while (cluster.getResourceManager().getRMContext().getRMNodes().isEmpty()) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("no NodeManager registered with the ResourceManager");
      }
      Thread.sleep(200);
    }
  }

  private static int freePort() throws IOException {
    try (java.net.ServerSocket socket =
        new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  private static void writeXml(Configuration conf, Path file) throws IOException {
    Path temporary = file.resolveSibling(file.getFileName() + ".tmp");
    try (OutputStream out = Files.newOutputStream(temporary)) {
      conf.writeXml(out);
    }
    Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE);
  }
}
