package org.flytebeam.runner;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import flyteidl.core.Interface.Variable;
import flyteidl.core.Literals.BindingData;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.flytebeam.InvalidDefinitionException;
import org.flytebeam.graph.FlytePackage;
import org.flytebeam.idl.DefinitionReader;
import org.flytebeam.idl.DefinitionWriter;
import org.flytebeam.idl.PackageReader;
import org.flytebeam.spec.MapTaskSpec;
import org.flytebeam.types.LiteralTypes;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code flyte-beam describe}: what a definition maps, and its flyteidl JSON. */
@Command(
    name = "describe",
    mixinStandardHelpOptions = true,
    description =
        "Print what a map task maps: the inputs --inputs holds, the bound inputs, outputs and"
            + " success criteria (--json: as JSON, with the flyteidl definition); for a package,"
            + " its launch plans, workflows and tasks with their interfaces and the chosen"
            + " entity's graph: nodes, kinds and edges, a branch's cases with the node each"
            + " runs, and the graphs of sub-workflows and launch plans one level deep.")
final class DescribeCommand implements Callable<Integer> {
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  @Spec CommandSpec command;

  @Mixin S3Flags s3 = new S3Flags();

  @Option(
      names = "--definition",
      required = true,
      paramLabel = "PATH",
      description =
          "The definition: a map task's flyteidl JSON (.json) or binary (.pb), a pyflyte"
              + " package (.tgz) or serialize folder, a compiled closure, task or launch plan"
              + " (.json, .yaml, .pb); a local path or a URI Beam's FileSystems opens.")
  String definition;

  @Option(
      names = "--workflow",
      paramLabel = "NAME",
      description =
          "The launch plan, workflow or task of a package to describe, by full name (needed when"
              + " the package holds more than one).")
  Optional<String> workflow = Optional.empty();

  @Option(
      names = "--json",
      description =
          "Print one JSON object instead of the text, for machines: the same facts and, under"
              + " \"definition\", the flyteidl JSON.")
  boolean json;

  @Override
  public Integer call() throws IOException {
    PrintWriter out = command.commandLine().getOut();
    PrintWriter err = command.commandLine().getErr();
    MapTaskSpec spec;
    try {
      if (s3.given()) {
        FileSystems.setDefaultPipelineOptions(
            PipelineOptionsFactory.fromArgs(s3.apply(List.of()).toArray(new String[0])).create());
      }
      spec = singleMap();
    } catch (InvalidDefinitionException e) {
      return Failures.report(err, e, false);
    }
    if (spec == null) {
      FlytePackage pkg;
      FlytePackage.Entity chosen;
      try {
        pkg = readPackage();
        chosen = pkg.select(workflow);
        pkg.checkReferences(chosen);
      } catch (InvalidDefinitionException e) {
        return Failures.report(err, e, false);
      }
      if (json) {
        out.println(JSON.writeValueAsString(PackageDescription.toJson(JSON, pkg, chosen)));
      } else {
        PackageDescription.printText(out, pkg, chosen);
      }
      return ExitCode.SUCCESS;
    }
    if (json) {
      out.println(JSON.writeValueAsString(toJson(spec)));
      return ExitCode.SUCCESS;
    }
    out.println("map task:    " + spec.name() + " (" + spec.form() + ")");
    out.println("sub-task:    " + spec.subTask().id().name() + " [" + spec.subTask().type() + "]");
    // What --inputs holds: bound values written in the definition are not the user's to give.
    out.println("inputs:      " + describe(spec.workflowInterface().getInputs().getVariablesMap()));
    out.println("bound:       " + bound(spec));
    out.println("outputs:     " + describe(spec.mappedInterface().getOutputs().getVariablesMap()));
    out.println("outputs-dir: " + outputsDir(spec));
    out.println("parallelism: " + parallelism(spec).map(String::valueOf).orElse("unlimited"));
    out.println("success:     " + success(spec));
    return ExitCode.SUCCESS;
  }

  /**
   * Today's single map definition, described as before; null when the definition is a package or an
   * entity file that is not one map (then described as a package). A file that is neither keeps the
   * map reader's error, which names what a map definition needs.
   */
  private MapTaskSpec singleMap() {
    String lower = definition.toLowerCase(Locale.ROOT);
    if (workflow.isPresent()
        || LiteralFiles.isLocalFolder(definition)
        || definition.endsWith("/")
        || !(lower.endsWith(".json") || lower.endsWith(".pb"))) {
      return null;
    }
    byte[] bytes = LiteralFiles.read(definition, "--definition");
    try {
      return DefinitionReader.read(definition, bytes);
    } catch (InvalidDefinitionException mapProblem) {
      try {
        PackageReader.read(definition, bytes);
        return null;
      } catch (InvalidDefinitionException packageProblem) {
        throw mapProblem;
      }
    }
  }

  private FlytePackage readPackage() {
    if (LiteralFiles.isLocalFolder(definition)) {
      return PackageReader.read(Path.of(definition));
    }
    if (LiteralFiles.isRemoteFolder(definition)) {
      return PackageReader.readRemoteFolder(definition);
    }
    return PackageReader.read(definition, LiteralFiles.read(definition, "--definition"));
  }

  private static Optional<Integer> parallelism(MapTaskSpec spec) {
    return spec.parallelism().isEmpty() || spec.parallelism().getAsInt() == 0
        ? Optional.empty()
        : Optional.of(spec.parallelism().getAsInt());
  }

  private static String success(MapTaskSpec spec) {
    return (spec.minSuccesses().isPresent()
            ? "min_successes " + spec.minSuccesses().getAsLong()
            : spec.minSuccessRatio().map(r -> "min_success_ratio " + r).orElse("every element"))
        + (spec.runAllSubNodes() ? ", run_all_sub_nodes" : "");
  }

  /** Whether a bound input's value is written in the definition, or comes from {@code --inputs}. */
  private static boolean fixedInDefinition(MapTaskSpec spec, String name) {
    BindingData binding = spec.inputBindings().get(name);
    return binding != null && !binding.hasPromise();
  }

  private static String bound(MapTaskSpec spec) {
    if (spec.boundInputs().isEmpty()) {
      return "none (every input is mapped over)";
    }
    Map<String, Variable> scalar = spec.subTask().scalarInterface().getInputs().getVariablesMap();
    StringBuilder s = new StringBuilder();
    for (String name : spec.boundInputs()) {
      Variable v = scalar.get(name);
      s.append(s.length() > 0 ? ", " : "")
          .append(name)
          .append(": ")
          .append(v == null ? "?" : LiteralTypes.describe(v.getType()))
          .append(
              fixedInDefinition(spec, name)
                  ? " (fixed in the definition)"
                  : " (from --inputs, passed whole to every element)");
    }
    return s.toString();
  }

  private static ObjectNode toJson(MapTaskSpec spec) throws IOException {
    ObjectNode root = JSON.createObjectNode();
    root.put("name", spec.name());
    root.put("form", spec.form().name());
    root.put("subTask", spec.subTask().id().name());
    root.put("subTaskType", spec.subTask().type());
    root.set("inputs", variables(spec.workflowInterface().getInputs().getVariablesMap()));
    ArrayNode bound = root.putArray("boundInputs");
    Map<String, Variable> scalar = spec.subTask().scalarInterface().getInputs().getVariablesMap();
    for (String name : spec.boundInputs()) {
      ObjectNode b = bound.addObject();
      b.put("name", name);
      Variable v = scalar.get(name);
      b.put("type", v == null ? null : LiteralTypes.describe(v.getType()));
      b.put("fixedInDefinition", fixedInDefinition(spec, name));
    }
    root.set("outputs", variables(spec.mappedInterface().getOutputs().getVariablesMap()));
    Optional<Integer> parallelism = parallelism(spec);
    if (parallelism.isPresent()) {
      root.put("parallelism", parallelism.get());
    } else {
      root.putNull("parallelism");
    }
    ObjectNode success = root.putObject("successCriteria");
    if (spec.minSuccesses().isPresent()) {
      success.put("minSuccesses", spec.minSuccesses().getAsLong());
    } else {
      success.putNull("minSuccesses");
    }
    if (spec.minSuccessRatio().isPresent()) {
      success.put("minSuccessRatio", spec.minSuccessRatio().get());
    } else {
      success.putNull("minSuccessRatio");
    }
    success.put("runAllSubNodes", spec.runAllSubNodes());
    success.put("text", success(spec));
    root.set("definition", JSON.readTree(DefinitionWriter.toJson(spec)));
    return root;
  }

  private static ArrayNode variables(Map<String, Variable> variables) {
    ArrayNode list = JSON.createArrayNode();
    variables.forEach(
        (name, v) ->
            list.addObject().put("name", name).put("type", LiteralTypes.describe(v.getType())));
    return list;
  }

  /**
   * What {@code run --outputs-dir DIR} gives instead of the lists: each workflow output a multipart
   * blob of the shards, whose lines hold the node's outputs as plain JSON (none: null).
   */
  private static String outputsDir(MapTaskSpec spec) {
    Map<String, Variable> node = spec.mappedInterface().getOutputs().getVariablesMap();
    StringBuilder names = new StringBuilder();
    (spec.workflowOutputs().isEmpty() ? node.keySet() : spec.workflowOutputs().keySet())
        .forEach(name -> names.append(names.length() > 0 ? ", " : "").append(name));
    StringBuilder line = new StringBuilder();
    node.forEach(
        (name, v) ->
            line.append(line.length() > 0 ? ", " : "")
                .append('"')
                .append(name)
                .append("\": ")
                .append(
                    LiteralTypes.describe(
                        LiteralTypes.stripOptional(LiteralTypes.elementType(v.getType()))))
                .append(" or null"));
    return "("
        + names
        + ": Blob[jsonl, multipart] of DIR/elements/), one line per element:"
        + " {\"index\": int, \"outputs\": {"
        + line
        + "}}";
  }

  static String describe(Map<String, Variable> variables) {
    StringBuilder s = new StringBuilder("(");
    variables.forEach(
        (name, v) ->
            s.append(s.length() > 1 ? ", " : "")
                .append(name)
                .append(": ")
                .append(LiteralTypes.describe(v.getType())));
    return s.append(')').toString();
  }
}
