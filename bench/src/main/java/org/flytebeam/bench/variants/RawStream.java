package org.flytebeam.bench.variants;

import java.util.stream.LongStream;

/**
 * The floor: a raw Java parallel stream over the indexes, outputs collected in order into an array,
 * a failing element caught and counted.
 *
 * <p>Arguments: {@code <workload> <n>}.
 */
public final class RawStream {
  // Below any output of the functions (square's and burn_cpu's are never negative).
  private static final long FAILED = Long.MIN_VALUE;

  private RawStream() {}

  public static void main(String[] args) {
    BenchFunction function = Checksums.function(args, 0);
    int n = Checksums.size(args, 1);
    long[] outputs =
        LongStream.range(0, n)
            .parallel()
            .map(
                x -> {
                  try {
                    return function.apply(x);
                  } catch (Exception e) {
                    return FAILED;
                  }
                })
            .toArray();
    long count = 0;
    long sum = 0;
    long failures = 0;
    for (long o : outputs) {
      if (o == FAILED) {
        failures++;
      } else {
        count++;
        sum += o;
      }
    }
    System.out.println(Checksums.outputs(count, sum));
    System.out.println(Checksums.failures(failures));
  }
}
