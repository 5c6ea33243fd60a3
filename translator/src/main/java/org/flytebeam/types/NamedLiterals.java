package org.flytebeam.types;

import static java.util.Objects.requireNonNull;

import flyteidl.core.Literals.Literal;
import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Set;

/**
 * Literals by name in a fixed order, as one element's inputs are: the names shared by every element
 * of a map (the sub-task's interface order), the values the element's own. A read-only map made of
 * two objects, where a {@code LinkedHashMap} would make a table and a node per input for every
 * element; a reader that knows the names' order ({@link RecordCodec#fromLiterals}) reads the values
 * by position instead of by hashing.
 *
 * <p>A value may be held as a primitive Java value ({@link PrimitiveLiterals}: {@link Long}, {@link
 * Double}, {@link String}, {@link Boolean}) rather than its literal, as a source that reads items
 * as plain values gives it: {@link #raw} gives it as it is, and a record's codec reads it without a
 * literal; every other reader gets the literal, made when it is read.
 *
 * <p>Equal to, and with the hash code of, any map with the same entries; iterated in the names'
 * order. Every value is non-null.
 */
public final class NamedLiterals extends AbstractMap<String, Literal> {
  private final List<String> names;
  // Each a Literal or a primitive value; never null.
  private final Object[] values;

  /**
   * @param names the names, without duplicates; not copied, so that every element of a map shares
   *     one list (callers pass an unmodifiable one)
   * @param values the values in the names' order, each a {@link Literal} or a primitive value
   *     ({@link PrimitiveLiterals}); not copied
   * @throws IllegalArgumentException for a value of another type
   */
  public NamedLiterals(List<String> names, Object[] values) {
    this.names = requireNonNull(names, "names");
    this.values = requireNonNull(values, "values");
    if (names.size() != values.length) {
      throw new IllegalArgumentException(
          names.size() + " names [" + names + "] but " + values.length + " values");
    }
    for (int i = 0; i < values.length; i++) {
      Object v = requireNonNull(values[i], names.get(i));
      if (!(v instanceof Literal) && PrimitiveLiterals.kindOf(v) == PrimitiveLiterals.LITERAL) {
        throw new IllegalArgumentException(
            "value of ["
                + names.get(i)
                + "] is not a literal or a primitive value ["
                + v.getClass()
                + "]");
      }
    }
  }

  /** The names, in order: the list given, shared by the maps made with it. */
  public List<String> names() {
    return names;
  }

  /** The value of the {@code position}-th name, as a literal. */
  public Literal value(int position) {
    return literal(values[position]);
  }

  /** The value of the {@code position}-th name as held: a {@link Literal} or a primitive value. */
  public Object raw(int position) {
    return values[position];
  }

  private static Literal literal(Object value) {
    return value instanceof Literal l ? l : PrimitiveLiterals.toLiteral(value);
  }

  @Override
  public int size() {
    return values.length;
  }

  @Override
  public Literal get(Object key) {
    int i = names.indexOf(key);
    return i < 0 ? null : literal(values[i]);
  }

  @Override
  public boolean containsKey(Object key) {
    return names.contains(key);
  }

  @Override
  public Set<Entry<String, Literal>> entrySet() {
    return new AbstractSet<>() {
      @Override
      public int size() {
        return values.length;
      }

      @Override
      public Iterator<Entry<String, Literal>> iterator() {
        return new Iterator<>() {
          private int next;

          @Override
          public boolean hasNext() {
            return next < values.length;
          }

          @Override
          public Entry<String, Literal> next() {
            if (next >= values.length) {
              throw new NoSuchElementException();
            }
            int at = next++;
            return new SimpleImmutableEntry<>(names.get(at), literal(values[at]));
          }
        };
      }
    };
  }
}
