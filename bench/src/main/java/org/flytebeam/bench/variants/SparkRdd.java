package org.flytebeam.bench.variants;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.Function;

/**
 * What a Spark user writes: {@code parallelize -> map -> collect} on {@code local[2]}, then count
 * and sum the outputs in the driver (they come back in index order, as flyte-beam's do).
 *
 * <p>Arguments: {@code <workload> <n>}. A failing element would fail the job: plain Spark has no
 * failures-as-data, so the failure count is always 0 when the job succeeds.
 */
public final class SparkRdd {
  private SparkRdd() {}

  public static void main(String[] args) {
    BenchFunction function = Checksums.function(args, 0);
    int n = Checksums.size(args, 1);
    SparkConf conf = new SparkConf().setMaster("local[2]").setAppName("spark-rdd");
    try (JavaSparkContext sc = new JavaSparkContext(conf)) {
      List<Long> elements = new ArrayList<>(n);
      for (long i = 0; i < n; i++) {
        elements.add(i);
      }
      List<Long> outputs = sc.parallelize(elements).map(new ApplyFn(function)).collect();
      long sum = 0;
      for (long o : outputs) {
        sum += o;
      }
      System.out.println(Checksums.outputs(outputs.size(), sum));
      System.out.println(Checksums.failures(0));
    }
  }

  static final class ApplyFn implements Function<Long, Long> {
    private static final long serialVersionUID = 1L;
    private final BenchFunction function;

    ApplyFn(BenchFunction function) {
      this.function = function;
    }

    @Override
    public Long call(Long x) throws Exception {
      return function.apply(x);
    }
  }
}
