/**
 * The Java task authoring API, all a task jar compiles against: {@link
 * org.flytebeam.task.JavaTask}, {@link org.flytebeam.task.TaskContext} and {@link
 * org.flytebeam.task.RecoverableException}. The artifact {@code flyte-beam-api} holds this package
 * and the annotation processor that registers tasks for {@link java.util.ServiceLoader} ({@link
 * org.flytebeam.task.processing.JavaTaskProcessor}), and depends on nothing but the JDK.
 */
package org.flytebeam.task;
