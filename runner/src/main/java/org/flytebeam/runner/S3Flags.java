package org.flytebeam.runner;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.flytebeam.InvalidDefinitionException;
import picocli.CommandLine.Option;

/**
 * {@code --s3-endpoint} and {@code --s3-region}, shared by the commands that read or write files:
 * they become Beam's own AWS options ({@code --endpoint}, {@code --awsRegion}, {@code
 * --s3ClientFactoryClass}), so they travel in the pipeline options to every worker. No AWS class is
 * loaded here unless an endpoint is given.
 */
final class S3Flags {
  /** The region an endpoint gets when none is given anywhere: S3-compatible stores ignore it. */
  static final String DEFAULT_REGION = "us-east-1";

  @Option(
      names = "--s3-endpoint",
      paramLabel = "URL",
      description =
          "The endpoint of an S3-compatible store (MinIO, Ceph, s3proxy...), e.g."
              + " http://127.0.0.1:9000: s3:// paths go there, with path-style addressing."
              + " Credentials come from the usual AWS chain (AWS_ACCESS_KEY_ID and"
              + " AWS_SECRET_ACCESS_KEY, AWS_PROFILE, ~/.aws). Beam's -- --endpoint=URL says the"
              + " same.")
  String endpoint;

  @Option(
      names = "--s3-region",
      paramLabel = "REGION",
      description =
          "The AWS region of s3:// paths, e.g. eu-west-1. Default: AWS_REGION or the profile's;"
              + " with --s3-endpoint and no region anywhere, "
              + DEFAULT_REGION
              + ". Beam's -- --awsRegion=REGION says the same.")
  String region;

  /**
   * {@code beamArgs} with the S3 settings these options say, refusing a Beam option that
   * contradicts them.
   */
  List<String> apply(List<String> beamArgs) {
    Optional<String> beamEndpoint = beamOption(beamArgs, "endpoint");
    Optional<String> beamRegion = beamOption(beamArgs, "awsRegion");
    List<String> args = new ArrayList<>(beamArgs);
    if (endpoint != null) {
      checkEndpoint(endpoint, "--s3-endpoint");
      if (beamEndpoint.isPresent() && !sameEndpoint(beamEndpoint.get(), endpoint)) {
        throw new InvalidDefinitionException(
            String.format(
                "Beam option [--endpoint=%s] contradicts --s3-endpoint [%s]: give the endpoint"
                    + " once",
                beamEndpoint.get(), endpoint));
      }
      if (beamEndpoint.isEmpty()) {
        args.add("--endpoint=" + endpoint);
      }
    } else if (beamEndpoint.isPresent()) {
      checkEndpoint(beamEndpoint.get(), "Beam option --endpoint");
    }
    if (region != null) {
      checkRegion(region);
      if (beamRegion.isPresent() && !beamRegion.get().equals(region)) {
        throw new InvalidDefinitionException(
            String.format(
                "Beam option [--awsRegion=%s] contradicts --s3-region [%s]: give the region once",
                beamRegion.get(), region));
      }
      if (beamRegion.isEmpty()) {
        args.add("--awsRegion=" + region);
      }
    }
    boolean anyEndpoint = endpoint != null || beamEndpoint.isPresent();
    if (anyEndpoint) {
      if (region == null && beamRegion.isEmpty() && !regionFromEnvironment()) {
        args.add("--awsRegion=" + DEFAULT_REGION);
      }
      // Path-style addressing (http://HOST/BUCKET/KEY): what S3-compatible stores serve. A factory
      // of the user's own wins.
      if (beamOption(beamArgs, "s3ClientFactoryClass").isEmpty()) {
        args.add("--s3ClientFactoryClass=" + PathStyleS3Clients.class.getName());
      }
    }
    return args;
  }

  /** Whether these options name any S3 setting. */
  boolean given() {
    return endpoint != null || region != null;
  }

  private static void checkEndpoint(String url, String option) {
    String problem;
    try {
      URI uri = new URI(url);
      String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
      if (!scheme.equals("http") && !scheme.equals("https")) {
        problem = "its scheme must be http or https";
      } else if (uri.getHost() == null || uri.getHost().isEmpty()) {
        problem = "it names no host";
      } else if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
        problem = "it must not have a query or fragment";
      } else if (uri.getRawUserInfo() != null) {
        problem = "credentials do not belong in it (use AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY)";
      } else {
        return;
      }
    } catch (URISyntaxException e) {
      problem = "it is not a URL (" + e.getReason() + ")";
    }
    throw new InvalidDefinitionException(
        String.format(
            "%s [%s] is not a valid endpoint: %s; give http(s)://HOST[:PORT], e.g."
                + " http://127.0.0.1:9000",
            option, url, problem));
  }

  private static void checkRegion(String name) {
    if (!name.matches("[a-z0-9][a-z0-9-]*")) {
      throw new InvalidDefinitionException(
          "--s3-region ["
              + name
              + "] is not a region name: give one such as us-east-1 or eu-west-1");
    }
  }

  private static boolean sameEndpoint(String a, String b) {
    return stripSlash(a).equalsIgnoreCase(stripSlash(b));
  }

  private static String stripSlash(String s) {
    return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
  }

  /**
   * Whether the AWS SDK finds a region of its own (environment, system property, profile), asked
   * only when an endpoint is given.
   */
  private static boolean regionFromEnvironment() {
    return PathStyleS3Clients.sdkRegion().isPresent();
  }

  /** The value of Beam option {@code --name=value} among {@code args}, the name in any case. */
  static Optional<String> beamOption(List<String> args, String name) {
    String prefix = "--" + name + "=";
    Optional<String> found = Optional.empty();
    for (String arg : args) {
      if (arg.regionMatches(true, 0, prefix, 0, prefix.length())) {
        found = Optional.of(arg.substring(prefix.length()));
      }
    }
    return found;
  }
}
