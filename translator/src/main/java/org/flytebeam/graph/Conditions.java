package org.flytebeam.graph;

import flyteidl.core.Condition.BooleanExpression;
import flyteidl.core.Condition.ComparisonExpression;
import flyteidl.core.Condition.ConjunctionExpression;
import flyteidl.core.Condition.Operand;
import flyteidl.core.Literals.Literal;
import flyteidl.core.Literals.Primitive;
import flyteidl.core.Literals.Scalar;
import java.util.Optional;

/**
 * Evaluates a branch node's condition as flytepropeller does: comparisons of primitives, scalars
 * and promised values, conjunctions and disjunctions.
 *
 * <p>Operands: a {@code primitive}, a {@code scalar} (flytekit writes {@code is_none} checks as a
 * scalar {@code none}), or a {@code var}. flytekit names a var {@code "<node_id>.<output>"} (the
 * branch node's input bound to that promise; a workflow input has the empty node id, so {@code
 * ".x"}); a var without a dot is read as a workflow input. Only primitives and none compare: none
 * equals none only, and ordering with none is an error; the two primitives must be of one kind;
 * booleans compare for equality only; datetimes and durations by whole seconds, as propeller does.
 * Both sides of a conjunction are evaluated (an error on either side fails), as propeller does.
 */
public final class Conditions {
  private Conditions() {}

  /** Deeper expressions than this are refused. */
  static final int MAX_DEPTH = 1_000;

  /**
   * Whether {@code expression} holds, its variables read from {@code promises}.
   *
   * @throws BindingException when an operand has no value or two operands cannot be compared
   */
  public static boolean evaluate(BooleanExpression expression, Promises promises) {
    return evaluate(expression, promises, 0);
  }

  private static boolean evaluate(BooleanExpression expression, Promises promises, int depth) {
    if (depth > MAX_DEPTH) {
      throw new BindingException("branch condition nested deeper than " + MAX_DEPTH + " levels");
    }
    switch (expression.getExprCase()) {
      case COMPARISON:
        return compare(expression.getComparison(), promises);
      case CONJUNCTION:
        {
          ConjunctionExpression c = expression.getConjunction();
          boolean left = evaluate(c.getLeftExpression(), promises, depth + 1);
          boolean right = evaluate(c.getRightExpression(), promises, depth + 1);
          switch (c.getOperator()) {
            case AND:
              return left && right;
            case OR:
              return left || right;
            default:
              throw new BindingException(
                  "unsupported logical operator [" + c.getOperator() + "] in a branch condition");
          }
        }
      case EXPR_NOT_SET:
        throw new BindingException("branch condition has neither a comparison nor a conjunction");
      default:
        throw new AssertionError(expression.getExprCase());
    }
  }

  private static boolean compare(ComparisonExpression expr, Promises promises) {
    Primitive left = operand(expr.getLeftValue(), "left", promises);
    Primitive right = operand(expr.getRightValue(), "right", promises);
    return compare(left, right, expr.getOperator());
  }

  /** The operand's primitive, or null for none. */
  @SuppressWarnings("deprecation") // flytekit's older definitions still write primitive operands
  private static Primitive operand(Operand operand, String side, Promises promises) {
    switch (operand.getValCase()) {
      case PRIMITIVE:
        return operand.getPrimitive();
      case SCALAR:
        return primitiveOf(operand.getScalar(), "the " + side + " operand");
      case VAR:
        {
          Literal value = variable(operand.getVar(), promises);
          if (!value.hasScalar()) {
            throw new BindingException(
                String.format(
                    "only primitives can be compared: the %s variable [%s] is not a primitive",
                    side, operand.getVar()));
          }
          return primitiveOf(
              value.getScalar(), "the " + side + " variable [" + operand.getVar() + "]");
        }
      case VAL_NOT_SET:
        throw new BindingException("the " + side + " operand of a comparison has no value");
      default:
        throw new AssertionError(operand.getValCase());
    }
  }

  private static Primitive primitiveOf(Scalar scalar, String what) {
    Scalar s = scalar;
    // a value bound through an optional input arrives wrapped in a union
    int unions = 0;
    while (s.hasUnion() && s.getUnion().getValue().hasScalar() && unions++ < MAX_DEPTH) {
      s = s.getUnion().getValue().getScalar();
    }
    if (s.hasPrimitive()) {
      return s.getPrimitive();
    }
    if (s.hasNoneType()) {
      return null;
    }
    throw new BindingException("only primitives can be compared: " + what + " is not a primitive");
  }

  /** The value of a condition's variable, as flytekit names it. */
  public static Literal variable(String name, Promises promises) {
    int dot = name.indexOf('.');
    String node = dot < 0 ? "" : name.substring(0, dot);
    String var = dot < 0 ? name : name.substring(dot + 1);
    Optional<Literal> value = promises.output(node, var);
    if (value.isEmpty()) {
      throw new BindingException("failed to find a value for the branch variable [" + name + "]");
    }
    return value.get();
  }

  /** Propeller's comparison of two primitives, null standing for none. */
  static boolean compare(Primitive left, Primitive right, ComparisonExpression.Operator op) {
    if (left == null || right == null) {
      switch (op) {
        case EQ:
          return left == null && right == null; // one is none: equal only if both are
        case NEQ:
          return !(left == null && right == null);
        default:
          throw new BindingException(
              String.format(
                  "comparison between none and a value with operator [%s] is not supported:"
                      + " left [%s], right [%s]",
                  op, show(left), show(right)));
      }
    }
    if (left.getValueCase() != right.getValueCase()) {
      throw new BindingException(
          String.format(
              "comparison between different primitive types: left [%s], right [%s]",
              kind(left), kind(right)));
    }
    int order;
    switch (left.getValueCase()) {
      case INTEGER:
        order = Long.compare(left.getInteger(), right.getInteger());
        break;
      case FLOAT_VALUE:
        {
          double l = left.getFloatValue();
          double r = right.getFloatValue();
          // Go's float comparisons: NaN is neither equal, greater nor less
          if (Double.isNaN(l) || Double.isNaN(r)) {
            return nanCompare(op);
          }
          order = l == r ? 0 : (l > r ? 1 : -1);
          break;
        }
      case STRING_VALUE:
        order = compareUtf8(left.getStringValue(), right.getStringValue());
        break;
      case DATETIME:
        order = Long.compare(left.getDatetime().getSeconds(), right.getDatetime().getSeconds());
        break;
      case DURATION:
        order = Long.compare(left.getDuration().getSeconds(), right.getDuration().getSeconds());
        break;
      case BOOLEAN:
        switch (op) {
          case EQ:
            return left.getBoolean() == right.getBoolean();
          case NEQ:
            return left.getBoolean() != right.getBoolean();
          default:
            throw new BindingException("[" + op + "] not defined for boolean operands");
        }
      case VALUE_NOT_SET:
        throw new BindingException("comparator not defined for a primitive with no value");
      default:
        throw new AssertionError(left.getValueCase());
    }
    switch (op) {
      case EQ:
        return order == 0;
      case NEQ:
        return order != 0;
      case GT:
        return order > 0;
      case GTE:
        return order >= 0;
      case LT:
        return order < 0;
      case LTE:
        return order <= 0;
      default:
        throw new BindingException("unsupported comparison operator [" + op + "]");
    }
  }

  private static boolean nanCompare(ComparisonExpression.Operator op) {
    // propeller: GTE = eq || gt, LT = !(gt || eq), LTE = !gt, NEQ = !eq
    switch (op) {
      case EQ:
      case GT:
      case GTE:
        return false;
      case NEQ:
      case LT:
      case LTE:
        return true;
      default:
        throw new BindingException("unsupported comparison operator [" + op + "]");
    }
  }

  /** Go compares strings by their bytes, which for UTF-8 is by code point. */
  private static int compareUtf8(String a, String b) {
    int i = 0;
    int j = 0;
    while (i < a.length() && j < b.length()) {
      int ca = a.codePointAt(i);
      int cb = b.codePointAt(j);
      if (ca != cb) {
        return Integer.compare(ca, cb);
      }
      i += Character.charCount(ca);
      j += Character.charCount(cb);
    }
    return Boolean.compare(i < a.length(), j < b.length());
  }

  private static String kind(Primitive p) {
    return p.getValueCase().toString().toLowerCase(java.util.Locale.ROOT);
  }

  private static String show(Primitive p) {
    return p == null ? "none" : kind(p);
  }
}
