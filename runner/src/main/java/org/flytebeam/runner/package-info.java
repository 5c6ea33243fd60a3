/**
 * Running a map task on a Beam runner: the Java API ({@link org.flytebeam.runner.FlyteBeam#run}),
 * the runner choice ({@link org.flytebeam.runner.RunnerKind}: the DirectRunner or Spark), and the
 * {@code flyte-beam} command line ({@link org.flytebeam.runner.Main}: {@code run}, {@code
 * describe}, {@code execute}) with its exit codes ({@link org.flytebeam.runner.ExitCode}),
 * progress, and run reports.
 */
package org.flytebeam.runner;
