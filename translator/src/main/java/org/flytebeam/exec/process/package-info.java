/**
 * Flyte's container contract without a container engine, the parts that do not depend on the
 * engine: command-line templates and Go's rendering of values ({@link
 * org.flytebeam.exec.process.Templates}, {@link org.flytebeam.exec.process.GoText}), process trees
 * that never outlive their JVM ({@link org.flytebeam.exec.process.ProcessTree}), and a raw
 * container's data files as Flyte's copilot lays them out ({@link
 * org.flytebeam.exec.process.DataConfigFiles}). Internal: no compatibility promise.
 */
package org.flytebeam.exec.process;
