package org.flytebeam.bench.variants;

import flyteidl.core.Literals.Literal;
import flyteidl.core.Literals.LiteralMap;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.flytebeam.beam.MapResult;
import org.flytebeam.examples.SayHello;
import org.flytebeam.runner.FlyteBeam;
import org.flytebeam.runner.RunOptions;
import org.flytebeam.spec.MapTask;
import org.flytebeam.spec.MapTaskSpec;
import org.flytebeam.types.Literals;

/**
 * The Java-API line's JVM: what a user's JUnit test does, {@code FlyteBeam.run} for a small map of
 * {@code say_hello} on the DirectRunner with the default options, called {@code calls} times in one
 * JVM. Each call's outputs are checked ({@code o0 = ["hello <name>!", ...]}, success) and its run
 * folder removed after its timing; a wrong call exits 1.
 *
 * <p>Arguments: {@code <calls> <first counted> <n>}. Prints each call's milliseconds, then {@code
 * median_ms=<m>}: the median of calls {@code first counted} to {@code calls} (from 1), those before
 * being the JVM's warm-up.
 */
public final class JavaApiCalls {
  private JavaApiCalls() {}

  /** The line this main prints its figure on, which the bench reads. */
  public static final String MEDIAN_PREFIX = "median_ms=";

  public static void main(String[] args) {
    if (args.length != 3) {
      System.err.println("error: give <calls> <first counted call> <elements>, such as 25 6 2");
      System.exit(2);
      return;
    }
    int calls;
    int first;
    int n;
    try {
      calls = Integer.parseInt(args[0]);
      first = Integer.parseInt(args[1]);
      n = Integer.parseInt(args[2]);
    } catch (NumberFormatException e) {
      System.err.println("error: <calls> <first counted call> <elements> must be whole numbers");
      System.exit(2);
      return;
    }
    if (n < 1 || first < 1 || first > calls) {
      System.err.println("error: need elements >= 1 and 1 <= first counted call <= calls");
      System.exit(2);
      return;
    }
    MapTaskSpec spec = MapTask.of(new SayHello()).build();
    List<Literal> names = new ArrayList<>();
    List<String> expected = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      String name = "planet" + i;
      names.add(Literals.of(name));
      expected.add("hello " + name + "!");
    }
    LiteralMap inputs =
        LiteralMap.newBuilder().putLiterals("name", Literals.collection(names)).build();
    double[] millis = new double[calls];
    for (int call = 1; call <= calls; call++) {
      long start = System.nanoTime();
      MapResult result = FlyteBeam.run(spec, inputs, RunOptions.defaults());
      LiteralMap outputs = result.outputs();
      millis[call - 1] = (System.nanoTime() - start) / 1e6;
      String problem = problem(result, outputs, expected);
      FlyteBeam.deleteLocalFolder(result.plan().workDir());
      if (problem != null) {
        System.err.println("error: call " + call + ": " + problem);
        System.exit(1);
        return;
      }
      System.out.printf(Locale.ROOT, "call %d: %.1f ms%n", call, millis[call - 1]);
    }
    double[] counted = Arrays.copyOfRange(millis, first - 1, calls);
    Arrays.sort(counted);
    int mid = counted.length / 2;
    double median = counted.length % 2 == 1 ? counted[mid] : (counted[mid - 1] + counted[mid]) / 2;
    System.out.printf(Locale.ROOT, "%s%.3f%n", MEDIAN_PREFIX, median);
  }

  /** What is wrong with a call's result, or null. */
  private static String problem(MapResult result, LiteralMap outputs, List<String> expected) {
    if (!result.success()) {
      return "the map failed: " + result.verdict().errors().format();
    }
    Literal o0 = outputs.getLiteralsMap().get("o0");
    if (o0 == null || !o0.hasCollection()) {
      return "no o0 list in the outputs " + outputs.getLiteralsMap().keySet();
    }
    List<String> got = new ArrayList<>();
    for (Literal l : o0.getCollection().getLiteralsList()) {
      got.add(l.getScalar().getPrimitive().getStringValue());
    }
    return got.equals(expected) ? null : "o0 is " + got + " but must be " + expected;
  }
}
