package org.flytebeam.exec;

import java.util.Collections;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.flytebeam.InvalidDefinitionException;
import org.flytebeam.task.JavaTask;

/**
 * The Java tasks on a class path, by name, found through {@link ServiceLoader}. Two tasks with one
 * name are an error that names both classes.
 */
public final class TaskRegistry {
  private static final Map<ClassLoader, TaskRegistry> CACHE = new ConcurrentHashMap<>();

  private final Map<String, JavaTask<?, ?>> tasks;

  private TaskRegistry(Map<String, JavaTask<?, ?>> tasks) {
    this.tasks = Collections.unmodifiableMap(tasks);
  }

  /** The tasks visible to the thread's context class loader, loaded once per loader. */
  public static TaskRegistry current() {
    ClassLoader loader = Thread.currentThread().getContextClassLoader();
    if (loader == null) {
      loader = TaskRegistry.class.getClassLoader();
    }
    return CACHE.computeIfAbsent(loader, TaskRegistry::load);
  }

  /** Loads every {@link JavaTask} registered for {@code loader}. */
  @SuppressWarnings("rawtypes")
  public static TaskRegistry load(ClassLoader loader) {
    Map<String, JavaTask<?, ?>> byName = new TreeMap<>();
    for (JavaTask<?, ?> task : ServiceLoader.load(JavaTask.class, loader)) {
      JavaTask<?, ?> previous = byName.putIfAbsent(task.name(), task);
      if (previous != null) {
        throw new InvalidDefinitionException(
            String.format(
                "task name [%s] is registered twice, by [%s] and [%s]: give each task its own name",
                task.name(), previous.getClass().getName(), task.getClass().getName()));
      }
    }
    return new TaskRegistry(byName);
  }

  /** The task named {@code name}; an error listing the known names if there is none. */
  public JavaTask<?, ?> get(String name) {
    JavaTask<?, ?> task = tasks.get(name);
    if (task == null) {
      throw new InvalidDefinitionException(
          String.format(
              "no Java task named [%s] on the class path (known: %s): list its class in"
                  + " META-INF/services/org.flytebeam.task.JavaTask in its jar (what javac writes with"
                  + " flyte-beam-api.jar on its class path or -processorpath) and give the jar with"
                  + " --jars",
              name, tasks.keySet()));
    }
    return task;
  }

  public Map<String, JavaTask<?, ?>> all() {
    return tasks;
  }
}
