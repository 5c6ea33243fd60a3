/**
 * The one model of a map task, {@link org.flytebeam.spec.MapTaskSpec}, and its Java front end.
 *
 * <p>{@link org.flytebeam.spec.MapTask} builds a validated spec from a {@link
 * org.flytebeam.task.JavaTask} (or any task template) and flytekit's {@code map_task} settings;
 * {@link org.flytebeam.idl.DefinitionReader} builds the same spec from flyteidl files. {@link
 * org.flytebeam.spec.MappedInterface} holds the interface rule (unbound inputs and the outputs
 * become lists), {@link org.flytebeam.spec.MapTaskNames} flytekit's naming scheme, {@link
 * org.flytebeam.spec.SuccessCriteria} the success threshold, and {@link
 * org.flytebeam.spec.Bindings} and {@link org.flytebeam.spec.ArrayJobs} the flyteidl pieces the
 * spec holds.
 */
package org.flytebeam.spec;
