/**
 * The model of what a Flyte user holds, apart from the files it came in: a {@link
 * org.flytebeam.graph.FlytePackage} of tasks, workflows and launch plans found by resource type and
 * name, and the entity chosen to run.
 */
package org.flytebeam.graph;
