package org.flytebeam.idl;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.nio.file.Files;
import org.flytebeam.spec.MapTaskSpec;
import org.junit.jupiter.api.Test;

/**
 * Flyte's own ArrayNode file (flytepropeller's kubectl-flyte golden): a scalar sub-task interface
 * without {@code is_original_sub_node_interface}, whose form is inferred from the types.
 */
class ArrayNodeGoldenTest {
  @Test
  void kubectlFlyteArrayNodeGoldenIsReadWithItsScalarInterface() throws Exception {
    byte[] yaml = Files.readAllBytes(PackageReaderTest.fixture("array-node.yaml.golden"));
    byte[] json = new ObjectMapper().writeValueAsBytes(new YAMLMapper().readTree(yaml));

    MapTaskSpec spec = DefinitionReader.read(json, true);

    assertThat(spec.form()).isEqualTo(MapTaskSpec.Form.ARRAY_NODE);
    assertThat(spec.subTask().scalarInterface().getInputs().getVariablesMap().get("a").getType())
        .satisfies(t -> assertThat(t.hasSimple()).isTrue());
    assertThat(spec.mappedInterface().getOutputs().getVariablesMap().get("x").getType())
        .satisfies(t -> assertThat(t.hasCollectionType()).isTrue());
    assertThat(spec.workflowInterface().getInputs().getVariablesMap()).containsKey("x");
  }

  @Test
  void theSameGoldenAsAPackageHoldsItsWorkflowAndTask() throws Exception {
    byte[] yaml = Files.readAllBytes(PackageReaderTest.fixture("array-node.yaml.golden"));
    assertThat(PackageReader.read("array-node.yaml", yaml).workflows())
        .containsOnlyKeys("workflow-with-array-node");
  }
}
