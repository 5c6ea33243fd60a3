package org.flytebeam.runner;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Modifier;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.flytebeam.InvalidDefinitionException;
import org.flytebeam.task.JavaTask;

/**
 * The user's own jars ({@code --jars}) on the driver: a class loader over them, installed as the
 * thread's context class loader for the length of a run, which is where {@code ServiceLoader} finds
 * the user's Java tasks ({@link org.flytebeam.exec.TaskRegistry#current()}) and Beam finds file
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
    try {
      for (Path jar : paths) {
        checkRegistered(jar, loader);
      }
    } catch (RuntimeException e) {
      closeQuietly(loader);
      throw e;
    }
    thread.setContextClassLoader(loader);
    // Beam reads its options' registrars once per class loader: let it see the user's jars too.
    PipelineOptionsFactory.resetCache();
    return new UserJars(thread, previous, loader);
  }

  /** Where {@code ServiceLoader} looks for Java tasks in a jar. */
  static final String SERVICES_FILE = "META-INF/services/" + JavaTask.class.getName();

  /**
   * A jar with Java task classes but no services file (built with the processor of {@code
   * flyte-beam-api} turned off or off the processor path) would answer "no Java task named ..."
   * later: say now exactly what to add.
   */
  private static void checkRegistered(Path jar, ClassLoader loader) {
    List<String> tasks = new ArrayList<>();
    try (JarFile file = new JarFile(jar.toFile())) {
      if (file.getEntry(SERVICES_FILE) != null) {
        return;
      }
      Enumeration<JarEntry> entries = file.entries();
      while (entries.hasMoreElements()) {
        String name = entries.nextElement().getName();
        if (!name.endsWith(".class")
            || name.contains("-")
            || name.startsWith("META-INF/")
            || name.endsWith("module-info.class")) {
          continue;
        }
        String className = name.substring(0, name.length() - ".class".length()).replace('/', '.');
        if (isTask(className, loader)) {
          tasks.add(className);
        }
      }
    } catch (IOException e) {
      throw new InvalidDefinitionException(
          String.format(
              "--jars file [%s] is not a readable jar (%s): give jar files",
              jar, FlyteBeam.rootMessage(e)));
    }
    if (!tasks.isEmpty()) {
      throw new InvalidDefinitionException(
          String.format(
              "--jars file [%s] holds Java tasks %s but no %s, so they cannot be found by name"
                  + " (javac writes it when flyte-beam-api.jar is on its -processorpath, or its class"
                  + " path with annotation processing on): add that file to the jar with one class name a line,"
                  + " e.g. mkdir -p services/META-INF/services && printf '%s\\n' > services/%s"
                  + " && jar uf %s -C services %s",
              jar,
              tasks,
              SERVICES_FILE,
              String.join("\\n", tasks),
              SERVICES_FILE,
              jar,
              SERVICES_FILE));
    }
  }

  /** A concrete {@link JavaTask} class, loaded without running its static initializers. */
  private static boolean isTask(String className, ClassLoader loader) {
    try {
      Class<?> type = Class.forName(className, false, loader);
      return JavaTask.class.isAssignableFrom(type)
          && !Modifier.isAbstract(type.getModifiers())
          && Modifier.isPublic(type.getModifiers());
    } catch (ClassNotFoundException | LinkageError e) {
      // A class whose dependencies are elsewhere is no task of this jar.
      return false;
    }
  }

  private static void closeQuietly(URLClassLoader loader) {
    try {
      loader.close();
    } catch (IOException e) {
      // Nothing was loaded from it that outlives the failed install.
    }
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
