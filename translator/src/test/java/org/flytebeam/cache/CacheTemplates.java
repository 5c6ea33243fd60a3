package org.flytebeam.cache;

import flyteidl.core.IdentifierOuterClass.Identifier;
import flyteidl.core.IdentifierOuterClass.ResourceType;
import flyteidl.core.Interface.TypedInterface;
import flyteidl.core.Interface.Variable;
import flyteidl.core.Interface.VariableMap;
import flyteidl.core.Tasks.TaskMetadata;
import flyteidl.core.Tasks.TaskTemplate;
import flyteidl.core.Types.LiteralType;
import flyteidl.core.Types.SimpleType;
import java.util.List;
import java.util.OptionalInt;
import org.flytebeam.spec.SubTask;
import org.flytebeam.types.LiteralTypes;

/**
 * Cacheable sub-tasks for the cache tests: {@code (x: int, label: str, config: any) -> o0: int}.
 */
final class CacheTemplates {
  private CacheTemplates() {}

  static final LiteralType INT = LiteralTypes.simple(SimpleType.INTEGER);
  static final LiteralType STR = LiteralTypes.simple(SimpleType.STRING);

  static TypedInterface iface(LiteralType outputType) {
    return TypedInterface.newBuilder()
        .setInputs(
            VariableMap.newBuilder()
                .putVariables("x", Variable.newBuilder().setType(INT).build())
                .putVariables("label", Variable.newBuilder().setType(STR).build())
                .putVariables(
                    "config",
                    Variable.newBuilder().setType(LiteralTypes.simple(SimpleType.STRUCT)).build()))
        .setOutputs(
            VariableMap.newBuilder()
                .putVariables("o0", Variable.newBuilder().setType(outputType).build()))
        .build();
  }

  static SubTask subTask(
      String project,
      String name,
      String taskVersion,
      String cacheVersion,
      List<String> ignored,
      TypedInterface iface) {
    TaskTemplate template =
        TaskTemplate.newBuilder()
            .setId(
                Identifier.newBuilder()
                    .setResourceType(ResourceType.TASK)
                    .setProject(project)
                    .setDomain("development")
                    .setName(name)
                    .setVersion(taskVersion))
            .setType("python-task")
            .setMetadata(
                TaskMetadata.newBuilder()
                    .setDiscoverable(true)
                    .setDiscoveryVersion(cacheVersion)
                    .addAllCacheIgnoreInputVars(ignored))
            .setInterface(iface)
            .build();
    return SubTask.of(template, iface, OptionalInt.empty());
  }

  static SubTask subTask(String cacheVersion) {
    return subTask("proj", "mod.square", "1", cacheVersion, List.of(), iface(INT));
  }

  static CacheKeys keys(SubTask subTask) {
    return CacheKeys.of(subTask).orElseThrow();
  }
}
