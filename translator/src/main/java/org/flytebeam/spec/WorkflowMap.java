package org.flytebeam.spec;

import static java.util.Objects.requireNonNull;

import com.google.protobuf.BoolValue;
import flyteidl.core.IdentifierOuterClass.Identifier;
import flyteidl.core.IdentifierOuterClass.ResourceType;
import flyteidl.core.Literals.Binding;
import flyteidl.core.Literals.BindingData;
import flyteidl.core.Workflow.ArrayNode;
import flyteidl.core.Workflow.Node;
import flyteidl.core.Workflow.NodeMetadata;
import flyteidl.core.Workflow.WorkflowNode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;
import org.flytebeam.InvalidDefinitionException;

/**
 * The Java builder of a map over a launch plan or a sub-workflow: the workflow node flytekit 1.16
 * writes for {@code map_task(launch_plan)} ({@code flytekit/core/array_node.py}, {@code
 * tools/translator.py} {@code get_serializable_array_node}): an ArrayNode whose sub-node has the
 * dnsified name of its target as id and metadata name, the node's inputs, and a workflow node with
 * {@code launchplan_ref} or {@code sub_workflow_ref}; {@code is_original_sub_node_interface} true,
 * execution mode {@code FULL_STATE}, data mode {@code SINGLE_INPUT_FILE}; {@code min_successes}
 * when given, else {@code min_success_ratio} (1.0 when neither is given); {@code parallelism} only
 * when a concurrency is given. A launch plan's fixed inputs are not bindable: flytekit leaves them
 * out of the node's inputs.
 *
 * <pre>{@code
 * Node n0 = WorkflowMap.overLaunchPlan(lpId, Set.of("bad"))
 *     .minSuccessRatio(0.75f)
 *     .input("x", listOfXs)
 *     .node("n0");
 * }</pre>
 */
public final class WorkflowMap {
  private final Identifier target;
  private final boolean launchPlan;
  private final Set<String> fixedInputs;
  private final Map<String, BindingData> inputs = new LinkedHashMap<>();
  private OptionalInt concurrency = OptionalInt.empty();
  private OptionalLong minSuccesses = OptionalLong.empty();
  private Optional<Float> minSuccessRatio = Optional.empty();
  private boolean runAllSubNodes;

  private WorkflowMap(Identifier target, boolean launchPlan, Set<String> fixedInputs) {
    this.target = requireNonNull(target, "target");
    this.launchPlan = launchPlan;
    this.fixedInputs = Set.copyOf(fixedInputs);
  }

  /** A map over the launch plan {@code id}, whose fixed inputs are {@code fixedInputs}. */
  public static WorkflowMap overLaunchPlan(Identifier id, Set<String> fixedInputs) {
    return new WorkflowMap(
        id.toBuilder().setResourceType(ResourceType.LAUNCH_PLAN).build(), true, fixedInputs);
  }

  /** A map over the sub-workflow {@code id} (in the closure's {@code sub_workflows}). */
  public static WorkflowMap overSubWorkflow(Identifier id) {
    return new WorkflowMap(
        id.toBuilder().setResourceType(ResourceType.WORKFLOW).build(), false, Set.of());
  }

  /** flytekit's {@code concurrency}: at most {@code n} elements at once; 0 unbounded. */
  public WorkflowMap concurrency(int n) {
    this.concurrency = OptionalInt.of(n);
    return this;
  }

  /** flytekit's {@code min_successes}; wins over a ratio. */
  public WorkflowMap minSuccesses(long n) {
    this.minSuccesses = OptionalLong.of(n);
    return this;
  }

  /** flytekit's {@code min_success_ratio}. */
  public WorkflowMap minSuccessRatio(float ratio) {
    this.minSuccessRatio = Optional.of(ratio);
    return this;
  }

  /** Runs every element to its end before failing. */
  public WorkflowMap runAllSubNodes() {
    this.runAllSubNodes = true;
    return this;
  }

  /** Binds the workflow input {@code var} to a list (mapped item by item). */
  public WorkflowMap input(String var, BindingData list) {
    inputs.put(requireNonNull(var, "var"), requireNonNull(list, "list"));
    return this;
  }

  /**
   * The workflow node {@code id}, as flytekit writes it.
   *
   * @throws InvalidDefinitionException listing every problem (a fixed input bound, criteria out of
   *     range)
   */
  public Node node(String id) {
    List<String> problems = new ArrayList<>();
    for (String var : inputs.keySet()) {
      if (fixedInputs.contains(var)) {
        problems.add(
            "input ["
                + var
                + "] is fixed by launch plan ["
                + target.getName()
                + "] for every element; remove the binding");
      }
    }
    SuccessCriteria.check(concurrency, minSuccesses, minSuccessRatio, problems);
    if (!problems.isEmpty()) {
      throw new InvalidDefinitionException(problems);
    }
    List<Binding> bindings = new ArrayList<>();
    inputs.forEach(
        (var, data) -> bindings.add(Binding.newBuilder().setVar(var).setBinding(data).build()));
    String subId = dnsify(target.getName());
    WorkflowNode.Builder wn = WorkflowNode.newBuilder();
    if (launchPlan) {
      wn.setLaunchplanRef(target);
    } else {
      wn.setSubWorkflowRef(target);
    }
    NodeMetadata metadata = NodeMetadata.newBuilder().setName(target.getName()).build();
    ArrayNode.Builder array =
        ArrayNode.newBuilder()
            .setNode(
                Node.newBuilder()
                    .setId(subId)
                    .setMetadata(metadata)
                    .addAllInputs(bindings)
                    .setWorkflowNode(wn))
            .setExecutionMode(ArrayNode.ExecutionMode.FULL_STATE)
            .setIsOriginalSubNodeInterface(BoolValue.newBuilder().setValue(true))
            .setDataMode(ArrayNode.DataMode.SINGLE_INPUT_FILE)
            .setRunAllSubNodes(runAllSubNodes);
    concurrency.ifPresent(array::setParallelism);
    if (minSuccesses.isPresent()) {
      array.setMinSuccesses((int) minSuccesses.getAsLong());
    } else {
      array.setMinSuccessRatio(minSuccessRatio.orElse(1.0f));
    }
    return Node.newBuilder()
        .setId(id)
        .setMetadata(metadata)
        .addAllInputs(bindings)
        .setArrayNode(array)
        .build();
  }

  /**
   * flytekit's {@code _dnsify}: lower-case alphanumerics, {@code _ - .} to a dash (dropped first),
   * a dash before an upper-case letter, other characters dropped, no trailing dash; a name of 63
   * characters or more is first shortened to the 10 first hex digits of its SHA-224, a dash, and
   * its last 52 characters.
   */
  public static String dnsify(String value) {
    final int max = 63;
    final int hashLength = 10;
    String v = value;
    if (v.length() >= max) {
      try {
        byte[] hash =
            MessageDigest.getInstance("SHA-224").digest(v.getBytes(StandardCharsets.UTF_8));
        v =
            HexFormat.of().formatHex(hash).substring(0, hashLength)
                + "-"
                + v.substring(v.length() - (max - hashLength - 1));
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException("every JDK has SHA-224", e);
      }
    }
    StringBuilder res = new StringBuilder();
    v.codePoints()
        .forEach(
            ch -> {
              if (ch == '_' || ch == '-' || ch == '.') {
                if (res.length() > 0 && res.length() < max - 1) {
                  res.append('-');
                }
              } else if (!Character.isLetterOrDigit(ch)) {
                // dropped
              } else if (Character.isLowerCase(ch) || Character.isDigit(ch)) {
                res.appendCodePoint(ch);
              } else {
                if (res.length() > 0
                    && res.charAt(res.length() - 1) != '-'
                    && res.length() < max - 1) {
                  res.append('-');
                }
                res.append(new String(Character.toChars(ch)).toLowerCase(Locale.ROOT));
              }
            });
    if (res.length() > 0 && res.charAt(res.length() - 1) == '-') {
      res.setLength(res.length() - 1);
    }
    return res.toString();
  }
}
