package org.flytebeam.spec;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import org.flytebeam.InvalidDefinitionException;
import org.junit.jupiter.api.Test;

class ArrayJobsTest {
  @Test
  void shouldRejectANumberBeyondADoubleInTheCustomStruct() {
    // 1e400 in a definition's JSON is read as Infinity, which protobuf's JSON cannot print.
    Struct custom =
        Struct.newBuilder()
            .putFields("parallelism", Value.newBuilder().setStringValue("2").build())
            .putFields(
                "minSuccessRatio",
                Value.newBuilder().setNumberValue(Double.POSITIVE_INFINITY).build())
            .build();

    assertThatThrownBy(() -> ArrayJobs.fromStruct(custom, "task [t]"))
        .isInstanceOf(InvalidDefinitionException.class)
        .hasMessageContaining("custom of task [t] is not an ArrayJob")
        .hasMessageContaining("infinity");
  }
}
