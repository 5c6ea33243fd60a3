/**
 * A map task as Apache Beam transforms: {@link org.flytebeam.beam.MapRunPlan} prepares a run,
 * {@link org.flytebeam.beam.MapTaskTransform} runs it in any pipeline, {@link
 * org.flytebeam.beam.MapResult} reads what it produced.
 */
package org.flytebeam.beam;
