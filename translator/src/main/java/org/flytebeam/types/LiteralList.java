package org.flytebeam.types;

import flyteidl.core.Literals.Literal;
import java.io.Serializable;
import java.util.AbstractList;
import java.util.List;
import java.util.RandomAccess;

/**
 * An unmodifiable list of literals some of which are kept as primitive Java values ({@link Long},
 * {@link Double}, {@link String}, {@link Boolean}: see {@link PrimitiveLiterals}) until a caller
 * asks for the literal: one element's outputs on the hot path, written to the range file by value
 * and made into {@link Literal} messages only where something reads them as literals.
 */
public final class LiteralList extends AbstractList<Literal> implements RandomAccess, Serializable {
  private static final long serialVersionUID = 1L;

  // Each a Literal or a primitive value; never null. Not modified after construction.
  @SuppressWarnings("serial") // Literal and the four primitive types are all serializable
  private final Object[] values;

  private LiteralList(Object[] values) {
    this.values = values;
  }

  /**
   * The list of {@code values}, each a {@link Literal} or a primitive value; takes the array over
   * (the caller must not change it).
   *
   * @throws IllegalArgumentException for a value of another type
   */
  public static LiteralList wrap(Object[] values) {
    for (Object v : values) {
      if (!(v instanceof Literal) && PrimitiveLiterals.kindOf(v) == PrimitiveLiterals.LITERAL) {
        throw new IllegalArgumentException(
            "not a literal or a primitive value [" + (v == null ? "null" : v.getClass()) + "]");
      }
    }
    return new LiteralList(values);
  }

  /** As a literal list: itself when it is one, else a copy of {@code literals}. */
  public static List<Literal> copyOf(List<Literal> literals) {
    return literals instanceof LiteralList l ? l : List.copyOf(literals);
  }

  @Override
  public Literal get(int index) {
    Object v = values[index];
    return v instanceof Literal l ? l : PrimitiveLiterals.toLiteral(v);
  }

  /** The value at {@code index}: a {@link Literal} or a primitive value. */
  public Object value(int index) {
    return values[index];
  }

  @Override
  public int size() {
    return values.length;
  }
}
