package org.flytebeam.exec;

import flyteidl.core.Interface.TypedInterface;
import flyteidl.core.Literals.Binding;
import flyteidl.core.Literals.BindingData;
import flyteidl.core.Literals.Literal;
import flyteidl.core.Literals.LiteralCollection;
import flyteidl.core.Literals.LiteralMap;
import flyteidl.core.Types.LiteralType;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.flytebeam.InvalidDefinitionException;
import org.flytebeam.spec.MapTaskSpec;
import org.flytebeam.types.LiteralTypeException;
import org.flytebeam.types.Literals;

/**
 * The inputs of a map node, split into mapped lists and bound values, checked against the sub-task's
 * interface before anything runs (SPEC section 3, size rules).
 */
public final class MapInputs {
  private final List<String> names;
  private final Map<String, List<Literal>> mapped;
  private final Map<String, Literal> bound;
  private final long size;

  private MapInputs(
      List<String> names, Map<String, List<Literal>> mapped, Map<String, Literal> bound, long size) {
    this.names = names;
    this.mapped = mapped;
    this.bound = bound;
    this.size = size;
  }

  /**
   * The map node's inputs, from its bindings: a promise on a workflow input reads {@code
   * workflowInputs}; a value written in the binding is taken as it is.
   */
  public static LiteralMap resolveNodeInputs(MapTaskSpec spec, LiteralMap workflowInputs) {
    List<String> problems = new ArrayList<>();
    LiteralMap.Builder node = LiteralMap.newBuilder();
    for (Map.Entry<String, BindingData> binding : spec.inputBindings().entrySet()) {
      try {
        node.putLiterals(binding.getKey(), resolve(binding.getKey(), binding.getValue(), workflowInputs));
      } catch (InvalidDefinitionException e) {
        problems.addAll(e.problems());
      }
    }
    if (!problems.isEmpty()) {
      throw new InvalidDefinitionException(problems);
    }
    return node.build();
  }

  private static Literal resolve(String input, BindingData data, LiteralMap workflowInputs) {
    switch (data.getValueCase()) {
      case SCALAR:
        return Literal.newBuilder().setScalar(data.getScalar()).build();
      case COLLECTION:
        {
          LiteralCollection.Builder items = LiteralCollection.newBuilder();
          for (BindingData item : data.getCollection().getBindingsList()) {
            items.addLiterals(resolve(input, item, workflowInputs));
          }
          return Literal.newBuilder().setCollection(items).build();
        }
      case MAP:
        {
          LiteralMap.Builder entries = LiteralMap.newBuilder();
          for (Map.Entry<String, BindingData> e : data.getMap().getBindingsMap().entrySet()) {
            entries.putLiterals(e.getKey(), resolve(input, e.getValue(), workflowInputs));
          }
          return Literal.newBuilder().setMap(entries).build();
        }
      case PROMISE:
        {
          String node = data.getPromise().getNodeId();
          String var = data.getPromise().getVar();
          if (!"start-node".equals(node)) {
            throw new InvalidDefinitionException(
                String.format(
                    "input [%s] is bound to the output [%s] of node [%s]: only workflow inputs"
                        + " (start-node) and literal values are supported as map inputs",
                    input, var, node));
          }
          Literal value = workflowInputs.getLiteralsMap().get(var);
          if (value == null) {
            throw new InvalidDefinitionException(
                String.format(
                    "workflow input [%s] is missing from the inputs (given: %s): add it to --inputs",
                    var, workflowInputs.getLiteralsMap().keySet()));
          }
          return value;
        }
      case OFFLOADED_METADATA:
      case VALUE_NOT_SET:
      default:
        throw new InvalidDefinitionException(
            String.format("input [%s] has an unsupported binding [%s]", input, data.getValueCase()));
    }
  }

  /** Splits and checks the node's inputs: equal lengths, element and bound types. */
  public static MapInputs of(MapTaskSpec spec, LiteralMap nodeInputs) {
    return split(spec, nodeInputs, true);
  }

  /**
   * Splits inputs the driver has already checked with {@link #of}: a worker reading them back does
   * not check every element's type again.
   */
  public static MapInputs checked(MapTaskSpec spec, LiteralMap nodeInputs) {
    return split(spec, nodeInputs, false);
  }

  private static MapInputs split(MapTaskSpec spec, LiteralMap nodeInputs, boolean checkTypes) {
    TypedInterface iface = spec.subTask().scalarInterface();
    Map<String, flyteidl.core.Interface.Variable> vars = iface.getInputs().getVariablesMap();
    List<String> problems = new ArrayList<>();
    Map<String, List<Literal>> mapped = new LinkedHashMap<>();
    Map<String, Literal> bound = new LinkedHashMap<>();
    List<String> names = new ArrayList<>(vars.keySet());
    long size = -1;
    String sizeSource = null;
    for (String name : names) {
      LiteralType type = vars.get(name).getType();
      Literal value = nodeInputs.getLiteralsMap().get(name);
      if (value == null) {
        problems.add(String.format("input [%s] has no value: bind it or add it to --inputs", name));
        continue;
      }
      if (spec.boundInputs().contains(name)) {
        if (checkTypes) {
          check(problems, "bound input", name, value, type);
        }
        bound.put(name, value);
        continue;
      }
      if (!value.hasCollection()) {
        problems.add(
            String.format(
                "no input array provided: input [%s] is mapped over and needs a list, found [%s];"
                    + " bind it to pass one value to every element",
                name, Literals.describe(value)));
        continue;
      }
      List<Literal> items = value.getCollection().getLiteralsList();
      if (size < 0) {
        size = items.size();
        sizeSource = name;
      } else if (items.size() != size) {
        problems.add(
            String.format(
                "input arrays have different lengths: expecting '%d' found '%d' (input [%s] has"
                    + " %d elements, input [%s] has %d): give every mapped input the same length",
                size, items.size(), sizeSource, size, name, items.size()));
        continue;
      }
      for (int i = 0; checkTypes && i < items.size(); i++) {
        if (!check(problems, "input", name + "[" + i + "]", items.get(i), type)) {
          break;
        }
      }
      mapped.put(name, items);
    }
    if (!problems.isEmpty()) {
      throw new InvalidDefinitionException(problems);
    }
    // All inputs bound: one element, as the Flyte backend runs it.
    return new MapInputs(List.copyOf(names), mapped, bound, mapped.isEmpty() ? 1 : size);
  }

  private static boolean check(
      List<String> problems, String role, String name, Literal value, LiteralType type) {
    try {
      Literals.check(role, name, value, type);
      return true;
    } catch (LiteralTypeException e) {
      problems.add(e.getMessage());
      return false;
    }
  }

  public long size() {
    return size;
  }

  /** The inputs of element {@code index}: the index-th item of every mapped list, bound values whole. */
  public Map<String, Literal> element(long index) {
    Map<String, Literal> inputs = new LinkedHashMap<>(names.size() * 2);
    for (String name : names) {
      List<Literal> items = mapped.get(name);
      inputs.put(name, items != null ? items.get((int) index) : bound.get(name));
    }
    return inputs;
  }
}
