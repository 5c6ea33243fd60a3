package org.flytebeam.bench.variants;

import java.util.ArrayList;
import java.util.List;
import org.apache.beam.runners.direct.DirectOptions;
import org.apache.beam.runners.direct.DirectRunner;
import org.apache.beam.runners.spark.SparkPipelineOptions;
import org.apache.beam.runners.spark.SparkRunner;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.CoderRegistry;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.transforms.Combine;
import org.apache.beam.sdk.transforms.Count;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.InferableFunction;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.ProcessFunction;
import org.apache.beam.sdk.transforms.WithFailures;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.TypeDescriptors;

/**
 * What a Beam user writes to map a function with failures as data: {@code Create.of(ints)} ->
 * {@code MapElements.via(f).exceptionsVia(...)} -> count and sum the outputs, count the failures,
 * print them.
 *
 * <p>Arguments: {@code direct|direct-noenforce|spark <workload> <n>}. {@code direct} is the
 * DirectRunner with its defaults; {@code direct-noenforce} turns off {@code enforceImmutability}
 * and {@code enforceEncodability}; {@code spark} is the SparkRunner on {@code local[2]}.
 */
public final class PlainBeam {
  private PlainBeam() {}

  public static void main(String[] args) {
    String mode = args.length > 0 ? args[0] : "";
    BenchFunction function = Checksums.function(args, 1);
    int n = Checksums.size(args, 2);

    Pipeline pipeline = Pipeline.create(options(mode));
    List<Long> elements = new ArrayList<>(n);
    for (long i = 0; i < n; i++) {
      elements.add(i);
    }
    WithFailures.Result<PCollection<Long>, String> mapped =
        pipeline
            .apply("CreateElements", Create.of(elements))
            .apply(
                "Map[" + function.taskName() + "]",
                MapElements.into(TypeDescriptors.longs())
                    .via(new ApplyFn(function))
                    .exceptionsVia(new FailureMessageFn()));
    mapped
        .output()
        .apply("CountSum", Combine.globally(new CountSumFn()))
        .apply("PrintOutputs", ParDo.of(new PrintOutputsFn()));
    mapped
        .failures()
        .apply("CountFailures", Count.globally())
        .apply("PrintFailures", ParDo.of(new PrintFailuresFn()));
    PipelineResult.State state = pipeline.run().waitUntilFinish();
    if (state != PipelineResult.State.DONE) {
      throw new IllegalStateException("pipeline ended in state " + state);
    }
  }

  static PipelineOptions options(String mode) {
    switch (mode) {
      case "direct":
        {
          DirectOptions direct = PipelineOptionsFactory.create().as(DirectOptions.class);
          direct.setRunner(DirectRunner.class);
          return direct;
        }
      case "direct-noenforce":
        {
          DirectOptions direct = PipelineOptionsFactory.create().as(DirectOptions.class);
          direct.setRunner(DirectRunner.class);
          direct.setEnforceImmutability(false);
          direct.setEnforceEncodability(false);
          return direct;
        }
      case "spark":
        {
          SparkPipelineOptions spark =
              PipelineOptionsFactory.create().as(SparkPipelineOptions.class);
          spark.setRunner(SparkRunner.class);
          spark.setSparkMaster("local[2]");
          spark.setAppName("beam-spark");
          return spark;
        }
      default:
        throw new IllegalArgumentException(
            "mode [" + mode + "] is unknown: use direct, direct-noenforce or spark");
    }
  }

  /** The user's function. */
  static final class ApplyFn implements ProcessFunction<Long, Long> {
    private static final long serialVersionUID = 1L;
    private final BenchFunction function;

    ApplyFn(BenchFunction function) {
      this.function = function;
    }

    @Override
    public Long apply(Long x) throws Exception {
      return function.apply(x);
    }
  }

  /** A failure as data: the exception's text. */
  static final class FailureMessageFn
      extends InferableFunction<WithFailures.ExceptionElement<Long>, String> {
    private static final long serialVersionUID = 1L;

    @Override
    public String apply(WithFailures.ExceptionElement<Long> failure) {
      return failure.exception().toString();
    }
  }

  /** Count and wrapping sum in one pass, as {@code KV(count, sum)}. */
  static final class CountSumFn extends Combine.CombineFn<Long, KV<Long, Long>, KV<Long, Long>> {
    private static final long serialVersionUID = 1L;

    @Override
    public KV<Long, Long> createAccumulator() {
      return KV.of(0L, 0L);
    }

    @Override
    public KV<Long, Long> addInput(KV<Long, Long> acc, Long x) {
      return KV.of(acc.getKey() + 1, acc.getValue() + x);
    }

    @Override
    public KV<Long, Long> mergeAccumulators(Iterable<KV<Long, Long>> accs) {
      long count = 0;
      long sum = 0;
      for (KV<Long, Long> acc : accs) {
        count += acc.getKey();
        sum += acc.getValue();
      }
      return KV.of(count, sum);
    }

    @Override
    public KV<Long, Long> extractOutput(KV<Long, Long> acc) {
      return acc;
    }

    @Override
    public Coder<KV<Long, Long>> getAccumulatorCoder(CoderRegistry registry, Coder<Long> input) {
      return KvCoder.of(VarLongCoder.of(), VarLongCoder.of());
    }

    @Override
    public Coder<KV<Long, Long>> getDefaultOutputCoder(CoderRegistry registry, Coder<Long> input) {
      return KvCoder.of(VarLongCoder.of(), VarLongCoder.of());
    }
  }

  static final class PrintOutputsFn extends DoFn<KV<Long, Long>, Void> {
    private static final long serialVersionUID = 1L;

    @ProcessElement
    public void processElement(@Element KV<Long, Long> countSum) {
      System.out.println(Checksums.outputs(countSum.getKey(), countSum.getValue()));
    }
  }

  static final class PrintFailuresFn extends DoFn<Long, Void> {
    private static final long serialVersionUID = 1L;

    @ProcessElement
    public void processElement(@Element Long failures) {
      System.out.println(Checksums.failures(failures));
    }
  }
}
