package org.flytebeam.types;

import static java.util.Objects.requireNonNull;

/**
 * The Java value of a Flyte blob (a file or, when {@code multipart}, a directory): where it is and
 * its format. The data itself is not read; tasks open the URI themselves.
 *
 * <pre>{@code
 * Blob report = new Blob("s3://bucket/reports/1.csv", "csv", false);
 * }</pre>
 *
 * @param uri where the data is, e.g. {@code s3://bucket/key} or {@code file:///tmp/x}; not blank
 * @param format the blob format, e.g. {@code csv}; empty means any format
 * @param multipart whether the blob is a directory of parts rather than a single file
 */
public record Blob(String uri, String format, boolean multipart) {
  /** Checks that the URI is not blank. */
  public Blob {
    requireNonNull(uri, "uri");
    requireNonNull(format, "format");
    if (uri.isBlank()) {
      throw new IllegalArgumentException(
          "blob uri [" + uri + "] must not be blank; give where the data is, e.g. s3://bucket/key");
    }
  }

  /** A single-file blob of any format. */
  public static Blob of(String uri) {
    return new Blob(uri, "", false);
  }
}
