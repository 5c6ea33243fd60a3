package org.flytebeam.bench;

import static java.util.Objects.requireNonNull;

/**
 * One whole-process run of one variant.
 *
 * @param workload the workload's name ({@code square}, {@code burn_cpu})
 * @param variant the variant
 * @param n the number of elements
 * @param run which run, from 1
 * @param wallSeconds JVM start to exit
 * @param peakRssBytes the process's peak resident set size
 * @param cpuSeconds the process's user + system CPU seconds
 * @param othersCores how many cores the rest of the machine kept busy meanwhile (NaN: unknown)
 * @param checksum what it computed
 */
public record Measurement(
    String workload,
    Variant variant,
    int n,
    int run,
    double wallSeconds,
    long peakRssBytes,
    double cpuSeconds,
    double othersCores,
    Checksum checksum) {
  public Measurement {
    requireNonNull(workload, "workload");
    requireNonNull(variant, "variant");
    requireNonNull(checksum, "checksum");
  }

  /** Run {@code run} of {@code variant} on {@code n} elements, from its process's figures. */
  static Measurement of(
      String workload,
      Variant variant,
      int n,
      int run,
      ProcessTimer.Timed timed,
      Checksum checksum) {
    return new Measurement(
        workload,
        variant,
        n,
        run,
        timed.wallSeconds(),
        timed.peakRssBytes(),
        timed.cpuSeconds(),
        timed.othersCores(),
        checksum);
  }
}
