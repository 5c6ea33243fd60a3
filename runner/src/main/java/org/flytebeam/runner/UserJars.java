package org.flytebeam.runner;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.flytebeam.InvalidDefinitionException;

/**
 * The user's own jars ({@code --jars}) on the driver: a class loader over them, installed as the
 * thread's context class loader for the length of a run, which is where {@code ServiceLoader} finds
 * the user's Java tasks ({@link org.flytebeam.task.TaskRegistry#current()}) and Beam finds file
 * systems and pipeline options (an {@code s3://} module, say). The executors get the same jars
 * staged by Spark ({@code spark.jars}); see {@link SparkContexts}.
 *
 * <pre>{@code
 * try (UserJars jars = UserJars.install(List.of("my-tasks.jar"))) {
 *   // ServiceLoader.load(JavaTask.class) now sees my-tasks.jar
 * }
 * }</pre>
 */
final class UserJars implements AutoCloseable {
  /** Marks a loader this class made, so a nested install over the same jars is a no-op. */
  static final class Loader extends URLClassLoader {
    private final List<Path> jars;

    Loader(List<Path> jars, URL[] urls, ClassLoader parent) {
      super("flyte-beam-user-jars", urls, parent);
      this.jars = List.copyOf(jars);
    }

    List<Path> jars() {
      return jars;
    }
  }

  private final Thread thread;
  private final ClassLoader previous;
  private final Loader loader;

  private UserJars(Thread thread, ClassLoader previous, Loader loader) {
    this.thread = thread;
    this.previous = previous;
    this.loader = loader;
  }

  /**
   * Checks every jar exists (else an {@link InvalidDefinitionException} naming it) and puts them on
   * the current thread's context class loader until {@link #close()}.
   */
  static UserJars install(List<String> jars) {
    List<Path> paths = check(jars);
    Thread thread = Thread.currentThread();
    ClassLoader previous = thread.getContextClassLoader();
    if (paths.isEmpty()
        || (previous instanceof Loader current && current.jars().containsAll(paths))) {
      return new UserJars(thread, previous, null);
    }
    URL[] urls = new URL[paths.size()];
    for (int i = 0; i < urls.length; i++) {
      try {
        urls[i] = paths.get(i).toUri().toURL();
      } catch (MalformedURLException e) {
        throw new InvalidDefinitionException(
            "--jars file [" + paths.get(i) + "] is not a valid path");
      }
    }
    ClassLoader parent = previous != null ? previous : UserJars.class.getClassLoader();
    Loader loader = new Loader(paths, urls, parent);
    thread.setContextClassLoader(loader);
    // Beam reads its options' registrars once per class loader: let it see the user's jars too.
    PipelineOptionsFactory.resetCache();
    return new UserJars(thread, previous, loader);
  }

  /** The jars as absolute local paths; an error naming the first that is missing or not a file. */
  static List<Path> check(List<String> jars) {
    List<Path> paths = new ArrayList<>();
    for (String jar : jars) {
      if (jar.isBlank()) {
        continue;
      }
      Path path = Path.of(jar.startsWith("file:") ? java.net.URI.create(jar).getPath() : jar);
      if (!Files.exists(path)) {
        throw new InvalidDefinitionException(
            String.format(
                "--jars file [%s] does not exist: check the path (a local jar file)", jar));
      }
      if (!Files.isRegularFile(path)) {
        throw new InvalidDefinitionException(
            String.format("--jars file [%s] is not a file: give jar files, comma-separated", jar));
      }
      paths.add(path.toAbsolutePath().normalize());
    }
    return List.copyOf(paths);
  }

  @Override
  public void close() {
    if (loader == null) {
      return;
    }
    thread.setContextClassLoader(previous);
    PipelineOptionsFactory.resetCache();
    try {
      loader.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
