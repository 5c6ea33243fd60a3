package org.flytebeam.exec;

import flyteidl.core.Interface.TypedInterface;
import flyteidl.core.Literals.BindingData;
import flyteidl.core.Literals.Literal;
import flyteidl.core.Literals.LiteralCollection;
import flyteidl.core.Literals.LiteralMap;
import flyteidl.core.Types.LiteralType;
import java.io.Closeable;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.flytebeam.InvalidDefinitionException;
import org.flytebeam.spec.MapTaskSpec;
import org.flytebeam.types.LiteralTypeException;
import org.flytebeam.types.LiteralTypes;
import org.flytebeam.types.Literals;
import org.flytebeam.types.NamedLiterals;

/**
 * The inputs of a map node, split into mapped lists and bound values, checked against the
 * sub-task's interface before anything runs (SPEC section 3, size rules). A mapped input is a list
 * in the inputs or, given by reference, an {@link ElementSource} the workers read ({@link
 * InputReferences}).
 */
public final class MapInputs {
  /** Item problems listed per mapped input before the rest are only counted. */
  static final int MAX_ITEM_PROBLEMS = 20;

  private final List<String> names;
  private final Map<String, ElementSource> mapped;
  private final Map<String, List<Literal>> inline;
  private final Map<String, Literal> bound;
  private final long size;

  private MapInputs(
      List<String> names,
      Map<String, ElementSource> mapped,
      Map<String, List<Literal>> inline,
      Map<String, Literal> bound,
      long size) {
    this.names = names;
    this.mapped = mapped;
    this.inline = inline;
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
        node.putLiterals(
            binding.getKey(), resolve(binding.getKey(), binding.getValue(), workflowInputs));
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
        return Literal.newBuilder().setOffloadedMetadata(data.getOffloadedMetadata()).build();
      case VALUE_NOT_SET:
      default:
        throw new InvalidDefinitionException(
            String.format(
                "input [%s] has an unsupported binding [%s]", input, data.getValueCase()));
    }
  }

  /** Splits and checks the node's inputs: equal lengths, element and bound types. */
  public static MapInputs of(MapTaskSpec spec, LiteralMap nodeInputs) {
    return split(spec, nodeInputs, Map.of(), true);
  }

  /**
   * As {@link #of(MapTaskSpec, LiteralMap)}, the mapped inputs given by reference read from {@code
   * sources} (whose items are checked as they are read).
   */
  public static MapInputs of(
      MapTaskSpec spec, LiteralMap nodeInputs, Map<String, ElementSource> sources) {
    return split(spec, nodeInputs, sources, true);
  }

  /**
   * Splits inputs the driver has already checked with {@link #of}: a worker reading them back does
   * not check every element's type again.
   */
  public static MapInputs checked(MapTaskSpec spec, LiteralMap nodeInputs) {
    return split(spec, nodeInputs, Map.of(), false);
  }

  /** As {@link #checked(MapTaskSpec, LiteralMap)}, with the sources of reference inputs. */
  public static MapInputs checked(
      MapTaskSpec spec, LiteralMap nodeInputs, Map<String, ElementSource> sources) {
    return split(spec, nodeInputs, sources, false);
  }

  /** Whether some mapped input of {@code nodeInputs} is given by reference, not as a list. */
  public static boolean hasReferences(MapTaskSpec spec, LiteralMap nodeInputs) {
    for (Map.Entry<String, Literal> e : nodeInputs.getLiteralsMap().entrySet()) {
      if (!spec.boundInputs().contains(e.getKey()) && !e.getValue().hasCollection()) {
        return true;
      }
    }
    return false;
  }

  private static MapInputs split(
      MapTaskSpec spec,
      LiteralMap nodeInputs,
      Map<String, ElementSource> sources,
      boolean checkTypes) {
    TypedInterface iface = spec.subTask().scalarInterface();
    Map<String, flyteidl.core.Interface.Variable> vars = iface.getInputs().getVariablesMap();
    List<String> problems = new ArrayList<>();
    Map<String, ElementSource> mapped = new LinkedHashMap<>();
    Map<String, List<Literal>> inline = new LinkedHashMap<>();
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
      ElementSource source = sources.get(name);
      if (source == null && !value.hasCollection()) {
        problems.add(
            String.format(
                "no input array provided: input [%s] is mapped over and needs a list, found [%s];"
                    + " bind it to pass one value to every element",
                name, Literals.describe(value)));
        continue;
      }
      List<Literal> items = source == null ? value.getCollection().getLiteralsList() : List.of();
      long length = source == null ? items.size() : source.size();
      if (length < 0) {
        // Not counted yet (see InputReferences#pending): no length to compare.
        mapped.put(name, source);
        continue;
      }
      if (size < 0) {
        size = length;
        sizeSource = name;
      } else if (length != size) {
        problems.add(
            String.format(
                "input arrays have different lengths: expecting '%d' found '%d' (input [%s] has"
                    + " %d elements, input [%s] has %d): give every mapped input the same length",
                size, length, sizeSource, size, name, length));
        continue;
      }
      if (source != null) {
        mapped.put(name, source);
        continue;
      }
      // Every item that does not fit, up to a bound, so that one pass shows what to fix.
      int bad = 0;
      for (int i = 0; checkTypes && i < items.size(); i++) {
        // The item's name (and its message) only for an item that does not fit: a million items
        // that fit cost no string each.
        if (Literals.fits(items.get(i), type)) {
          continue;
        }
        List<String> itemProblems = bad < MAX_ITEM_PROBLEMS ? problems : new ArrayList<>();
        check(itemProblems, "input", name + "[" + i + "]", items.get(i), type);
        bad++;
      }
      if (bad > MAX_ITEM_PROBLEMS) {
        problems.add(
            String.format(
                "input [%s]: %d more items do not fit [%s]",
                name, bad - MAX_ITEM_PROBLEMS, LiteralTypes.describe(type)));
      }
      mapped.put(name, ElementSource.inline(items));
      inline.put(name, items);
    }
    if (!problems.isEmpty()) {
      throw new InvalidDefinitionException(problems);
    }
    // All inputs bound: one element, as the Flyte backend runs it.
    return new MapInputs(List.copyOf(names), mapped, inline, bound, mapped.isEmpty() ? 1 : size);
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

  /** Whether some mapped input is read from a reference rather than held as a list. */
  public boolean hasReferences() {
    return inline.size() < mapped.size();
  }

  /**
   * The inputs of element {@code index}: the index-th item of every mapped list, bound values
   * whole. Only for inputs without references; see {@link #read}.
   */
  public Map<String, Literal> element(long index) {
    if (hasReferences()) {
      throw new IllegalStateException("inputs given by reference are read by range: use read()");
    }
    Literal[] values = new Literal[names.size()];
    for (int i = 0; i < values.length; i++) {
      List<Literal> items = inline.get(names.get(i));
      values[i] = items != null ? items.get((int) index) : bound.get(names.get(i));
    }
    return new NamedLiterals(names, values);
  }

  /**
   * Reads the inputs of elements {@code [start, end)} in order: one reader per mapped input, so a
   * reference input's files are read sequentially, once per range.
   */
  public Elements read(long start, long end) throws IOException {
    Map<String, ElementSource.Reader> readers = new LinkedHashMap<>();
    try {
      for (Map.Entry<String, ElementSource> e : mapped.entrySet()) {
        readers.put(e.getKey(), e.getValue().read(start, end));
      }
    } catch (IOException | RuntimeException e) {
      for (ElementSource.Reader r : readers.values()) {
        try {
          r.close();
        } catch (IOException suppressed) {
          e.addSuppressed(suppressed);
        }
      }
      throw e;
    }
    return new Elements(readers);
  }

  /** The inputs of a range of elements, one element after the other. */
  public final class Elements implements Closeable {
    private final Map<String, ElementSource.Reader> readers;
    // By the names' position: the reader of a mapped input, or the value of a bound one.
    private final ElementSource.Reader[] positionedReaders;
    private final Literal[] boundValues;

    private Elements(Map<String, ElementSource.Reader> readers) {
      this.readers = readers;
      this.positionedReaders = new ElementSource.Reader[names.size()];
      this.boundValues = new Literal[names.size()];
      for (int i = 0; i < names.size(); i++) {
        positionedReaders[i] = readers.get(names.get(i));
        boundValues[i] = bound.get(names.get(i));
      }
    }

    /**
     * The next element's inputs, in interface order: a {@link NamedLiterals} whose items are held
     * as their sources read them (a primitive value where the source reads one, see {@link
     * ElementSource.Reader#nextValue}).
     *
     * @throws InvalidElementException when an item of this element cannot be read: the element
     *     fails, and the next call reads the next element
     */
    public Map<String, Literal> next() throws InvalidElementException, IOException {
      Object[] values = new Object[names.size()];
      InvalidElementException invalid = null;
      for (int i = 0; i < values.length; i++) {
        ElementSource.Reader reader = positionedReaders[i];
        if (reader == null) {
          values[i] = boundValues[i];
          continue;
        }
        try {
          values[i] = reader.nextValue();
        } catch (InvalidElementException e) {
          // Every other reader still moves past this element.
          if (invalid == null) {
            invalid = e;
          }
        }
      }
      if (invalid != null) {
        throw invalid;
      }
      // Two objects per element, the names shared: no hash table per element.
      return new NamedLiterals(names, values);
    }

    @Override
    public void close() throws IOException {
      IOException first = null;
      for (ElementSource.Reader r : readers.values()) {
        try {
          r.close();
        } catch (IOException e) {
          first = first == null ? e : first;
        }
      }
      if (first != null) {
        throw first;
      }
    }
  }
}
