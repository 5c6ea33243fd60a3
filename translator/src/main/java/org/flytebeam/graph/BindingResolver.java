package org.flytebeam.graph;

import com.google.protobuf.ByteString;
import com.google.protobuf.ListValue;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import flyteidl.core.Literals.Binary;
import flyteidl.core.Literals.BindingData;
import flyteidl.core.Literals.Literal;
import flyteidl.core.Literals.LiteralCollection;
import flyteidl.core.Literals.LiteralMap;
import flyteidl.core.Literals.Scalar;
import flyteidl.core.Literals.Union;
import flyteidl.core.Types.OutputReference;
import flyteidl.core.Types.PromiseAttribute;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.flytebeam.types.Literals;

/**
 * Turns a node's input binding into the literal its task receives: scalars as written, collections
 * and maps of bindings element by element, promises on upstream outputs (with their {@code
 * attr_path}), unions wrapped as their {@code union} info says.
 *
 * <p>As flytepropeller: an attribute path walks literal maps (string keys) and collections (int
 * indices); once it reaches a scalar, the rest of the path walks into a generic {@code Struct} (the
 * value found becomes a struct, a list of literals or a primitive; struct numbers are floats) or
 * into a msgpack {@code Binary} (the value found stays a msgpack binary, as propeller re-serializes
 * it). Where propeller would read a wrong-kind step as key or index 0 or crash (a string step into
 * a list, a negative index, a step into a primitive), this fails instead.
 */
public final class BindingResolver {
  private BindingResolver() {}

  /** Deeper bindings than this are refused: hostile definitions must not overflow the stack. */
  static final int MAX_DEPTH = 1_000;

  /**
   * The literal {@code data} denotes, its promises read from {@code promises}.
   *
   * @throws BindingException naming the binding when a promise has no value or its attribute path
   *     does not lead to one
   */
  public static Literal resolve(BindingData data, Promises promises) {
    return resolve(data, promises, 0);
  }

  private static Literal resolve(BindingData data, Promises promises, int depth) {
    if (depth > MAX_DEPTH) {
      throw new BindingException("binding nested deeper than " + MAX_DEPTH + " levels");
    }
    Literal literal;
    switch (data.getValueCase()) {
      case SCALAR:
        literal = Literal.newBuilder().setScalar(data.getScalar()).build();
        break;
      case COLLECTION:
        {
          LiteralCollection.Builder items = LiteralCollection.newBuilder();
          for (BindingData item : data.getCollection().getBindingsList()) {
            items.addLiterals(resolve(item, promises, depth + 1));
          }
          literal = Literal.newBuilder().setCollection(items).build();
          break;
        }
      case MAP:
        {
          LiteralMap.Builder entries = LiteralMap.newBuilder();
          for (Map.Entry<String, BindingData> e : data.getMap().getBindingsMap().entrySet()) {
            entries.putLiterals(e.getKey(), resolve(e.getValue(), promises, depth + 1));
          }
          literal = Literal.newBuilder().setMap(entries).build();
          break;
        }
      case PROMISE:
        literal = resolvePromise(data.getPromise(), promises);
        break;
      case OFFLOADED_METADATA:
        literal = Literal.newBuilder().setOffloadedMetadata(data.getOffloadedMetadata()).build();
        break;
      case VALUE_NOT_SET:
        throw new BindingException(
            "binding has no value (none of scalar, collection, map, promise)");
      default:
        throw new AssertionError(data.getValueCase());
    }
    if (data.hasUnion()) {
      // propeller wraps the resolved value as it is, tagged with the target type
      return Literal.newBuilder()
          .setScalar(
              Scalar.newBuilder()
                  .setUnion(
                      Union.newBuilder()
                          .setValue(literal)
                          .setType(data.getUnion().getTargetType())))
          .build();
    }
    return literal;
  }

  /** The value of a promise: the upstream output, then its attribute path. */
  public static Literal resolvePromise(OutputReference ref, Promises promises) {
    String node = ref.getNodeId().isEmpty() ? Promises.START_NODE : ref.getNodeId();
    Optional<Literal> value = promises.output(ref.getNodeId(), ref.getVar());
    if (value.isEmpty()) {
      throw new BindingException(String.format("node [%s] has no output [%s]", node, ref.getVar()));
    }
    return resolveAttrPath(node, ref.getVar(), value.get(), ref.getAttrPathList());
  }

  static Literal resolveAttrPath(
      String node, String var, Literal literal, List<PromiseAttribute> path) {
    Literal current = literal;
    int step = 0;
    while (step < path.size() && !current.hasScalar()) {
      if (current.hasMap()) {
        String key = key(node, var, path, step);
        Literal next = current.getMap().getLiteralsMap().get(key);
        if (next == null) {
          throw fail(node, var, path, step, "key [" + key + "] does not exist in the map");
        }
        current = next;
      } else if (current.hasCollection()) {
        int index = index(node, var, path, step, current.getCollection().getLiteralsCount());
        current = current.getCollection().getLiterals(index);
      } else {
        throw fail(node, var, path, step, "cannot step into " + Literals.describe(current));
      }
      step++;
    }
    if (step == path.size()) {
      return current;
    }
    Scalar scalar = current.getScalar();
    if (scalar.hasGeneric()) {
      return inStruct(node, var, scalar.getGeneric(), path, step);
    }
    if (scalar.hasBinary()) {
      int from = step;
      Binary binary = scalar.getBinary();
      if (!"msgpack".equals(binary.getTag())) {
        throw fail(
            node,
            var,
            path,
            step,
            "unsupported serialization format [" + binary.getTag() + "] (only msgpack is)");
      }
      ByteString bytes =
          MsgpackPath.select(
              binary.getValue(),
              path.subList(step, path.size()),
              (i, why) -> fail(node, var, path, from + i, why));
      return Literal.newBuilder()
          .setScalar(
              Scalar.newBuilder().setBinary(Binary.newBuilder().setValue(bytes).setTag("msgpack")))
          .build();
    }
    throw fail(node, var, path, step, "cannot step into " + Literals.describe(current));
  }

  private static Literal inStruct(
      String node, String var, Struct struct, List<PromiseAttribute> path, int from) {
    Value current = Value.newBuilder().setStructValue(struct).build();
    for (int step = from; step < path.size(); step++) {
      if (current.hasStructValue()) {
        String key = key(node, var, path, step);
        Value next = current.getStructValue().getFieldsMap().get(key);
        if (next == null) {
          throw fail(node, var, path, step, "key [" + key + "] does not exist in the struct");
        }
        current = next;
      } else if (current.hasListValue()) {
        ListValue list = current.getListValue();
        current = list.getValues(index(node, var, path, step, list.getValuesCount()));
      } else {
        throw fail(node, var, path, step, "cannot step into struct value " + current.getKindCase());
      }
    }
    return structValueToLiteral(current, 0);
  }

  /** A struct value as propeller converts it: structs stay structs, lists become collections. */
  private static Literal structValueToLiteral(Value value, int depth) {
    if (depth > MAX_DEPTH) {
      throw new BindingException("struct value nested deeper than " + MAX_DEPTH + " levels");
    }
    switch (value.getKindCase()) {
      case STRUCT_VALUE:
        return Literals.of(value.getStructValue());
      case LIST_VALUE:
        {
          LiteralCollection.Builder items = LiteralCollection.newBuilder();
          for (Value v : value.getListValue().getValuesList()) {
            items.addLiterals(structValueToLiteral(v, depth + 1));
          }
          return Literal.newBuilder().setCollection(items).build();
        }
      case STRING_VALUE:
        return Literals.of(value.getStringValue());
      case NUMBER_VALUE:
        return Literals.of(value.getNumberValue());
      case BOOL_VALUE:
        return Literals.of(value.getBoolValue());
      case NULL_VALUE:
      case KIND_NOT_SET:
        return Literals.none();
      default:
        throw new AssertionError(value.getKindCase());
    }
  }

  private static String key(String node, String var, List<PromiseAttribute> path, int step) {
    PromiseAttribute attr = path.get(step);
    if (attr.getValueCase() != PromiseAttribute.ValueCase.STRING_VALUE) {
      throw fail(node, var, path, step, "a map or struct needs a string key, not " + show(attr));
    }
    return attr.getStringValue();
  }

  private static int index(
      String node, String var, List<PromiseAttribute> path, int step, int size) {
    PromiseAttribute attr = path.get(step);
    if (attr.getValueCase() != PromiseAttribute.ValueCase.INT_VALUE) {
      throw fail(node, var, path, step, "a list needs an int index, not " + show(attr));
    }
    int index = attr.getIntValue();
    if (index < 0 || index >= size) {
      throw fail(
          node, var, path, step, "index [" + index + "] is out of range of a list of " + size);
    }
    return index;
  }

  static String show(PromiseAttribute attr) {
    switch (attr.getValueCase()) {
      case STRING_VALUE:
        return "[\"" + attr.getStringValue() + "\"]";
      case INT_VALUE:
        return "[" + attr.getIntValue() + "]";
      case VALUE_NOT_SET:
        return "[unset]";
      default:
        throw new AssertionError(attr.getValueCase());
    }
  }

  static BindingException fail(
      String node, String var, List<PromiseAttribute> path, int step, String why) {
    StringBuilder shown = new StringBuilder(node).append('.').append(var);
    for (int i = 0; i <= step && i < path.size(); i++) {
      shown.append(show(path.get(i)));
    }
    return new BindingException(
        String.format(
            "cannot resolve the output [%s] of node [%s] at path step %d %s: %s",
            var, node, step, shown, why));
  }
}
