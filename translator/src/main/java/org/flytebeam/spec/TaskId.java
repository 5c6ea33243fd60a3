package org.flytebeam.spec;

import static java.util.Objects.requireNonNull;

import flyteidl.core.IdentifierOuterClass.Identifier;
import flyteidl.core.IdentifierOuterClass.ResourceType;
import java.io.Serializable;

/** A Flyte task identifier: project, domain, name and version. */
public record TaskId(String project, String domain, String name, String version)
    implements Serializable {
  public TaskId {
    requireNonNull(project, "project");
    requireNonNull(domain, "domain");
    requireNonNull(name, "name");
    requireNonNull(version, "version");
  }

  public static TaskId of(String name) {
    return new TaskId("flyte-beam", "development", name, "1");
  }

  public static TaskId fromProto(Identifier id) {
    return new TaskId(id.getProject(), id.getDomain(), id.getName(), id.getVersion());
  }

  public Identifier toProto(ResourceType type) {
    return Identifier.newBuilder()
        .setResourceType(type)
        .setProject(project)
        .setDomain(domain)
        .setName(name)
        .setVersion(version)
        .build();
  }
}
