/**
 * The annotation processor that lists a task jar's Java tasks in {@code
 * META-INF/services/org.flytebeam.task.JavaTask}, so that a jar built by plain {@code javac} or
 * Maven against {@code flyte-beam-api} finds its tasks by name.
 */
package org.flytebeam.task.processing;
