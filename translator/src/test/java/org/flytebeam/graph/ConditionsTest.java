package org.flytebeam.graph;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import flyteidl.core.Condition.BooleanExpression;
import flyteidl.core.Condition.ComparisonExpression;
import flyteidl.core.Condition.ComparisonExpression.Operator;
import flyteidl.core.Condition.ConjunctionExpression;
import flyteidl.core.Condition.ConjunctionExpression.LogicalOperator;
import flyteidl.core.Condition.Operand;
import flyteidl.core.Literals.Literal;
import flyteidl.core.Literals.Scalar;
import flyteidl.core.Literals.Void;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.flytebeam.types.Literals;
import org.junit.jupiter.api.Test;

class ConditionsTest {

  private static final Map<String, Literal> VALUES =
      Map.of(
          "n0.o0", Literals.of(5),
          ".x", Literals.of("b"),
          "n1.o0", Literals.none(),
          "n2.o0", Literals.collection(List.of()),
          "n3.o0", Literals.of(true));

  private static final Promises PROMISES =
      (node, var) -> Optional.ofNullable(VALUES.get(node + "." + var));

  private static Operand var(String name) {
    return Operand.newBuilder().setVar(name).build();
  }

  private static Operand lit(Literal literal) {
    return Operand.newBuilder().setScalar(literal.getScalar()).build();
  }

  private static Operand none() {
    return Operand.newBuilder()
        .setScalar(Scalar.newBuilder().setNoneType(Void.getDefaultInstance()))
        .build();
  }

  private static BooleanExpression cmp(Operand l, Operator op, Operand r) {
    return BooleanExpression.newBuilder()
        .setComparison(
            ComparisonExpression.newBuilder().setLeftValue(l).setOperator(op).setRightValue(r))
        .build();
  }

  private static BooleanExpression conj(
      BooleanExpression l, LogicalOperator op, BooleanExpression r) {
    return BooleanExpression.newBuilder()
        .setConjunction(
            ConjunctionExpression.newBuilder()
                .setLeftExpression(l)
                .setOperator(op)
                .setRightExpression(r))
        .build();
  }

  private static boolean eval(BooleanExpression e) {
    return Conditions.evaluate(e, PROMISES);
  }

  @Test
  void shouldCompareIntegersWithEveryOperator() {
    Operand five = var("n0.o0");
    Operand three = lit(Literals.of(3));
    assertThat(eval(cmp(five, Operator.GT, three))).isTrue();
    assertThat(eval(cmp(five, Operator.GTE, three))).isTrue();
    assertThat(eval(cmp(five, Operator.LT, three))).isFalse();
    assertThat(eval(cmp(five, Operator.LTE, three))).isFalse();
    assertThat(eval(cmp(five, Operator.EQ, three))).isFalse();
    assertThat(eval(cmp(five, Operator.NEQ, three))).isTrue();
    assertThat(eval(cmp(five, Operator.EQ, lit(Literals.of(5))))).isTrue();
    assertThat(eval(cmp(five, Operator.LTE, lit(Literals.of(5))))).isTrue();
    assertThat(eval(cmp(five, Operator.GTE, lit(Literals.of(5))))).isTrue();
  }

  @Test
  void shouldReadWorkflowInputsWithOrWithoutTheLeadingDot() {
    Promises inputs =
        (node, var) ->
            node.isEmpty() && var.equals("x") ? Optional.of(Literals.of("b")) : Optional.empty();
    assertThat(Conditions.evaluate(cmp(var(".x"), Operator.EQ, lit(Literals.of("b"))), inputs))
        .isTrue();
    assertThat(Conditions.evaluate(cmp(var("x"), Operator.GT, lit(Literals.of("a"))), inputs))
        .isTrue();
  }

  @Test
  void shouldCompareStringsFloatsAndDatetimes() {
    assertThat(eval(cmp(lit(Literals.of("abc")), Operator.LT, lit(Literals.of("abd"))))).isTrue();
    assertThat(eval(cmp(lit(Literals.of(0.5)), Operator.GT, lit(Literals.of(0.25))))).isTrue();
    assertThat(eval(cmp(lit(Literals.of(Double.NaN)), Operator.EQ, lit(Literals.of(Double.NaN)))))
        .isFalse();
    // datetimes compare by whole seconds, as propeller does
    Instant t = Instant.parse("2024-01-01T00:00:00Z");
    assertThat(eval(cmp(lit(Literals.of(t)), Operator.EQ, lit(Literals.of(t.plusMillis(500))))))
        .isTrue();
  }

  @Test
  void shouldCheckNone() {
    assertThat(eval(cmp(var("n1.o0"), Operator.EQ, none()))).isTrue();
    assertThat(eval(cmp(var("n0.o0"), Operator.EQ, none()))).isFalse();
    assertThat(eval(cmp(var("n0.o0"), Operator.NEQ, none()))).isTrue();
    assertThatThrownBy(() -> eval(cmp(var("n0.o0"), Operator.GT, none())))
        .isInstanceOf(BindingException.class)
        .hasMessageContaining("operator [GT] is not supported");
  }

  @Test
  void shouldReportTypeMismatchesAsPropellerDoes() {
    assertThatThrownBy(() -> eval(cmp(var("n0.o0"), Operator.EQ, lit(Literals.of("5")))))
        .isInstanceOf(BindingException.class)
        .hasMessageContaining("different primitive types")
        .hasMessageContaining("integer")
        .hasMessageContaining("string_value");
    assertThatThrownBy(() -> eval(cmp(var("n2.o0"), Operator.EQ, lit(Literals.of(1)))))
        .hasMessageContaining("only primitives can be compared")
        .hasMessageContaining("[n2.o0]");
    assertThatThrownBy(() -> eval(cmp(var("n3.o0"), Operator.GT, lit(Literals.of(false)))))
        .hasMessageContaining("[GT] not defined for boolean operands");
    assertThat(eval(cmp(var("n3.o0"), Operator.EQ, lit(Literals.of(true))))).isTrue();
    assertThatThrownBy(() -> eval(cmp(var("n7.o0"), Operator.EQ, lit(Literals.of(1)))))
        .hasMessageContaining("failed to find a value for the branch variable [n7.o0]");
  }

  @Test
  void shouldCombineWithAndOr() {
    BooleanExpression t = cmp(var("n0.o0"), Operator.EQ, lit(Literals.of(5)));
    BooleanExpression f = cmp(var("n0.o0"), Operator.EQ, lit(Literals.of(6)));
    assertThat(eval(conj(t, LogicalOperator.AND, f))).isFalse();
    assertThat(eval(conj(t, LogicalOperator.AND, t))).isTrue();
    assertThat(eval(conj(f, LogicalOperator.OR, t))).isTrue();
    assertThat(eval(conj(f, LogicalOperator.OR, f))).isFalse();
    // both sides are evaluated: an error on the right fails even when the left decides
    BooleanExpression bad = cmp(var("n9.o0"), Operator.EQ, lit(Literals.of(1)));
    assertThatThrownBy(() -> eval(conj(t, LogicalOperator.OR, bad)))
        .isInstanceOf(BindingException.class);
  }

  @Test
  void shouldRefuseEmptyAndHostilyDeepExpressions() {
    assertThatThrownBy(() -> eval(BooleanExpression.getDefaultInstance()))
        .hasMessageContaining("neither a comparison nor a conjunction");
    BooleanExpression e = cmp(var("n0.o0"), Operator.EQ, lit(Literals.of(5)));
    for (int i = 0; i < 2_000; i++) {
      e = conj(e, LogicalOperator.AND, e);
    }
    BooleanExpression deep = e;
    assertThatThrownBy(() -> eval(deep)).hasMessageContaining("deeper than");
  }
}
