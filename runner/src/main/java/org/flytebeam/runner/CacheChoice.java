package org.flytebeam.runner;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.flytebeam.InvalidDefinitionException;
import org.flytebeam.cache.CacheEntries;
import org.flytebeam.cache.CacheMode;
import org.flytebeam.cache.CacheSettings;
import org.flytebeam.spec.SubTask;

/**
 * Decides a run's element cache from the options: the folder given, else a local default where the
 * workers share the driver's machine (the DirectRunner, Spark {@code local[N]}), else none (a
 * cluster's executors cannot share the driver's home folder). A folder in use is checked writable
 * before any element runs.
 */
final class CacheChoice {
  /** The folder under the user's cache home. */
  static final String FOLDER = "flyte-beam";

  private CacheChoice() {}

  /**
   * The settings, and what to say once before the run.
   *
   * @param settings where the cache is and how it is used; disabled for a sub-task not cacheable
   * @param warnings e.g. that a cacheable task runs uncached on a cluster without {@code --cache}
   */
  record Choice(CacheSettings settings, List<String> warnings) {}

  static Choice choose(SubTask subTask, RunOptions options, boolean localWorkers) {
    String task = subTask.id().name();
    boolean asked = options.cacheDir().isPresent() || options.cacheMode() == CacheMode.OVERWRITE;
    // A map over a launch plan caches per task node inside its elements: the run's cache settings
    // reach them whatever the element itself says.
    boolean workflowElement = org.flytebeam.graph.WorkflowElements.is(subTask.template());
    if (subTask.cacheVersion().isEmpty() && !workflowElement) {
      return new Choice(
          CacheSettings.disabled(),
          asked && options.cacheMode() != CacheMode.DISABLED
              ? List.of(
                  String.format(
                      "sub-task [%s] is not cacheable (no discoverable/discovery_version): no"
                          + " element is cached; set its cache version to cache it",
                      task))
              : List.of());
    }
    if (options.cacheMode() == CacheMode.DISABLED) {
      return new Choice(CacheSettings.disabled(), List.of());
    }
    Optional<String> dir =
        options.cacheDir().or(() -> localWorkers ? Optional.of(defaultFolder()) : Optional.empty());
    if (dir.isEmpty()) {
      return new Choice(
          CacheSettings.disabled(),
          List.of(
              String.format(
                  "sub-task [%s] is cacheable, but a cluster run has no default cache folder:"
                      + " caching is off; give --cache DIR on a path every executor reaches"
                      + " (hdfs://..., a shared mount) to cache and resume",
                  task)));
    }
    String folder = absolute(dir.get());
    try {
      CacheEntries.checkWritable(folder);
    } catch (IllegalArgumentException e) {
      throw new InvalidDefinitionException(
          String.format(
              "--cache folder [%s] is on a file system flyte-beam cannot open (%s): see Remote"
                  + " paths in the README for the modules and options each scheme needs",
              folder, e.getMessage() == null ? "" : e.getMessage().lines().findFirst().orElse("")));
    } catch (IOException e) {
      throw new InfrastructureException(
          String.format(
              "cannot write the cache folder [%s]: %s: give a writable --cache DIR, or --no-cache",
              folder, FlyteBeam.rootMessage(e)),
          e);
    }
    return new Choice(new CacheSettings(folder, options.cacheMode()), List.of());
  }

  /**
   * {@code $XDG_CACHE_HOME/flyte-beam} when that is an absolute path, else {@code ~/.cache/...}.
   */
  static String defaultFolder() {
    return defaultFolder(System.getenv(), System.getProperty("user.home"));
  }

  static String defaultFolder(Map<String, String> env, String userHome) {
    String xdg = env.get("XDG_CACHE_HOME");
    // The XDG base directory spec: a relative value is to be ignored.
    if (xdg != null && !xdg.isEmpty() && Path.of(xdg).isAbsolute()) {
      return Path.of(xdg, FOLDER).toString();
    }
    return Path.of(userHome, ".cache", FOLDER).toString();
  }

  /**
   * Local paths made absolute (workers may not share the driver's working folder); URIs as given.
   */
  private static String absolute(String dir) {
    String local = LiteralFiles.localPathOf(dir);
    return local.contains("://") ? local : Path.of(local).toAbsolutePath().normalize().toString();
  }
}
