/**
 * Running elements: inputs per element, attempts with retries and timeouts, fail-fast control, and
 * the per-range result files the driver reads back, and the per-range output shards of an outputs
 * folder ({@link org.flytebeam.exec.OutputShards}). A Java task runs in-process ({@link
 * org.flytebeam.exec.JavaTaskInvoker}); any other task with a container runs as a local process per
 * attempt under Flyte's container contract ({@link org.flytebeam.exec.ContainerInvoker}). Internal:
 * no compatibility promise.
 */
package org.flytebeam.exec;
