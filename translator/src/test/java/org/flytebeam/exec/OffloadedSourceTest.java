package org.flytebeam.exec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import flyteidl.core.Literals.Literal;
import flyteidl.core.Literals.LiteralMap;
import flyteidl.core.Literals.LiteralOffloadedMetadata;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.flytebeam.InvalidDefinitionException;
import org.flytebeam.spec.MapTask;
import org.flytebeam.spec.MapTaskSpec;
import org.flytebeam.task.JavaTask;
import org.flytebeam.task.TaskContext;
import org.flytebeam.types.LiteralTypes;
import org.flytebeam.types.Literals;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Offloaded literals as flytepropeller writes them: the index pass's scan and reading by range. */
class OffloadedSourceTest {
  @TempDir Path dir;

  public record In(long x, String c) {}

  public record Out(String o0) {}

  /** Never run here: only its interface matters. */
  public static final class Task extends JavaTask<In, Out> {
    private static final long serialVersionUID = 1L;

    public Task() {
      super("offloaded_test_task", In.class, Out.class);
    }

    @Override
    public Out run(In input, TaskContext context) {
      return new Out(input.x() + input.c());
    }
  }

  private static final MapTaskSpec SPEC =
      MapTask.of(new Task()).boundInputs(java.util.Set.of("c")).build();

  private static Literal ints(long... values) {
    List<Literal> items = new ArrayList<>();
    for (long v : values) {
      items.add(Literals.of(v));
    }
    return Literals.collection(items);
  }

  private Literal offloaded(String name, Literal value) throws IOException {
    // As flytepropeller offloads: the whole Literal in binary, its hash kept beside the value.
    Path file = dir.resolve(name + ".pb");
    Files.write(file, value.toBuilder().setHash("h-" + name).build().toByteArray());
    return Literal.newBuilder()
        .setOffloadedMetadata(
            LiteralOffloadedMetadata.newBuilder()
                .setUri(file.toString())
                .setSizeBytes(Files.size(file))
                .setInferredType(
                    value.hasCollection()
                        ? LiteralTypes.listOf(
                            LiteralTypes.simple(flyteidl.core.Types.SimpleType.INTEGER))
                        : LiteralTypes.simple(flyteidl.core.Types.SimpleType.STRING)))
        .build();
  }

  private InputReferences references(LiteralMap inputs, int stride) {
    InputReferences references =
        InputReferences.find(
            SPEC, inputs, dir.resolve("index-" + System.nanoTime()).toString(), 1 << 20, stride);
    references.tasks().forEach(IndexTask::run);
    return references;
  }

  @Test
  void shouldReadAnyRangeOfAnOffloadedListAndABoundValueWhole() throws Exception {
    long[] values = new long[23];
    Arrays.setAll(values, i -> 1000L * i - 7);
    LiteralMap inputs =
        LiteralMap.newBuilder()
            .putLiterals("x", offloaded("x", ints(values)))
            .putLiterals("c", offloaded("c", Literals.of("bound")))
            .build();
    for (int stride : new int[] {1, 3, 1024}) {
      InputReferences references = references(inputs, stride);
      ElementSource x = references.sources().get("x");

      assertThat(
              references
                  .nodeInputs()
                  .getLiteralsMap()
                  .get("c")
                  .getScalar()
                  .getPrimitive()
                  .getStringValue())
          .isEqualTo("bound");
      assertThat(x.size()).isEqualTo(23);
      for (int length : new int[] {1, 2, 5, 23}) {
        List<Long> read = new ArrayList<>();
        for (long s = 0; s < 23; s += length) {
          long e = Math.min(23, s + length);
          try (ElementSource.Reader reader = x.read(s, e)) {
            for (long i = s; i < e; i++) {
              read.add(reader.next().getScalar().getPrimitive().getInteger());
            }
          }
        }
        assertThat(read)
            .as("stride %d range %d", stride, length)
            .containsExactly(Arrays.stream(values).boxed().toArray(Long[]::new));
      }
    }
  }

  @Test
  void shouldFailOnlyTheItemOfAnotherType() throws Exception {
    Literal list =
        Literals.collection(List.of(Literals.of(1L), Literals.of("two"), Literals.of(3L)));
    LiteralMap inputs =
        LiteralMap.newBuilder()
            .putLiterals("x", offloaded("x", list))
            .putLiterals("c", Literals.of("c"))
            .build();
    ElementSource x = references(inputs, 2).sources().get("x");

    try (ElementSource.Reader reader = x.read(0, 3)) {
      assertThat(reader.next()).isEqualTo(Literals.of(1L));
      assertThatThrownBy(reader::next)
          .isInstanceOf(InvalidElementException.class)
          .hasMessageContaining("input [x[1]]")
          .hasMessageContaining("in the offloaded literal [" + dir.resolve("x.pb") + "]");
      assertThat(reader.next()).isEqualTo(Literals.of(3L));
    }
  }

  @Test
  void shouldRefuseAnOffloadedLiteralThatIsNoListOrIsTruncated() throws Exception {
    Literal scalar = offloaded("s", Literals.of("not a list"));
    LiteralMap notAList =
        LiteralMap.newBuilder()
            .putLiterals(
                "x",
                scalar.toBuilder()
                    .setOffloadedMetadata(
                        scalar.getOffloadedMetadata().toBuilder().clearInferredType())
                    .build())
            .putLiterals("c", Literals.of("c"))
            .build();
    assertThatThrownBy(() -> references(notAList, 2).sources())
        .isInstanceOf(InvalidDefinitionException.class)
        .hasMessageContaining("of input [x] cannot be mapped over: it holds a scalar, not a list");

    Literal list = offloaded("t", ints(1, 2, 3, 4, 5));
    byte[] bytes = Files.readAllBytes(dir.resolve("t.pb"));
    Files.write(dir.resolve("t.pb"), Arrays.copyOf(bytes, bytes.length - 12));
    LiteralMap truncated =
        LiteralMap.newBuilder().putLiterals("x", list).putLiterals("c", Literals.of("c")).build();
    assertThatThrownBy(() -> references(truncated, 2).sources())
        .isInstanceOf(InvalidDefinitionException.class)
        .hasMessageContaining("cannot be mapped over: it is truncated");

    LiteralMap missing =
        LiteralMap.newBuilder()
            .putLiterals(
                "x",
                Literal.newBuilder()
                    .setOffloadedMetadata(
                        LiteralOffloadedMetadata.newBuilder()
                            .setUri(dir.resolve("gone.pb").toString()))
                    .build())
            .putLiterals("c", Literals.of("c"))
            .build();
    assertThatThrownBy(() -> references(missing, 2))
        .isInstanceOf(InvalidDefinitionException.class)
        .hasMessageContaining(
            "the offloaded literal [" + dir.resolve("gone.pb") + "] of input [x] does not exist");
  }
}
