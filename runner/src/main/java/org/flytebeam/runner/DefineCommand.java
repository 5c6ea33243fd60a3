package org.flytebeam.runner;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import flyteidl.core.Interface.Variable;
import flyteidl.core.Interface.VariableMap;
import flyteidl.core.Literals.Literal;
import flyteidl.core.Tasks.TaskTemplate;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.flytebeam.InvalidDefinitionException;
import org.flytebeam.exec.TaskRegistry;
import org.flytebeam.exec.process.FastRegistration;
import org.flytebeam.graph.FlytePackage;
import org.flytebeam.idl.DefinitionWriter;
import org.flytebeam.idl.PackageReader;
import org.flytebeam.spec.MapTask;
import org.flytebeam.spec.MapTaskSpec;
import org.flytebeam.task.JavaTask;
import org.flytebeam.types.LiteralTypeException;
import org.flytebeam.types.PlainJson;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code flyte-beam define}: writes the map task definition of a Java task, or of a task of a
 * flytekit package ({@code --from}), the file {@code run --definition} takes, without writing a
 * program that calls {@link DefinitionWriter}. Over a flytekit task it writes what flytekit's
 * {@code map_task} writes (see {@link MapTask}).
 */
@Command(
    name = "define",
    mixinStandardHelpOptions = true,
    description = {
      "Write the map task definition (flyteidl) of a Java task found by name, in --jars or on"
          + " the class path, or of a task of a package or definition (--from), for"
          + " 'flyte-beam run --definition'.",
      "Exit codes: 0 written; 2 unknown task, invalid settings or an unwritable file."
    })
final class DefineCommand implements Callable<Integer> {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Spec CommandSpec command;

  @Option(
      names = "--task",
      required = true,
      paramLabel = "NAME",
      description =
          "The Java task's registered name (JavaTask.name()), or with --from the task's full"
              + " name in that package (e.g. core.control_flow.map_task.a_mappable_task).")
  String task;

  @Option(
      names = "--from",
      paramLabel = "PATH",
      description =
          "Take the task from this pyflyte package archive (.tgz), folder of serialized files,"
              + " or task file (TaskTemplate, TaskSpec; .pb, .json, .yaml) instead of Java tasks:"
              + " a flytekit task is mapped as flytekit's map_task writes it.")
  String from;

  @Option(
      names = "--out",
      required = true,
      paramLabel = "FILE",
      description = "Where to write the definition: protobuf JSON (.json) or binary (.pb).")
  Path out;

  @Option(
      names = "--jars",
      split = ",",
      paramLabel = "JAR",
      description = "Jars holding the task (local files, comma-separated).")
  List<String> jars = new ArrayList<>();

  @Option(
      names = "--parallelism",
      paramLabel = "N",
      description = "At most N elements running at once (0: unlimited, the default).")
  Integer parallelism;

  @Option(
      names = "--min-success-ratio",
      paramLabel = "R",
      description =
          "The fraction of elements that must succeed, within [0, 1] (default 1: every element).")
  Float minSuccessRatio;

  @Option(
      names = "--min-successes",
      paramLabel = "N",
      description = "The number of elements that must succeed; wins over the ratio.")
  Long minSuccesses;

  @Option(
      names = "--run-all-sub-nodes",
      description = "Run every element to its end before the map fails.")
  boolean runAllSubNodes;

  @Option(
      names = "--bind",
      paramLabel = "NAME=JSON",
      description =
          "Pass the input NAME whole to every element, with this plain JSON value"
              + " (repeatable), e.g. --bind 'c=\"x\"'; the other inputs are mapped over.")
  Map<String, String> bind = new LinkedHashMap<>();

  @Option(
      names = "--cache",
      paramLabel = "VERSION",
      description = "Cache each element's outputs, keyed with this cache version.")
  String cacheVersion;

  @Option(
      names = "--legacy",
      description =
          "The legacy form: one container_array task template (flytekit's MapPythonTask).")
  boolean legacy;

  @Override
  @SuppressWarnings("try") // The jars are installed for the try block's whole extent.
  public Integer call() {
    PrintWriter err = command.commandLine().getErr();
    try (UserJars userJars = UserJars.install(jars)) {
      MapTaskSpec spec;
      if (from != null) {
        TaskTemplate template = packageTask();
        spec = settings(MapTask.of(template), template.getInterface().getInputs()).build();
        if (FastRegistration.needsBundle(spec.subTask().template())) {
          err.println(
              "note: task ["
                  + task
                  + "] is fast-registered: run the definition with --fast-bundle FILE|URI (the"
                  + " fast*.tar.gz of the package)");
        }
      } else {
        JavaTask<?, ?> javaTask = TaskRegistry.load(classLoader()).get(task);
        spec =
            settings(
                    MapTask.of(javaTask),
                    MapTask.javaTaskTemplate(javaTask).getInterface().getInputs())
                .build();
      }
      write(spec);
      err.println(
          "wrote "
              + out
              + ": map task ["
              + spec.name()
              + "] over ["
              + task
              + "]; run it with flyte-beam run --definition "
              + out
              + " --inputs FILE");
      return ExitCode.SUCCESS;
    } catch (InvalidDefinitionException e) {
      err.println("error: " + e.getMessage());
      return ExitCode.INVALID;
    }
  }

  private static ClassLoader classLoader() {
    ClassLoader loader = Thread.currentThread().getContextClassLoader();
    return loader != null ? loader : DefineCommand.class.getClassLoader();
  }

  /** The task named {@code --task} in the package or definition {@code --from}. */
  private TaskTemplate packageTask() {
    FlytePackage pkg;
    if (LiteralFiles.isLocalFolder(from)) {
      pkg = PackageReader.read(Path.of(from));
    } else {
      pkg = PackageReader.read(from, LiteralFiles.read(from, "--from"));
    }
    TaskTemplate template = pkg.tasks().get(task);
    if (template == null) {
      throw new InvalidDefinitionException(
          "--task ["
              + task
              + "] is not a task of "
              + pkg.source()
              + ": its tasks are "
              + new java.util.TreeSet<>(pkg.tasks().keySet()));
    }
    return template;
  }

  private MapTask settings(MapTask map, VariableMap inputs) {
    if (parallelism != null) {
      map = map.concurrency(parallelism);
    }
    if (minSuccessRatio != null) {
      map = map.minSuccessRatio(minSuccessRatio);
    }
    if (minSuccesses != null) {
      map = map.minSuccesses(minSuccesses);
    }
    if (runAllSubNodes) {
      map = map.runAllSubNodes(true);
    }
    if (cacheVersion != null) {
      map = map.cache(cacheVersion);
    }
    if (!bind.isEmpty()) {
      map = map.boundInputsValues(boundValues(inputs.getVariablesMap()));
    }
    return legacy ? map.legacy() : map;
  }

  /** Every {@code --bind} value read by its input's type; every problem listed at once. */
  private Map<String, Literal> boundValues(Map<String, Variable> inputs) {
    Map<String, Literal> values = new LinkedHashMap<>();
    List<String> problems = new ArrayList<>();
    bind.forEach(
        (name, json) -> {
          Variable variable = inputs.get(name);
          if (variable == null) {
            problems.add(
                String.format(
                    "--bind [%s]: task [%s] has no input [%s]; its inputs are %s",
                    name, task, name, inputs.keySet()));
            return;
          }
          JsonNode node;
          try {
            node = JSON.readTree(json);
          } catch (JsonProcessingException e) {
            problems.add(
                String.format(
                    "--bind [%s=%s] is not plain JSON (a string needs quotes: %s='\"text\"')",
                    name, json, name));
            return;
          }
          try {
            values.put(name, PlainJson.fromJson(name, node, variable.getType()));
          } catch (LiteralTypeException e) {
            problems.addAll(e.problems());
          }
        });
    if (!problems.isEmpty()) {
      throw new InvalidDefinitionException(problems);
    }
    return values;
  }

  private void write(MapTaskSpec spec) {
    String name = out.getFileName() == null ? "" : out.getFileName().toString();
    if (!name.endsWith(".json") && !name.endsWith(".pb")) {
      throw new InvalidDefinitionException(
          "--out [" + out + "] must end in .json (protobuf JSON) or .pb (binary)");
    }
    try {
      Path parent = out.toAbsolutePath().getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
      DefinitionWriter.write(spec, out);
    } catch (UncheckedIOException | java.io.IOException e) {
      throw new InvalidDefinitionException(
          "--out ["
              + out
              + "] cannot be written ("
              + FlyteBeam.rootMessage(e)
              + "): check the path");
    }
  }
}
