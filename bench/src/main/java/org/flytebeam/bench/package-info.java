/**
 * The benchmark harness: maps the same Java function over the same inputs with the flyte-beam CLI
 * and with what users would write instead, each variant timed as a whole process, and reports fixed
 * and marginal costs, peak RSS, ratios and budget lines. Run it with {@code ./bench/run}.
 */
package org.flytebeam.bench;
