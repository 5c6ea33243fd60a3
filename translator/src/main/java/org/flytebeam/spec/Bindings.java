package org.flytebeam.spec;

import flyteidl.core.Literals.BindingData;
import flyteidl.core.Literals.BindingDataCollection;
import flyteidl.core.Literals.BindingDataMap;
import flyteidl.core.Literals.Literal;
import flyteidl.core.Literals.LiteralCollection;
import flyteidl.core.Literals.LiteralMap;
import flyteidl.core.Types.OutputReference;
import java.util.Map;
import java.util.Optional;

/**
 * Node input bindings ({@code BindingData}): a promise on a workflow input, or a value written in
 * the definition as flytekit writes bound partial values (a scalar, or collections and maps of
 * bindings).
 */
public final class Bindings {
  /** The node id Flyte gives a workflow's inputs. */
  public static final String START_NODE = "start-node";

  private Bindings() {}

  /** A promise on the workflow input {@code var}. */
  public static BindingData workflowInput(String var) {
    return BindingData.newBuilder()
        .setPromise(OutputReference.newBuilder().setNodeId(START_NODE).setVar(var))
        .build();
  }

  /** The workflow input a binding reads, if it is a promise on {@code start-node}. */
  public static Optional<String> workflowInputName(BindingData binding) {
    if (binding.getValueCase() == BindingData.ValueCase.PROMISE
        && START_NODE.equals(binding.getPromise().getNodeId())) {
      return Optional.of(binding.getPromise().getVar());
    }
    return Optional.empty();
  }

  /** Whether the binding holds its value (rather than a promise on some node's output). */
  public static boolean isValue(BindingData binding) {
    return switch (binding.getValueCase()) {
      case SCALAR -> true;
      case COLLECTION ->
          binding.getCollection().getBindingsList().stream().allMatch(Bindings::isValue);
      case MAP -> binding.getMap().getBindingsMap().values().stream().allMatch(Bindings::isValue);
      case PROMISE, OFFLOADED_METADATA, VALUE_NOT_SET -> false;
    };
  }

  /** A value binding for {@code literal}, as flytekit writes a bound partial value. */
  public static BindingData of(Literal literal) {
    BindingData.Builder binding = BindingData.newBuilder();
    switch (literal.getValueCase()) {
      case SCALAR -> binding.setScalar(literal.getScalar());
      case COLLECTION -> {
        BindingDataCollection.Builder items = BindingDataCollection.newBuilder();
        for (Literal item : literal.getCollection().getLiteralsList()) {
          items.addBindings(of(item));
        }
        binding.setCollection(items);
      }
      case MAP -> {
        BindingDataMap.Builder entries = BindingDataMap.newBuilder();
        for (Map.Entry<String, Literal> e : literal.getMap().getLiteralsMap().entrySet()) {
          entries.putBindings(e.getKey(), of(e.getValue()));
        }
        binding.setMap(entries);
      }
      case OFFLOADED_METADATA -> binding.setOffloadedMetadata(literal.getOffloadedMetadata());
      case VALUE_NOT_SET ->
          throw new UnsupportedOperationException(
              String.format("Unsupported literal [%s]", literal.getValueCase()));
      default -> throw new AssertionError(literal.getValueCase());
    }
    return binding.build();
  }

  /**
   * The literal a value binding holds.
   *
   * @throws UnsupportedOperationException for a promise, which has no value until a run
   */
  public static Literal toLiteral(BindingData binding) {
    Literal.Builder literal = Literal.newBuilder();
    switch (binding.getValueCase()) {
      case SCALAR -> literal.setScalar(binding.getScalar());
      case COLLECTION -> {
        LiteralCollection.Builder items = LiteralCollection.newBuilder();
        for (BindingData item : binding.getCollection().getBindingsList()) {
          items.addLiterals(toLiteral(item));
        }
        literal.setCollection(items);
      }
      case MAP -> {
        LiteralMap.Builder entries = LiteralMap.newBuilder();
        for (Map.Entry<String, BindingData> e : binding.getMap().getBindingsMap().entrySet()) {
          entries.putLiterals(e.getKey(), toLiteral(e.getValue()));
        }
        literal.setMap(entries);
      }
      case OFFLOADED_METADATA -> literal.setOffloadedMetadata(binding.getOffloadedMetadata());
      case PROMISE, VALUE_NOT_SET ->
          throw new UnsupportedOperationException(
              String.format("Unsupported binding [%s]: it holds no value", describe(binding)));
      default -> throw new AssertionError(binding.getValueCase());
    }
    return literal.build();
  }

  /** A short text for messages: {@code promise start-node.x}, {@code scalar}, ... */
  public static String describe(BindingData binding) {
    return switch (binding.getValueCase()) {
      case PROMISE ->
          "promise " + binding.getPromise().getNodeId() + "." + binding.getPromise().getVar();
      case SCALAR -> "scalar";
      case COLLECTION -> "collection";
      case MAP -> "map";
      case OFFLOADED_METADATA -> "offloaded literal";
      case VALUE_NOT_SET -> "empty binding";
    };
  }
}
