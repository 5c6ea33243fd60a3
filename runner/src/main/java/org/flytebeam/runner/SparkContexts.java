package org.flytebeam.runner;

import java.io.File;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.beam.runners.spark.SparkPipelineOptions;
import org.apache.beam.runners.spark.coders.SparkRunnerKryoRegistrator;
import org.apache.beam.sdk.util.construction.resources.PipelineResources;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkContext;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * The Spark context a run uses, made the way {@code spark-submit} expects: the {@code spark.*}
 * system properties it sets (master, jars, app name, any {@code --conf}) win; flyte-beam only adds
 * what is missing. If the JVM already has an active context (a Spark application calling {@link
 * FlyteBeam#run}), that one is reused and left running. The jars executors need, flyte-beam's own
 * and the user's {@code --jars}, are staged through {@code spark.jars} (or {@code addJar} on a
 * reused context).
 */
final class SparkContexts {
  /** The system property {@code spark-submit} sets from its {@code --master}. */
  static final String MASTER_PROPERTY = "spark.master";

  private static final String LOCAL_JAR = "flyte-beam.jar";
  private static final String CLUSTER_JAR = "flyte-beam-cluster.jar";

  private SparkContexts() {}

  /** A context and whether this run made it (and so stops it). */
  record Opened(JavaSparkContext context, boolean created) implements AutoCloseable {
    @Override
    public void close() {
      if (created) {
        context.stop();
      }
    }
  }

  /** The master {@code spark-submit} gave this JVM, if it was started by {@code spark-submit}. */
  static Optional<String> submittedMaster() {
    return Optional.ofNullable(System.getProperty(MASTER_PROPERTY)).filter(m -> !m.isBlank());
  }

  static boolean isLocal(String master) {
    return master.startsWith("local");
  }

  /**
   * Gets or creates the context for {@code options}, staging {@code jars} to the executors, with
   * {@code settings} ({@code --conf}) over the {@code spark.*} system properties.
   */
  static Opened open(
      SparkPipelineOptions options, List<String> jars, Map<String, String> settings) {
    SparkConf conf =
        new SparkConf(); // loads the spark.* system properties, as spark-submit set them
    settings.forEach(conf::set);
    if (!conf.contains(MASTER_PROPERTY)) {
      conf.setMaster(options.getSparkMaster());
    }
    if (!conf.contains("spark.app.name")) {
      conf.setAppName(options.getAppName());
    }
    if (!conf.contains("spark.kryo.registrator")) {
      // What Beam's own context factory sets: Beam's coders' classes registered with Kryo.
      conf.set("spark.kryo.registrator", SparkRunnerKryoRegistrator.class.getName());
    }
    conf.set(
        "spark.executor.extraJavaOptions",
        withJava17Flags(conf.get("spark.executor.extraJavaOptions", "")));
    Map<String, String> staged = new LinkedHashMap<>();
    for (String jar : conf.get("spark.jars", "").split(",")) {
      addJar(staged, jar);
    }
    for (String jar : jars) {
      addJar(staged, jar);
    }
    conf.setJars(staged.values().toArray(new String[0]));
    long before = System.currentTimeMillis();
    SparkContext context = SparkContext.getOrCreate(conf);
    // getOrCreate returns a context started earlier when the JVM has one: reuse it, and give its
    // executors the jars with addJar, which spark.jars of a running context no longer does.
    boolean created = context.startTime() >= before;
    if (!created) {
      List<String> known = new ArrayList<>();
      scala.collection.Iterator<String> it = context.listJars().iterator();
      while (it.hasNext()) {
        known.add(fileName(it.next()));
      }
      for (String jar : jars) {
        if (!known.contains(fileName(jar))) {
          context.addJar(jar);
        }
      }
    }
    return new Opened(JavaSparkContext.fromSparkContext(context), created);
  }

  private static void addJar(Map<String, String> staged, String jar) {
    String trimmed = jar.trim();
    if (!trimmed.isEmpty()) {
      // One entry per file name: Spark serves jars by name and refuses two of one name.
      staged.putIfAbsent(fileName(trimmed), trimmed);
    }
  }

  private static String fileName(String jar) {
    return jar.substring(jar.lastIndexOf('/') + 1);
  }

  /** The Java 17 flags appended to {@code options} where they are missing. */
  static String withJava17Flags(String options) {
    StringBuilder all = new StringBuilder(options.trim());
    for (String flag : FlyteBeam.SPARK_JAVA17_FLAGS.split(" ")) {
      if (!options.contains(flag)) {
        all.append(all.length() == 0 ? "" : " ").append(flag);
      }
    }
    return all.toString();
  }

  /**
   * What executors need on their class path besides Spark: flyte-beam itself, then the user's jars.
   * Nothing for a local master (one JVM). flyte-beam is the jar it runs from; the self-contained
   * {@code flyte-beam.jar} sends its sibling {@code flyte-beam-cluster.jar} when there is one
   * (Spark itself is on every executor already). Run from class folders (an IDE, the tests), Beam's
   * own detection stages the class path.
   */
  static List<String> jarsToStage(SparkPipelineOptions options, List<Path> userJars) {
    List<String> jars = new ArrayList<>();
    if (!isLocal(options.getSparkMaster())) {
      Optional<Path> own = ownJar();
      if (own.isPresent()) {
        Path sibling = own.get().resolveSibling(CLUSTER_JAR);
        boolean local = own.get().getFileName().toString().equals(LOCAL_JAR);
        jars.add((local && Files.isRegularFile(sibling) ? sibling : own.get()).toString());
      } else {
        options.setFilesToStage(
            PipelineResources.detectClassPathResourcesToStage(
                FlyteBeam.class.getClassLoader(), options));
        PipelineResources.prepareFilesForStaging(options);
        jars.addAll(options.getFilesToStage());
      }
    }
    for (Path jar : userJars) {
      jars.add(jar.toString());
    }
    return jars;
  }

  /** The jar this class was loaded from; empty when it comes from a class folder. */
  static Optional<Path> ownJar() {
    CodeSource source = FlyteBeam.class.getProtectionDomain().getCodeSource();
    if (source == null || source.getLocation() == null) {
      return Optional.empty();
    }
    try {
      Path path = new File(source.getLocation().toURI()).toPath();
      return Files.isRegularFile(path) && path.toString().endsWith(".jar")
          ? Optional.of(path.toAbsolutePath())
          : Optional.empty();
    } catch (URISyntaxException | IllegalArgumentException e) {
      return Optional.empty();
    }
  }
}
