package org.flytebeam.runner;

import java.util.Locale;
import java.util.Optional;

/**
 * Failures of the AWS SDK (under Beam's S3 file system) as one line that names the likely fix, not
 * a stack trace. Recognised by class name, so that no AWS class is loaded to check.
 */
final class S3Errors {
  private static final String AWS_PACKAGE = "software.amazon.awssdk.";

  private S3Errors() {}

  /**
   * What went wrong reaching {@code path} (or s3 in general when it is null) and what to check,
   * when {@code e} or one of its causes is an AWS SDK exception.
   */
  static Optional<String> describe(Throwable e, String path) {
    Throwable aws = null;
    for (Throwable t = e; t != null && aws == null; t = t.getCause() == t ? null : t.getCause()) {
      if (t.getClass().getName().startsWith(AWS_PACKAGE)) {
        aws = t;
      }
    }
    if (aws == null) {
      return Optional.empty();
    }
    String message = aws.getMessage() == null ? aws.getClass().getSimpleName() : aws.getMessage();
    message = message.lines().findFirst().orElse("");
    return Optional.of(
        (path == null ? "s3" : "[" + path + "]")
            + " cannot be reached: "
            + message
            + ": "
            + fix(aws, message));
  }

  private static String fix(Throwable aws, String message) {
    String m = message.toLowerCase(Locale.ROOT);
    StringBuilder chain = new StringBuilder();
    for (Throwable c = aws; c != null; c = c.getCause() == c ? null : c.getCause()) {
      chain.append(' ').append(c);
    }
    String all = chain.toString().toLowerCase(Locale.ROOT);
    boolean answered = m.contains("status code");
    if (!answered && m.contains("credentials")) {
      return "give credentials (AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or AWS_PROFILE)";
    }
    if (!answered && m.contains("region")) {
      return "give the region with --s3-region (or AWS_REGION)";
    }
    if (m.contains("nosuchbucket") || m.contains("bucket does not exist")) {
      return "check the bucket name, or create the bucket";
    }
    if (m.contains("status code: 403")
        || m.contains("access denied")
        || m.contains("invalidaccesskeyid")
        || m.contains("signaturedoesnotmatch")) {
      return "check the credentials (AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or AWS_PROFILE)"
          + " and that they may use this bucket";
    }
    if (all.contains("connect")
        || all.contains("unknownhost")
        || all.contains("unable to execute")
        || all.contains("timed out")) {
      return "check that the store is up and reachable at its endpoint (--s3-endpoint for an"
          + " S3-compatible store)";
    }
    return "check the path, --s3-endpoint, --s3-region and the credentials";
  }
}
