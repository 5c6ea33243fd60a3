package org.flytebeam.runner;

import java.util.List;
import org.apache.beam.sdk.io.aws2.options.S3Options;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.options.PipelineOptionsRegistrar;

/**
 * Registers Beam's {@link S3Options} ({@code --s3ClientFactoryClass}, {@code --s3StorageClass},
 * {@code --SSEAlgorithm}, ...), which Beam's AWS module does not register itself, so that they
 * parse as command-line options after {@code --} and as {@code --s3-endpoint} sets them.
 */
public final class S3OptionsRegistrar implements PipelineOptionsRegistrar {
  @Override
  public Iterable<Class<? extends PipelineOptions>> getPipelineOptions() {
    return List.of(S3Options.class);
  }
}
