package org.flytebeam.runner;

import java.util.regex.Pattern;
import org.flytebeam.InvalidDefinitionException;

/**
 * Spark master URLs, checked before a run: what flyte-beam can start a context on by itself, and
 * what only {@code spark-submit} can (YARN, Kubernetes), whose answer would otherwise be Spark
 * errors and exit 3 after the run began.
 */
final class SparkMasters {
  private static final Pattern LOCAL = Pattern.compile("local(\\[(\\*|[1-9]\\d*)(,\\s*\\d+)?\\])?");
  private static final Pattern HOST_PORT = Pattern.compile("[A-Za-z0-9._\\-\\[\\]:]+:\\d{1,5}");

  private SparkMasters() {}

  /**
   * Checks {@code master} given by {@code --spark-master}; {@code submitted} is whether this JVM
   * runs under {@code spark-submit}, which alone can start YARN and Kubernetes applications.
   *
   * @throws InvalidDefinitionException naming the master, what is accepted, and how to run the rest
   */
  static void check(String master, boolean submitted) {
    if (LOCAL.matcher(master).matches()) {
      return;
    }
    if (master.startsWith("spark://")) {
      String hosts = master.substring("spark://".length());
      boolean valid = !hosts.isEmpty();
      for (String hostPort : hosts.split(",", -1)) {
        valid &= HOST_PORT.matcher(hostPort).matches();
      }
      if (valid) {
        return;
      }
      throw new InvalidDefinitionException(
          String.format(
              "--spark-master [%s] is not a standalone master URL: give spark://HOST:PORT (or"
                  + " spark://HOST1:PORT1,HOST2:PORT2 for standby masters)",
              master));
    }
    if (master.equals("yarn") || master.startsWith("k8s://") || master.startsWith("mesos://")) {
      if (submitted) {
        return;
      }
      throw new InvalidDefinitionException(
          String.format(
              "--spark-master [%s] needs spark-submit, which sets up YARN and Kubernetes"
                  + " applications: run spark-submit --master %s --class org.flytebeam.runner.Main"
                  + " runner/target/flyte-beam-cluster.jar run ... (README, \"With spark-submit\")",
              master, master));
    }
    throw new InvalidDefinitionException(
        String.format(
            "--spark-master [%s] is not a Spark master URL: give local[N], local[*],"
                + " spark://HOST:PORT, or yarn / k8s://... under spark-submit",
            master));
  }
}
