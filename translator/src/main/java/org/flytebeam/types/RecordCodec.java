package org.flytebeam.types;

import static java.util.Objects.requireNonNull;

import flyteidl.core.Interface.Variable;
import flyteidl.core.Interface.VariableMap;
import flyteidl.core.Literals.Literal;
import flyteidl.core.Types.LiteralType;
import java.io.ObjectStreamException;
import java.io.Serializable;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Constructor;
import java.lang.reflect.RecordComponent;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.flytebeam.FlyteBeamException;

/**
 * Converts a Java record to and from a Flyte literal map: each record component is one variable,
 * named as the component and typed by {@link LiteralTypes#of} from its generic type. This is how a
 * {@link org.flytebeam.task.JavaTask}'s input and output records get their Flyte interface and
 * their values.
 *
 * <pre>{@code
 * record Input(long a, Optional<String> b, List<Double> c) {}
 *
 * RecordCodec<Input> codec = RecordCodec.of(Input.class);
 * codec.variables();                    // {a=int, b=Optional[str], c=List[float]}
 * Map<String, Literal> literals = codec.toLiterals(new Input(1, Optional.empty(), List.of(0.5)));
 * Input back = codec.fromLiterals(literals);
 * }</pre>
 *
 * <p>Built for the hot path (once per element): the component converters, the canonical constructor
 * and the accessors are resolved once per record class ({@link #of} caches), and no reflection
 * happens per value. Instances are serializable; the resolved state is transient and rebuilt after
 * deserialization.
 *
 * @param <R> the record type
 */
public final class RecordCodec<R extends Record> implements Serializable {
  private static final long serialVersionUID = 1L;

  private static final ClassValue<RecordCodec<?>> CACHE =
      new ClassValue<>() {
        @Override
        protected RecordCodec<?> computeValue(Class<?> type) {
          return create(type.asSubclass(Record.class));
        }
      };

  private final Class<R> type;
  private transient volatile State state;

  private RecordCodec(Class<R> type) {
    this.type = type;
    this.state = new State(type);
  }

  private static <T extends Record> RecordCodec<T> create(Class<T> type) {
    return new RecordCodec<>(type);
  }

  /**
   * The codec of a record class, cached per class.
   *
   * @throws LiteralTypeException when a component's type is not supported; the message names the
   *     record and the component
   */
  @SuppressWarnings("unchecked")
  public static <R extends Record> RecordCodec<R> of(Class<R> type) {
    requireNonNull(type, "type");
    if (!type.isRecord()) {
      throw new LiteralTypeException(
          "class ["
              + type.getName()
              + "] is not a record; declare task inputs and outputs as records");
    }
    return (RecordCodec<R>) CACHE.get(type);
  }

  /** The record class. */
  public Class<R> type() {
    return type;
  }

  /** The variables, component name to type, in component order. Unmodifiable. */
  public Map<String, LiteralType> variables() {
    return state().variables;
  }

  /** The variables as a flyteidl {@code VariableMap}, in component order. */
  public VariableMap toVariableMap() {
    return state().variableMap;
  }

  /**
   * The record of a literal map. Variables the record does not have are ignored.
   *
   * @throws LiteralTypeException when a variable is missing, or a literal does not fit its
   *     component, e.g. {@code variable [a] of record [Task.Input] expects [int] but found [str
   *     "x"]}
   */
  public R fromLiterals(Map<String, Literal> literals) {
    requireNonNull(literals, "literals");
    State s = state();
    int n = s.names.length;
    Object[] args = new Object[n];
    // One element's inputs in this record's order (the sub-task's interface is the record's): read
    // by position, no lookup per value.
    NamedLiterals positional =
        literals instanceof NamedLiterals named && s.inOrder(named.names()) ? named : null;
    for (int i = 0; i < n; i++) {
      // By position: the value as the element's source gave it (a primitive value is read as it
      // is, no literal made); by name: the literal.
      Object value = positional != null ? positional.raw(i) : literals.get(s.names[i]);
      if (value == null) {
        throw missing(s, i, literals);
      }
      try {
        args[i] = s.converters[i].fromValue(value);
      } catch (Mismatch m) {
        throw m.toException(s.subjects[i]);
      }
    }
    try {
      return type.cast(s.constructor.invokeExact(args));
    } catch (Error e) {
      throw e;
    } catch (Throwable t) {
      // The record's own validation, e.g. a compact constructor checking a range.
      throw new FlyteBeamException("record [" + s.recordName + "] rejected its values: " + t, t);
    }
  }

  /**
   * The literals of a record: a new, mutable map in component order.
   *
   * @throws LiteralTypeException when a component's value does not fit its type, e.g. a {@code
   *     null} in a component that is not {@code Optional}
   */
  public Map<String, Literal> toLiterals(R value) {
    Literal[] literals = literalsOf(value);
    String[] names = state().names;
    Map<String, Literal> map = new LinkedHashMap<>((int) (names.length / 0.75f) + 1);
    for (int i = 0; i < names.length; i++) {
      map.put(names[i], literals[i]);
    }
    return map;
  }

  /**
   * The literals of a record's components, in component order (the order of {@link #variables()}):
   * {@link #toLiterals} without the map, for a path that knows the order, such as one element's
   * outputs. Unmodifiable; a primitive component's literal is made each time it is read (see {@link
   * LiteralList}), so that a path that writes the values as they are makes none.
   *
   * @throws LiteralTypeException as {@link #toLiterals}
   */
  public List<Literal> toLiteralList(R value) {
    return LiteralList.wrap(valuesOf(value));
  }

  /**
   * The values of a record's components, in component order: a primitive value ({@link
   * PrimitiveLiterals}) for an int, float, str or bool (and an enum's name), else the literal.
   */
  private Object[] valuesOf(R value) {
    requireNonNull(value, "value");
    State s = state();
    int n = s.names.length;
    Object[] values = new Object[n];
    for (int i = 0; i < n; i++) {
      Object component = component(s, i, value);
      try {
        values[i] = s.converters[i].toValue(component);
      } catch (Mismatch m) {
        throw m.toException(s.subjects[i]);
      }
    }
    return values;
  }

  private static Object component(State s, int i, Object value) {
    try {
      return s.accessors[i].invokeExact(value);
    } catch (RuntimeException | Error e) {
      throw e;
    } catch (Throwable t) {
      throw new FlyteBeamException(
          "reading component [" + s.names[i] + "] of record [" + s.recordName + "] failed: " + t,
          t);
    }
  }

  private Literal[] literalsOf(R value) {
    requireNonNull(value, "value");
    State s = state();
    int n = s.names.length;
    Literal[] literals = new Literal[n];
    for (int i = 0; i < n; i++) {
      Object component = component(s, i, value);
      try {
        literals[i] = s.converters[i].toLiteral(component);
      } catch (Mismatch m) {
        throw m.toException(s.subjects[i]);
      }
    }
    return literals;
  }

  private LiteralTypeException missing(State s, int i, Map<String, Literal> literals) {
    return new LiteralTypeException(
        "record ["
            + s.recordName
            + "] needs variable ["
            + s.names[i]
            + "] of type ["
            + LiteralTypes.describe(s.converters[i].literalType)
            + "] but it is missing; given variables are "
            + literals.keySet());
  }

  private State state() {
    State s = state;
    if (s == null) {
      // After deserialization; a race builds it twice, which is harmless.
      s = new State(type);
      state = s;
    }
    return s;
  }

  /** Serialization keeps one codec per class in a JVM. */
  private Object readResolve() throws ObjectStreamException {
    return of(type);
  }

  @Override
  public String toString() {
    return "RecordCodec[" + type.getName() + " " + variables().keySet() + "]";
  }

  /** Everything resolved from the record class; not serializable, rebuilt from the class. */
  private static final class State {
    final String recordName;
    final String[] names;
    final String[] subjects;
    final Converter[] converters;
    final MethodHandle[] accessors;
    final MethodHandle constructor;
    final Map<String, LiteralType> variables;
    final VariableMap variableMap;

    // The last names list found in this record's order: the list every element of a map shares.
    private List<String> namesInOrder;

    /** Whether {@code given} are this record's component names, in order. */
    boolean inOrder(List<String> given) {
      if (given == namesInOrder) {
        return true;
      }
      if (given.size() != names.length) {
        return false;
      }
      for (int i = 0; i < names.length; i++) {
        if (!names[i].equals(given.get(i))) {
          return false;
        }
      }
      // A racy cache of an immutable fact: a thread that does not see it checks again.
      namesInOrder = given;
      return true;
    }

    State(Class<?> type) {
      recordName = recordName(type);
      RecordComponent[] components = type.getRecordComponents();
      int n = components.length;
      names = new String[n];
      subjects = new String[n];
      converters = new Converter[n];
      accessors = new MethodHandle[n];
      Class<?>[] parameterTypes = new Class<?>[n];
      Map<String, LiteralType> vars = new LinkedHashMap<>();
      VariableMap.Builder variableMapBuilder = VariableMap.newBuilder();
      MethodHandles.Lookup lookup = lookup(type);
      try {
        for (int i = 0; i < n; i++) {
          RecordComponent c = components[i];
          names[i] = c.getName();
          subjects[i] = "variable [" + c.getName() + "] of record [" + recordName + "]";
          converters[i] = JavaLiterals.converterOf(subjects[i], c.getGenericType());
          parameterTypes[i] = c.getType();
          accessors[i] =
              lookup
                  .unreflect(c.getAccessor())
                  .asType(MethodType.methodType(Object.class, Object.class));
          vars.put(c.getName(), converters[i].literalType);
          variableMapBuilder.putVariables(
              c.getName(), Variable.newBuilder().setType(converters[i].literalType).build());
        }
        Constructor<?> canonical = type.getDeclaredConstructor(parameterTypes);
        constructor =
            lookup
                .unreflectConstructor(canonical)
                .asSpreader(Object[].class, n)
                .asType(MethodType.methodType(Object.class, Object[].class));
      } catch (NoSuchMethodException | IllegalAccessException e) {
        throw new LiteralTypeException(
            "record ["
                + recordName
                + "] is not accessible: "
                + e.getMessage()
                + "; make the record public",
            e);
      }
      variables = Collections.unmodifiableMap(vars);
      variableMap = variableMapBuilder.build();
    }

    private static MethodHandles.Lookup lookup(Class<?> type) {
      try {
        return MethodHandles.privateLookupIn(type, MethodHandles.lookup());
      } catch (IllegalAccessException | SecurityException e) {
        // A module that does not open the record's package: public members still work.
        return MethodHandles.publicLookup();
      }
    }

    private static String recordName(Class<?> type) {
      String name = type.getName();
      int dot = name.lastIndexOf('.');
      return name.substring(dot + 1).replace('$', '.');
    }
  }
}
