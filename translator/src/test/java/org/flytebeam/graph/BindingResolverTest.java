package org.flytebeam.graph;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import com.google.protobuf.ListValue;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import flyteidl.core.Literals.Binary;
import flyteidl.core.Literals.BindingData;
import flyteidl.core.Literals.BindingDataCollection;
import flyteidl.core.Literals.BindingDataMap;
import flyteidl.core.Literals.Literal;
import flyteidl.core.Literals.LiteralOffloadedMetadata;
import flyteidl.core.Literals.Scalar;
import flyteidl.core.Literals.UnionInfo;
import flyteidl.core.Types.OutputReference;
import flyteidl.core.Types.PromiseAttribute;
import flyteidl.core.Types.SimpleType;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.flytebeam.types.LiteralTypes;
import org.flytebeam.types.Literals;
import org.junit.jupiter.api.Test;

class BindingResolverTest {

  private static final Literal NESTED =
      Literals.map(
          Map.of(
              "xs",
              Literals.collection(List.of(Literals.of(10), Literals.of(20))),
              "name",
              Literals.of("a")));

  private static final Promises PROMISES =
      (node, var) -> {
        if ((node.isEmpty() || node.equals(Promises.START_NODE)) && var.equals("x")) {
          return Optional.of(Literals.of(7));
        }
        if (node.equals("n0") && var.equals("o0")) {
          return Optional.of(NESTED);
        }
        return Optional.empty();
      };

  private static BindingData promise(String node, String var, PromiseAttribute... path) {
    return BindingData.newBuilder()
        .setPromise(
            OutputReference.newBuilder().setNodeId(node).setVar(var).addAllAttrPath(List.of(path)))
        .build();
  }

  private static PromiseAttribute key(String k) {
    return PromiseAttribute.newBuilder().setStringValue(k).build();
  }

  private static PromiseAttribute at(int i) {
    return PromiseAttribute.newBuilder().setIntValue(i).build();
  }

  private static BindingData scalar(Literal literal) {
    return BindingData.newBuilder().setScalar(literal.getScalar()).build();
  }

  @Test
  void shouldResolveScalarsCollectionsAndMapsRecursively() {
    BindingData data =
        BindingData.newBuilder()
            .setMap(
                BindingDataMap.newBuilder()
                    .putBindings("a", scalar(Literals.of("s")))
                    .putBindings(
                        "b",
                        BindingData.newBuilder()
                            .setCollection(
                                BindingDataCollection.newBuilder()
                                    .addBindings(scalar(Literals.of(1)))
                                    .addBindings(promise("", "x")))
                            .build()))
            .build();

    Literal resolved = BindingResolver.resolve(data, PROMISES);

    assertThat(resolved)
        .isEqualTo(
            Literals.map(
                Map.of(
                    "a",
                    Literals.of("s"),
                    "b",
                    Literals.collection(List.of(Literals.of(1), Literals.of(7))))));
  }

  @Test
  void shouldReadWorkflowInputsUnderEitherStartNodeId() {
    assertThat(BindingResolver.resolve(promise("start-node", "x"), PROMISES))
        .isEqualTo(Literals.of(7));
    assertThat(BindingResolver.resolve(promise("", "x"), PROMISES)).isEqualTo(Literals.of(7));
  }

  @Test
  void shouldFollowAttrPathThroughMapsAndCollections() {
    assertThat(BindingResolver.resolve(promise("n0", "o0", key("xs"), at(1)), PROMISES))
        .isEqualTo(Literals.of(20));
    assertThat(BindingResolver.resolve(promise("n0", "o0", key("name")), PROMISES))
        .isEqualTo(Literals.of("a"));
  }

  @Test
  void shouldNameNodeVarAndStepWhenPathFails() {
    assertThatThrownBy(() -> BindingResolver.resolve(promise("n0", "o0", key("nope")), PROMISES))
        .isInstanceOf(BindingException.class)
        .hasMessageContaining("[o0]")
        .hasMessageContaining("[n0]")
        .hasMessageContaining("step 0")
        .hasMessageContaining("key [nope] does not exist");
    assertThatThrownBy(
            () -> BindingResolver.resolve(promise("n0", "o0", key("xs"), at(2)), PROMISES))
        .isInstanceOf(BindingException.class)
        .hasMessageContaining("step 1")
        .hasMessageContaining("index [2] is out of range of a list of 2");
    assertThatThrownBy(
            () -> BindingResolver.resolve(promise("n0", "o0", key("xs"), at(-1)), PROMISES))
        .hasMessageContaining("index [-1] is out of range");
    assertThatThrownBy(
            () -> BindingResolver.resolve(promise("n0", "o0", key("xs"), key("a")), PROMISES))
        .hasMessageContaining("a list needs an int index");
    assertThatThrownBy(
            () -> BindingResolver.resolve(promise("n0", "o0", key("name"), key("z")), PROMISES))
        .hasMessageContaining("cannot step into");
  }

  @Test
  void shouldFailNamingTheMissingOutput() {
    assertThatThrownBy(() -> BindingResolver.resolve(promise("n9", "o3"), PROMISES))
        .isInstanceOf(BindingException.class)
        .hasMessage("node [n9] has no output [o3]");
  }

  @Test
  void shouldResolveIntoGenericStructIncludingLists() {
    Struct inner =
        Struct.newBuilder().putFields("c", Value.newBuilder().setNumberValue(3).build()).build();
    Struct st =
        Struct.newBuilder()
            .putFields(
                "l",
                Value.newBuilder()
                    .setListValue(
                        ListValue.newBuilder()
                            .addValues(Value.newBuilder().setStringValue("s"))
                            .addValues(Value.newBuilder().setStructValue(inner)))
                    .build())
            .putFields("b", Value.newBuilder().setBoolValue(true).build())
            .build();
    Promises p = (n, v) -> Optional.of(Literals.of(st));

    assertThat(BindingResolver.resolve(promise("n1", "o0", key("l"), at(0)), p))
        .isEqualTo(Literals.of("s"));
    assertThat(BindingResolver.resolve(promise("n1", "o0", key("l"), at(1)), p))
        .isEqualTo(Literals.of(inner));
    // struct numbers are floats, as propeller converts them
    assertThat(BindingResolver.resolve(promise("n1", "o0", key("l"), at(1), key("c")), p))
        .isEqualTo(Literals.of(3.0));
    assertThat(BindingResolver.resolve(promise("n1", "o0", key("b")), p))
        .isEqualTo(Literals.of(true));
    assertThat(BindingResolver.resolve(promise("n1", "o0", key("l")), p))
        .isEqualTo(Literals.collection(List.of(Literals.of("s"), Literals.of(inner))));
    assertThatThrownBy(() -> BindingResolver.resolve(promise("n1", "o0", key("l"), at(5)), p))
        .isInstanceOf(BindingException.class)
        .hasMessageContaining("index [5] is out of range of a list of 2");
  }

  /** {"a": 1, "b": [true, {"c": "xy"}]} written by hand in msgpack. */
  private static final byte[] MSGPACK = {
    (byte) 0x82,
    (byte) 0xa1,
    'a',
    0x01,
    (byte) 0xa1,
    'b',
    (byte) 0x92,
    (byte) 0xc3,
    (byte) 0x81,
    (byte) 0xa1,
    'c',
    (byte) 0xa2,
    'x',
    'y'
  };

  private static Literal msgpack(byte[] bytes) {
    return Literal.newBuilder()
        .setScalar(
            Scalar.newBuilder()
                .setBinary(
                    Binary.newBuilder().setValue(ByteString.copyFrom(bytes)).setTag("msgpack")))
        .build();
  }

  @Test
  void shouldResolveIntoMsgpackKeepingMsgpackValues() {
    Promises p = (n, v) -> Optional.of(msgpack(MSGPACK));

    assertThat(BindingResolver.resolve(promise("n1", "o0", key("a")), p))
        .isEqualTo(msgpack(new byte[] {0x01}));
    assertThat(BindingResolver.resolve(promise("n1", "o0", key("b"), at(1)), p))
        .isEqualTo(msgpack(new byte[] {(byte) 0x81, (byte) 0xa1, 'c', (byte) 0xa2, 'x', 'y'}));
    assertThat(BindingResolver.resolve(promise("n1", "o0", key("b"), at(1), key("c")), p))
        .isEqualTo(msgpack(new byte[] {(byte) 0xa2, 'x', 'y'}));
    assertThatThrownBy(() -> BindingResolver.resolve(promise("n1", "o0", key("z")), p))
        .isInstanceOf(BindingException.class)
        .hasMessageContaining("key [z] does not exist");
    assertThatThrownBy(() -> BindingResolver.resolve(promise("n1", "o0", key("b"), at(2)), p))
        .hasMessageContaining("index [2] is out of range of a list of 2");
  }

  @Test
  void shouldFailCleanlyOnMalformedMsgpack() {
    // a map claiming 2^32-1 entries, then nothing
    Promises huge = (n, v) -> Optional.of(msgpack(new byte[] {(byte) 0xdf, -1, -1, -1, -1}));
    assertThatThrownBy(() -> BindingResolver.resolve(promise("n1", "o0", key("a")), huge))
        .isInstanceOf(BindingException.class)
        .hasMessageContaining("malformed msgpack");
    // a string claiming 4 GB
    Promises longStr =
        (n, v) -> Optional.of(msgpack(new byte[] {(byte) 0x81, (byte) 0xdb, -1, -1, -1, -1, 'a'}));
    assertThatThrownBy(() -> BindingResolver.resolve(promise("n1", "o0", key("a")), longStr))
        .hasMessageContaining("malformed msgpack");
    Promises reserved = (n, v) -> Optional.of(msgpack(new byte[] {(byte) 0xc1}));
    assertThatThrownBy(() -> BindingResolver.resolve(promise("n1", "o0", key("a")), reserved))
        .hasMessageContaining("invalid type byte 0xc1");
    // deep nesting: a million one-element arrays is skipped without recursion
    byte[] deep = new byte[1_000_001];
    java.util.Arrays.fill(deep, 0, 1_000_000, (byte) 0x91);
    deep[1_000_000] = 0x05;
    byte[] wrapped = new byte[deep.length + 3];
    wrapped[0] = (byte) 0x81;
    wrapped[1] = (byte) 0xa1;
    wrapped[2] = 'a';
    System.arraycopy(deep, 0, wrapped, 3, deep.length);
    Promises deepP = (n, v) -> Optional.of(msgpack(wrapped));
    Literal got = BindingResolver.resolve(promise("n1", "o0", key("a")), deepP);
    assertThat(got.getScalar().getBinary().getValue().size()).isEqualTo(deep.length);
  }

  @Test
  void shouldRejectOtherBinaryTags() {
    Literal pickled =
        Literal.newBuilder()
            .setScalar(
                Scalar.newBuilder()
                    .setBinary(
                        Binary.newBuilder()
                            .setValue(ByteString.copyFromUtf8("x"))
                            .setTag("pickle")))
            .build();
    assertThatThrownBy(
            () ->
                BindingResolver.resolve(
                    promise("n1", "o0", key("a")), (n, v) -> Optional.of(pickled)))
        .hasMessageContaining("unsupported serialization format [pickle]");
  }

  @Test
  void shouldWrapUnionsWithTheTargetType() {
    BindingData data =
        promise("", "x").toBuilder()
            .setUnion(UnionInfo.newBuilder().setTargetType(LiteralTypes.simple(SimpleType.INTEGER)))
            .build();

    Literal resolved = BindingResolver.resolve(data, PROMISES);

    assertThat(resolved.getScalar().getUnion().getValue()).isEqualTo(Literals.of(7));
    assertThat(resolved.getScalar().getUnion().getType())
        .isEqualTo(LiteralTypes.simple(SimpleType.INTEGER));
  }

  @Test
  void shouldPassOffloadedMetadataThrough() {
    LiteralOffloadedMetadata meta =
        LiteralOffloadedMetadata.newBuilder().setUri("s3://b/k").setSizeBytes(42).build();
    Literal resolved =
        BindingResolver.resolve(
            BindingData.newBuilder().setOffloadedMetadata(meta).build(), PROMISES);
    assertThat(resolved.getOffloadedMetadata()).isEqualTo(meta);
  }

  @Test
  void shouldRefuseHostileDepthAndEmptyBindings() {
    BindingData data = scalar(Literals.of(1));
    for (int i = 0; i < 2_000; i++) {
      data =
          BindingData.newBuilder()
              .setCollection(BindingDataCollection.newBuilder().addBindings(data))
              .build();
    }
    BindingData deep = data;
    assertThatThrownBy(() -> BindingResolver.resolve(deep, PROMISES))
        .isInstanceOf(BindingException.class)
        .hasMessageContaining("deeper than");
    assertThatThrownBy(() -> BindingResolver.resolve(BindingData.getDefaultInstance(), PROMISES))
        .isInstanceOf(BindingException.class)
        .hasMessageContaining("no value");
  }
}
