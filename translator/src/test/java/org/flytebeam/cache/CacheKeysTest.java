package org.flytebeam.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.flytebeam.cache.CacheTemplates.iface;
import static org.flytebeam.cache.CacheTemplates.keys;
import static org.flytebeam.cache.CacheTemplates.subTask;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import flyteidl.core.Interface.TypedInterface;
import flyteidl.core.Literals.Literal;
import flyteidl.core.Literals.LiteralMap;
import flyteidl.core.Tasks.TaskTemplate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import org.flytebeam.spec.SubTask;
import org.flytebeam.types.Literals;
import org.junit.jupiter.api.Test;

class CacheKeysTest {

  private static Value number(double n) {
    return Value.newBuilder().setNumberValue(n).build();
  }

  private static Value text(String s) {
    return Value.newBuilder().setStringValue(s).build();
  }

  /** {@code {"p": 1, "q": {"r": "s", "t": true}}}, its fields put in the given or reverse order. */
  private static Literal config(boolean reversed) {
    Struct.Builder inner = Struct.newBuilder();
    Struct.Builder outer = Struct.newBuilder();
    if (reversed) {
      inner.putFields("t", Value.newBuilder().setBoolValue(true).build()).putFields("r", text("s"));
      outer
          .putFields("q", Value.newBuilder().setStructValue(inner).build())
          .putFields("p", number(1));
    } else {
      inner.putFields("r", text("s")).putFields("t", Value.newBuilder().setBoolValue(true).build());
      outer
          .putFields("p", number(1))
          .putFields("q", Value.newBuilder().setStructValue(inner).build());
    }
    return Literals.of(outer.build());
  }

  private static Map<String, Literal> inputs(long x, String label, boolean reversed) {
    Map<String, Literal> inputs = new LinkedHashMap<>();
    if (reversed) {
      inputs.put("config", config(true));
      inputs.put("label", Literals.of(label));
      inputs.put("x", Literals.of(x));
    } else {
      inputs.put("x", Literals.of(x));
      inputs.put("label", Literals.of(label));
      inputs.put("config", config(false));
    }
    return inputs;
  }

  @Test
  void shouldGiveOneKeyWhateverOrderTheMapsAndStructsWereBuiltIn() {
    CacheKeys keys = keys(subTask("v1"));
    Map<String, Literal> forward = inputs(3, "a", false);
    Map<String, Literal> backward = inputs(3, "a", true);
    // given: the same values whose plain serialization differs (map entries in insertion order)
    assertThat(LiteralMap.newBuilder().putAllLiterals(forward).build().toByteArray())
        .isNotEqualTo(LiteralMap.newBuilder().putAllLiterals(backward).build().toByteArray());

    // then
    assertThat(keys.keyOf(backward)).isEqualTo(keys.keyOf(forward));
    assertThat(keys.keyOf(backward).entryPath("/c")).isEqualTo(keys.keyOf(forward).entryPath("/c"));
  }

  @Test
  void shouldGiveOneKeyForMapLiteralsBuiltInAnyOrder() {
    CacheKeys keys = keys(subTask("v1"));
    Map<String, Literal> ab = new LinkedHashMap<>();
    ab.put("a", Literals.of(1L));
    ab.put("b", Literals.collection(List.of(Literals.of("x"), Literals.of("y"))));
    Map<String, Literal> ba = new LinkedHashMap<>();
    ba.put("b", Literals.collection(List.of(Literals.of("x"), Literals.of("y"))));
    ba.put("a", Literals.of(1L));

    assertThat(keys.keyOf(Map.of("x", Literals.map(ba))))
        .isEqualTo(keys.keyOf(Map.of("x", Literals.map(ab))));
    // Lists keep their order: another order is another input.
    assertThat(
            keys.keyOf(
                Map.of("x", Literals.collection(List.of(Literals.of("y"), Literals.of("x"))))))
        .isNotEqualTo(
            keys.keyOf(
                Map.of("x", Literals.collection(List.of(Literals.of("x"), Literals.of("y"))))));
  }

  @Test
  void shouldMissWhenTheDiscoveryVersionChanges() {
    CacheKey v1 = keys(subTask("v1")).keyOf(inputs(3, "a", false));
    CacheKey v2 = keys(subTask("v2")).keyOf(inputs(3, "a", false));

    assertThat(v2).isNotEqualTo(v1);
    assertThat(v2.entryPath("/c")).isNotEqualTo(v1.entryPath("/c"));
    assertThat(v2.inputsHash()).isEqualTo(v1.inputsHash());
  }

  @Test
  void shouldKeepTheKeyWhenOnlyTheRegistrationVersionOrSpacesAroundTheCacheVersionChange() {
    TypedInterface iface = iface(CacheTemplates.INT);
    CacheKey registered1 =
        keys(subTask("proj", "mod.square", "1", "v1", List.of(), iface))
            .keyOf(inputs(3, "a", false));
    CacheKey registered2 =
        keys(subTask("proj", "mod.square", "abc123", " v1 ", List.of(), iface))
            .keyOf(inputs(3, "a", false));

    assertThat(registered2).isEqualTo(registered1);
  }

  @Test
  void shouldMissWhenABoundInputOrTheElementsOwnInputChanges() {
    CacheKeys keys = keys(subTask("v1"));
    CacheKey base = keys.keyOf(inputs(3, "a", false));

    assertThat(keys.keyOf(inputs(3, "b", false))).isNotEqualTo(base);
    assertThat(keys.keyOf(inputs(4, "a", false))).isNotEqualTo(base);
    assertThat(keys.keyOf(inputs(3, "a", false))).isEqualTo(base);
  }

  @Test
  void shouldMissWhenTheInterfaceOrTheTaskChanges() {
    CacheKey base = keys(subTask("v1")).keyOf(inputs(3, "a", false));

    CacheKey otherOutput =
        keys(subTask("proj", "mod.square", "1", "v1", List.of(), iface(CacheTemplates.STR)))
            .keyOf(inputs(3, "a", false));
    CacheKey otherName =
        keys(subTask("proj", "mod.cube", "1", "v1", List.of(), iface(CacheTemplates.INT)))
            .keyOf(inputs(3, "a", false));
    CacheKey otherProject =
        keys(subTask("proj2", "mod.square", "1", "v1", List.of(), iface(CacheTemplates.INT)))
            .keyOf(inputs(3, "a", false));

    assertThat(otherOutput.interfaceHash()).isNotEqualTo(base.interfaceHash());
    assertThat(otherOutput.entryPath("/c")).isNotEqualTo(base.entryPath("/c"));
    assertThat(otherName.entryPath("/c")).isNotEqualTo(base.entryPath("/c"));
    assertThat(otherProject.entryPath("/c")).isNotEqualTo(base.entryPath("/c"));
  }

  @Test
  void shouldLeaveIgnoredInputsOutOfTheKey() {
    CacheKeys keys =
        keys(subTask("proj", "mod.square", "1", "v1", List.of("label"), iface(CacheTemplates.INT)));

    assertThat(keys.keyOf(inputs(3, "b", false))).isEqualTo(keys.keyOf(inputs(3, "a", false)));
    assertThat(keys.keyOf(inputs(4, "a", false))).isNotEqualTo(keys.keyOf(inputs(3, "a", false)));
  }

  @Test
  void shouldKeyALiteralWhoseHashIsSetByThatHashAlone() {
    CacheKeys keys = keys(subTask("v1"));
    Literal one = Literals.of(1L).toBuilder().setHash("h1").build();
    Literal two = Literals.of(2L).toBuilder().setHash("h1").build();
    Literal otherHash = Literals.of(1L).toBuilder().setHash("h2").build();

    assertThat(keys.keyOf(Map.of("x", two))).isEqualTo(keys.keyOf(Map.of("x", one)));
    assertThat(keys.keyOf(Map.of("x", otherHash))).isNotEqualTo(keys.keyOf(Map.of("x", one)));
    // inside collections and maps too
    assertThat(keys.keyOf(Map.of("x", Literals.collection(List.of(two, Literals.of("a"))))))
        .isEqualTo(keys.keyOf(Map.of("x", Literals.collection(List.of(one, Literals.of("a"))))));
    assertThat(keys.keyOf(Map.of("x", Literals.map(Map.of("k", two)))))
        .isEqualTo(keys.keyOf(Map.of("x", Literals.map(Map.of("k", one)))));
    // without a hash, the value counts
    assertThat(keys.keyOf(Map.of("x", Literals.of(2L))))
        .isNotEqualTo(keys.keyOf(Map.of("x", Literals.of(1L))));
  }

  @Test
  void shouldHaveNoKeysWhenTheTaskIsNotCacheable() {
    SubTask cacheable = subTask("v1");
    TaskTemplate plain =
        cacheable.template().toBuilder()
            .setMetadata(cacheable.template().getMetadata().toBuilder().setDiscoverable(false))
            .build();

    assertThat(CacheKeys.of(SubTask.of(plain, cacheable.scalarInterface(), OptionalInt.empty())))
        .isEmpty();
  }

  @Test
  void shouldNameTheDatasetFolderReadablyWhateverCharactersTheNamesHold() {
    CacheKey key =
        keys(subTask(
                "my proj", "mod/with slash", "1", "v 1/2", List.of(), iface(CacheTemplates.INT)))
            .keyOf(inputs(3, "a", false));

    assertThat(key.datasetFolder())
        .matches("my_proj_development_mod_with_slash-v_1_2-[0-9a-f]{16}");
    assertThat(key.entryPath("/c/"))
        .isEqualTo(
            "/c/"
                + key.datasetFolder()
                + "/"
                + key.inputsHash().substring(0, 2)
                + "/"
                + key.inputsHash()
                + ".entry");
  }
}
