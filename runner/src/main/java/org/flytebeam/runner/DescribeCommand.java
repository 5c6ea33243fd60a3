package org.flytebeam.runner;

import flyteidl.core.Interface.TypedInterface;
import flyteidl.core.Interface.Variable;
import java.io.PrintWriter;
import java.util.Map;
import java.util.concurrent.Callable;
import org.flytebeam.InvalidDefinitionException;
import org.flytebeam.idl.DefinitionReader;
import org.flytebeam.idl.DefinitionWriter;
import org.flytebeam.spec.MapTaskSpec;
import org.flytebeam.types.LiteralTypes;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code flyte-beam describe}: what a definition maps, and its flyteidl JSON. */
@Command(
    name = "describe",
    mixinStandardHelpOptions = true,
    description = "Print a map task's mapped interface, success criteria and flyteidl JSON.")
final class DescribeCommand implements Callable<Integer> {
  @Spec CommandSpec command;

  @Option(
      names = "--definition",
      required = true,
      paramLabel = "FILE",
      description =
          "The map task definition: flyteidl JSON (.json) or binary (.pb); a local path or"
              + " a URI Beam's FileSystems opens.")
  String definition;

  @Option(names = "--json", description = "Print the flyteidl JSON as well.")
  boolean json;

  @Override
  public Integer call() {
    PrintWriter out = command.commandLine().getOut();
    PrintWriter err = command.commandLine().getErr();
    MapTaskSpec spec;
    try {
      spec = DefinitionReader.read(definition, LiteralFiles.read(definition, "--definition"));
    } catch (InvalidDefinitionException e) {
      return Failures.report(err, e, false);
    }
    out.println("map task:    " + spec.name() + " (" + spec.form() + ")");
    out.println("sub-task:    " + spec.subTask().id().name() + " [" + spec.subTask().type() + "]");
    TypedInterface mapped = spec.mappedInterface();
    out.println("inputs:      " + describe(mapped.getInputs().getVariablesMap()));
    out.println("bound:       " + spec.boundInputs());
    out.println("outputs:     " + describe(mapped.getOutputs().getVariablesMap()));
    out.println("outputs-dir: " + outputsDir(spec));
    out.println(
        "parallelism: "
            + (spec.parallelism().isEmpty() || spec.parallelism().getAsInt() == 0
                ? "unlimited"
                : String.valueOf(spec.parallelism().getAsInt())));
    out.println(
        "success:     "
            + (spec.minSuccesses().isPresent()
                ? "min_successes " + spec.minSuccesses().getAsLong()
                : spec.minSuccessRatio().map(r -> "min_success_ratio " + r).orElse("every element"))
            + (spec.runAllSubNodes() ? ", run_all_sub_nodes" : ""));
    if (json) {
      out.println(DefinitionWriter.toJson(spec));
    }
    return ExitCode.SUCCESS;
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

  private static String describe(Map<String, Variable> variables) {
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
