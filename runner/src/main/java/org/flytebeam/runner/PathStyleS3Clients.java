package org.flytebeam.runner;

import java.util.Optional;
import org.apache.beam.sdk.io.aws2.options.S3ClientBuilderFactory;
import org.apache.beam.sdk.io.aws2.options.S3Options;
import org.apache.beam.sdk.io.aws2.s3.DefaultS3ClientBuilderFactory;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;
import software.amazon.awssdk.services.s3.S3ClientBuilder;

/**
 * Beam's S3 clients ({@code --s3ClientFactoryClass}), with path-style addressing ({@code
 * http://HOST/BUCKET/KEY}) when an endpoint is given: S3-compatible stores serve buckets so, not as
 * host names. Set by {@code --s3-endpoint}; Beam instantiates it by name on every worker.
 */
public final class PathStyleS3Clients implements S3ClientBuilderFactory {
  @Override
  public S3ClientBuilder createBuilder(S3Options options) {
    S3ClientBuilder builder = new DefaultS3ClientBuilderFactory().createBuilder(options);
    if (options.getEndpoint() != null) {
      builder.forcePathStyle(true);
    }
    return builder;
  }

  /** The region the AWS SDK finds by itself (AWS_REGION, aws.region, the profile), if any. */
  static Optional<String> sdkRegion() {
    try {
      return Optional.ofNullable(new DefaultAwsRegionProviderChain().getRegion()).map(r -> r.id());
    } catch (SdkClientException e) {
      return Optional.empty();
    }
  }
}
