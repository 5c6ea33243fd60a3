package org.flytebeam.exec;

import static org.assertj.core.api.Assertions.assertThat;

import flyteidl.core.Types.LiteralType;
import flyteidl.core.Types.SimpleType;
import org.apache.beam.sdk.util.SerializableUtils;
import org.junit.jupiter.api.Test;

class ItemTypeTest {

  @Test
  void shouldGiveTheSameTypeAfterJavaSerialization() {
    // given: a nested type, as a source sends it to the workers
    LiteralType type =
        LiteralType.newBuilder()
            .setCollectionType(LiteralType.newBuilder().setSimple(SimpleType.STRING))
            .build();

    // when
    ItemType copy = SerializableUtils.clone(new ItemType(type));

    // then
    assertThat(copy.get()).isEqualTo(type);
    assertThat(copy.get()).isSameAs(copy.get());
  }
}
