package org.flytebeam.bench.variants;

/** The checksum lines every variant prints on stdout, and the harness parses. */
public final class Checksums {
  private Checksums() {}

  /** {@code checksum count=N sum=S}: how many outputs, and their sum (wrapping). */
  public static String outputs(long count, long sum) {
    return "checksum count=" + count + " sum=" + sum;
  }

  /** {@code checksum failures=F}: how many elements failed. */
  public static String failures(long failures) {
    return "checksum failures=" + failures;
  }

  /** Parses {@code <workload> <n>} from the end of a variant's arguments. */
  static BenchFunction function(String[] args, int index) {
    requireArgs(args, index + 2);
    return BenchFunction.of(args[index]);
  }

  static int size(String[] args, int index) {
    requireArgs(args, index + 1);
    return Integer.parseInt(args[index]);
  }

  private static void requireArgs(String[] args, int count) {
    if (args.length < count) {
      throw new IllegalArgumentException(
          "expected arguments [..., workload, n], got " + String.join(" ", args));
    }
  }
}
