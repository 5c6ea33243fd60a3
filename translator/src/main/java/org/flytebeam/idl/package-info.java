/**
 * flyteidl definitions to and from {@link org.flytebeam.spec.MapTaskSpec}: {@link
 * org.flytebeam.idl.DefinitionReader} reads a {@code WorkflowClosure} holding one ArrayNode, or a
 * legacy {@code container_array} {@code TaskTemplate}, in protobuf JSON ({@code .json}) or binary
 * ({@code .pb}); {@link org.flytebeam.idl.DefinitionWriter} writes a spec back in the form it came
 * from, as flytekit writes it.
 */
package org.flytebeam.idl;
