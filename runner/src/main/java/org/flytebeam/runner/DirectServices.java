package org.flytebeam.runner;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLConnection;
import java.net.URLStreamHandler;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

/**
 * The context class loader of a command that runs on the DirectRunner: the application's class
 * loader, with the {@code ServiceLoader} registrations ({@code META-INF/services/*} entries) of
 * what that path never uses hidden.
 *
 * <p>Why: Beam and Jackson find their registrars through the context class loader, and the shaded
 * jar holds Spark's too. At its first options object Beam reads every {@code
 * PipelineOptionsRegistrar} and {@code PipelineRunnerRegistrar}, and Jackson's module discovery
 * ({@code ObjectMapper.findModules}, from Beam's options factory) finds {@code
 * jackson-module-scala}: the DirectRunner's quick start loaded about 650 Scala classes, Beam's
 * Spark runner options and Beam's Hadoop module (which loads Hadoop's {@code Configuration}), for
 * nothing.
 *
 * <p>Hidden always: Spark's and Beam's Spark runner's entries, Scala's and Jackson's Scala
 * module's, and Beam's Kinesis options (a Beam IO flyte-beam does not use). Hidden only when no
 * Hadoop configuration is in sight ({@link #usesHadoop}): Beam's Hadoop file system, its options
 * and its Jackson module, and Hadoop's own entries. Without a configuration Beam's Hadoop registrar
 * serves no file system anyway, so an {@code hdfs://} path fails the same way with or without them.
 * Hidden only when the command gives no Beam options and no S3 flags ({@link #namesBeamOptions}):
 * the option registrars of Beam's Google Cloud and AWS modules ({@link #CLOUD_OPTIONS}). Classes
 * are still loaded by the parent: only the registration lists are shorter.
 */
final class DirectServices extends ClassLoader {
  private static final String SERVICES = "META-INF/services/";

  /** Class name prefixes of entries the DirectRunner's path never needs. */
  static final List<String> SPARK_AND_SCALA =
      List.of(
          "org.apache.spark.",
          "org.apache.beam.runners.spark.",
          "scala.",
          "com.fasterxml.jackson.module.scala.",
          "org.apache.beam.sdk.io.aws2.kinesis.");

  /** Class name prefixes of entries only {@code hdfs://} needs. */
  static final List<String> HADOOP = List.of("org.apache.hadoop.", "org.apache.beam.sdk.io.hdfs.");

  /**
   * The option registrars of Google Cloud's and AWS's Beam modules (and flyte-beam's own for Beam's
   * {@code S3Options}), by their own class names: only these entries, never the modules' file
   * systems or Jackson modules (Jackson's module for AWS options, in the same package, serializes
   * the options' credentials provider). Beam checks every registered options interface against all
   * the others when it registers one (sorting their methods by signature each time), and these are
   * the largest: without them the quick start took 0.93x the wall and 0.94x the CPU time
   * (docs/performance.md). An {@code s3://} or {@code gs://} path still works without them: Beam's
   * file systems take their options from the options object by interface, registered or not.
   */
  static final List<String> CLOUD_OPTIONS =
      List.of(
          "org.apache.beam.sdk.extensions.gcp.options.GcpPipelineOptionsRegistrar",
          "org.apache.beam.sdk.io.aws2.options.AwsPipelineOptionsRegistrar",
          S3OptionsRegistrar.class.getName());

  private final List<String> hidden;

  static {
    registerAsParallelCapable();
  }

  /** Hides the entries whose class name starts with one of {@code hidden}. */
  DirectServices(ClassLoader parent, List<String> hidden) {
    super("flyte-beam-direct-services", parent);
    this.hidden = List.copyOf(hidden);
  }

  /**
   * Installs this loader as the current thread's context class loader when {@code args} run on the
   * DirectRunner (threads started later inherit it); does nothing otherwise.
   */
  static void installFor(String[] args) {
    Thread thread = Thread.currentThread();
    ClassLoader current = thread.getContextClassLoader();
    if (current == null) {
      current = DirectServices.class.getClassLoader();
    }
    Map<String, String> env = System.getenv();
    Properties properties = System.getProperties();
    if (!runsDirect(List.of(args), properties)) {
      return;
    }
    List<String> hide = new ArrayList<>(SPARK_AND_SCALA);
    if (!usesHadoop(List.of(args), env, current)) {
      hide.addAll(HADOOP);
    }
    if (!namesBeamOptions(List.of(args))) {
      hide.addAll(CLOUD_OPTIONS);
    }
    thread.setContextClassLoader(new DirectServices(current, hide));
  }

  /**
   * Whether the command line runs on the DirectRunner: no Spark runner or master named (as
   * flyte-beam's options or Beam's after {@code --}) and not under spark-submit. A runner it cannot
   * read counts as not the DirectRunner, and so does an argument file ({@code @FILE}, which the
   * command line expands into arguments this check does not see): nothing is hidden then.
   */
  static boolean runsDirect(List<String> args, Properties properties) {
    String submitted = properties.getProperty(SparkContexts.MASTER_PROPERTY);
    if (submitted != null && !submitted.isBlank()) {
      return false;
    }
    for (int i = 0; i < args.size(); i++) {
      String arg = args.get(i).toLowerCase(Locale.ROOT);
      if (arg.startsWith("@")) {
        return false;
      }
      if (arg.startsWith("--spark-master") || arg.startsWith("--sparkmaster")) {
        return false;
      }
      String runner = null;
      if (arg.equals("--runner")) {
        runner = i + 1 < args.size() ? args.get(i + 1) : "";
      } else if (arg.startsWith("--runner=")) {
        runner = args.get(i).substring("--runner=".length());
      }
      if (runner != null) {
        try {
          if (RunnerKind.parse(runner) != RunnerKind.DirectRunner) {
            return false;
          }
        } catch (RuntimeException e) {
          return false;
        }
      }
    }
    return true;
  }

  /**
   * Whether the command line gives Beam options of its own (after {@code --}) or flyte-beam's S3
   * flags (which become Beam's S3 options): Beam parses those against its registered options, so
   * the cloud modules' registrars must then be seen.
   */
  static boolean namesBeamOptions(List<String> args) {
    for (String a : args) {
      String arg = a.toLowerCase(Locale.ROOT);
      if (arg.equals("--") || arg.startsWith("--s3-") || arg.startsWith("@")) {
        return true;
      }
    }
    return false;
  }

  /**
   * Whether a Hadoop configuration or an {@code hdfs://} path is in sight: {@code --hadoop-conf} or
   * Beam's {@code --hdfsConfiguration}, a Hadoop path among the arguments, {@code HADOOP_CONF_DIR}
   * or {@code YARN_CONF_DIR} set, or Hadoop's files on the class path.
   */
  static boolean usesHadoop(List<String> args, Map<String, String> env, ClassLoader loader) {
    for (String a : args) {
      String arg = a.toLowerCase(Locale.ROOT);
      if (arg.startsWith("--hadoop-conf")
          || arg.startsWith("--hdfsconfiguration")
          || arg.contains("hdfs://")
          || arg.contains("viewfs://")) {
        return true;
      }
    }
    for (String variable : HadoopConf.VARIABLES) {
      String value = env.get(variable);
      if (value != null && !value.isBlank()) {
        return true;
      }
    }
    return HadoopConf.FILES.stream().anyMatch(f -> loader.getResource(f) != null);
  }

  @Override
  public Enumeration<URL> getResources(String name) throws IOException {
    Enumeration<URL> found = super.getResources(name);
    if (!name.startsWith(SERVICES)) {
      return found;
    }
    List<URL> kept = new ArrayList<>();
    int n = 0;
    while (found.hasMoreElements()) {
      URL url = found.nextElement();
      byte[] original;
      try (InputStream in = url.openStream()) {
        original = in.readAllBytes();
      }
      byte[] filtered = filter(original);
      kept.add(filtered == original ? url : inMemory(name, n++, filtered));
    }
    return Collections.enumeration(kept);
  }

  /** The service file without its hidden entries; {@code file} itself when none is hidden. */
  byte[] filter(byte[] file) {
    String text = new String(file, StandardCharsets.UTF_8);
    ByteArrayOutputStream out = new ByteArrayOutputStream(file.length);
    boolean dropped = false;
    for (String line : text.split("\n", -1)) {
      int hash = line.indexOf('#');
      String entry = (hash >= 0 ? line.substring(0, hash) : line).trim();
      if (!entry.isEmpty() && hidden.stream().anyMatch(entry::startsWith)) {
        dropped = true;
        continue;
      }
      out.writeBytes((line + "\n").getBytes(StandardCharsets.UTF_8));
    }
    return dropped ? out.toByteArray() : file;
  }

  /** A URL whose content is {@code bytes}, for {@code ServiceLoader} to read. */
  private static URL inMemory(String name, int n, byte[] bytes) throws MalformedURLException {
    URLStreamHandler handler =
        new URLStreamHandler() {
          @Override
          protected URLConnection openConnection(URL u) {
            return new URLConnection(u) {
              @Override
              public void connect() {}

              @Override
              public InputStream getInputStream() {
                return new ByteArrayInputStream(bytes);
              }
            };
          }
        };
    return new URL("flyte-beam-services", "", -1, "/" + n + "/" + name, handler);
  }
}
