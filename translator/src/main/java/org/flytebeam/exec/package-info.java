/**
 * Running elements: inputs per element, attempts with retries and timeouts, fail-fast control, and
 * the per-range result files the driver reads back. Internal: no compatibility promise.
 */
package org.flytebeam.exec;
