package org.flytebeam.exec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import flyteidl.core.Literals.Literal;
import flyteidl.core.Literals.LiteralMap;
import flyteidl.core.Types.LiteralType;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.flytebeam.InvalidDefinitionException;
import org.flytebeam.spec.MapTask;
import org.flytebeam.spec.MapTaskSpec;
import org.flytebeam.task.JavaTask;
import org.flytebeam.task.TaskContext;
import org.flytebeam.types.Blob;
import org.flytebeam.types.LiteralTypeException;
import org.flytebeam.types.LiteralTypes;
import org.flytebeam.types.Literals;
import org.flytebeam.types.PlainJson;
import org.flytebeam.types.PrimitiveLiterals;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** JSON Lines and file pattern inputs: planning, the index pass's chunks, and reading by range. */
class JsonLinesSourceTest {
  @TempDir Path dir;

  public record Text(String s) {}

  public record Out(String o0) {}

  public record File(Blob f) {}

  /** Never run here: only its interface matters. */
  public static final class Echo extends JavaTask<Text, Out> {
    private static final long serialVersionUID = 1L;

    public Echo() {
      super("jsonl_test_echo", Text.class, Out.class);
    }

    @Override
    public Out run(Text input, TaskContext context) {
      return new Out(input.s());
    }
  }

  /** Never run here: only its interface matters. */
  public static final class Open extends JavaTask<File, Out> {
    private static final long serialVersionUID = 1L;

    public Open() {
      super("jsonl_test_open", File.class, Out.class);
    }

    @Override
    public Out run(File input, TaskContext context) {
      return new Out(input.f().uri());
    }
  }

  private static final MapTaskSpec ECHO = MapTask.of(new Echo()).build();

  private static LiteralMap blob(String name, String uri, String format, boolean multipart) {
    return LiteralMap.newBuilder()
        .putLiterals(name, Literals.of(new Blob(uri, format, multipart)))
        .build();
  }

  /** Plans, runs the index pass here and returns the source of input {@code s}. */
  private ElementSource source(
      MapTaskSpec spec, LiteralMap inputs, String input, long chunkBytes, int stride) {
    String indexDir =
        dir.resolve("index-" + chunkBytes + "-" + stride + "-" + System.nanoTime()).toString();
    InputReferences references = InputReferences.find(spec, inputs, indexDir, chunkBytes, stride);
    references.tasks().forEach(IndexTask::run);
    return references.sources().get(input);
  }

  private static List<String> readAll(ElementSource source, int rangeLength)
      throws IOException, InvalidElementException {
    List<String> items = new ArrayList<>();
    for (long start = 0; start < source.size(); start += rangeLength) {
      long end = Math.min(source.size(), start + rangeLength);
      try (ElementSource.Reader reader = source.read(start, end)) {
        for (long i = start; i < end; i++) {
          items.add(reader.next().getScalar().getPrimitive().getStringValue());
        }
      }
    }
    return items;
  }

  private static final String TEXT =
      "\uFEFF\"a\"\r\n"
          + "\n"
          + "\"bb\"\n"
          + "  \t \r\n"
          + "\"ccc\"\r\n"
          + "\"dddd dddd\"\n"
          + "\n"
          + "\n"
          + "\"e\"\n"
          + "\"ffffffffffffffffffff\"\n"
          + "\"g\"";

  private static final List<String> ITEMS =
      List.of("a", "bb", "ccc", "dddd dddd", "e", "ffffffffffffffffffff", "g");

  public record Primitives(long i, double f, String s, boolean b) {}

  /** Never run here: only its interface matters. */
  public static final class Take extends JavaTask<Primitives, Out> {
    private static final long serialVersionUID = 1L;

    public Take() {
      super("jsonl_test_take", Primitives.class, Out.class);
    }

    @Override
    public Out run(Primitives input, TaskContext context) {
      return new Out(input.s());
    }
  }

  /**
   * Each line's item as the tree path reads it: its literal, or null when it is not one JSON value
   * or does not fit.
   */
  private static Literal expected(String line, LiteralType type) {
    try {
      return PlainJson.fromJson(
          "x",
          new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).readTree(line),
          type);
    } catch (LiteralTypeException | IOException e) {
      return null;
    }
  }

  @Test
  void shouldReadIntFloatStrAndBoolItemsAsPlainValuesExactlyAsTheirLiterals() throws Exception {
    Map<String, List<String>> lines =
        Map.of(
            "i",
            List.of(
                "0",
                "-7",
                "9223372036854775807",
                "-9223372036854775808",
                "9223372036854775808",
                "1.0",
                "\"3\"",
                " 42 "),
            "f",
            List.of(
                "0.1",
                "3",
                "-0.0",
                "1e308",
                "1e400",
                "\"NaN\"",
                "\"-Infinity\"",
                "12345678901234567890123"),
            "s",
            List.of(
                "\"a\"",
                "\"\\u00e9\\n\"",
                "\"\"",
                "\"\\ud83d\\ude00 \u00fc\"",
                "7",
                "null",
                "\"x\" \"y\"",
                "\"tab\\t\""),
            "b",
            List.of("true", "false", " true ", "\"true\"", "1", "false", "true", "[true]"));
    LiteralMap.Builder inputs = LiteralMap.newBuilder();
    for (Map.Entry<String, List<String>> e : lines.entrySet()) {
      Path file =
          Files.writeString(
              dir.resolve(e.getKey() + ".jsonl"),
              String.join("\n", e.getValue()) + "\n",
              StandardCharsets.UTF_8);
      inputs.putAllLiterals(blob(e.getKey(), file.toString(), "jsonl", false).getLiteralsMap());
    }
    MapTaskSpec spec = MapTask.of(new Take()).build();
    Map<String, LiteralType> types =
        Map.of(
            "i", LiteralTypes.of(long.class),
            "f", LiteralTypes.of(double.class),
            "s", LiteralTypes.of(String.class),
            "b", LiteralTypes.of(boolean.class));

    for (String input : List.of("i", "f", "s", "b")) {
      ElementSource source = source(spec, inputs.build(), input, 1 << 20, 2);
      List<String> items = lines.get(input);
      assertThat(source.size()).isEqualTo(items.size());
      try (ElementSource.Reader asLiterals = source.read(0, source.size());
          ElementSource.Reader asValues = source.read(0, source.size())) {
        for (String line : items) {
          Literal want = expected(line, types.get(input));
          if (want == null) {
            assertThatThrownBy(asLiterals::next)
                .as("%s: %s", input, line)
                .isInstanceOf(InvalidElementException.class);
            assertThatThrownBy(asValues::nextValue)
                .as("%s: %s", input, line)
                .isInstanceOf(InvalidElementException.class);
            continue;
          }
          assertThat(asLiterals.next()).as("%s: %s", input, line).isEqualTo(want);
          Object value = asValues.nextValue();
          if (line.startsWith("\"") && input.equals("f")) {
            // "NaN" and "-Infinity": no plain JSON number, read through the tree
            assertThat(value).as("%s: %s", input, line).isEqualTo(want);
          } else {
            assertThat(value).as("%s: %s", input, line).isNotInstanceOf(Literal.class);
            assertThat(PrimitiveLiterals.toLiteral(value))
                .as("%s: %s", input, line)
                .isEqualTo(want);
          }
        }
      }
    }
  }

  @Test
  void shouldReadEveryItemOnceInOrderWhereverTheChunksCutTheLines() throws Exception {
    Path file = Files.writeString(dir.resolve("x.jsonl"), TEXT, StandardCharsets.UTF_8);
    LiteralMap inputs = blob("s", file.toString(), "jsonl", false);
    for (long chunk = 1; chunk <= TEXT.length() + 2; chunk++) {
      for (int stride : new int[] {1, 2, 3, 1024}) {
        ElementSource source = source(ECHO, inputs, "s", chunk, stride);

        assertThat(source.size()).as("chunk %d stride %d", chunk, stride).isEqualTo(ITEMS.size());
        for (int range : new int[] {1, 2, 3, 7}) {
          assertThat(readAll(source, range))
              .as("chunk %d stride %d range %d", chunk, stride, range)
              .isEqualTo(ITEMS);
        }
      }
    }
  }

  @Test
  void shouldReadAFolderOfPartsAsOneTextSkippingHiddenFiles() throws Exception {
    Path parts = Files.createDirectories(dir.resolve("parts"));
    Files.writeString(parts.resolve("part-00002"), "\"e\"\n\"f\"");
    Files.writeString(parts.resolve("part-00000"), "\"a\"\r\n\"b\"\r\n\"c\"\r\n");
    Files.writeString(parts.resolve("part-00001"), "\n\n");
    Files.writeString(parts.resolve("part-00001b"), "");
    Files.writeString(parts.resolve("part-00001c"), "\"d\"\n");
    Files.writeString(parts.resolve("_SUCCESS"), "\"not an item\"\n");
    Files.writeString(parts.resolve(".part-00000.crc"), "\"not an item\"\n");
    LiteralMap inputs = blob("s", parts.toString(), "jsonl", true);
    for (long chunk : new long[] {1, 2, 5, 1 << 20}) {
      ElementSource source = source(ECHO, inputs, "s", chunk, 2);

      assertThat(source.size()).isEqualTo(6);
      for (int range : new int[] {1, 2, 4, 6}) {
        // Ranges of 2 and 4 cross from one file to the next mid-range.
        assertThat(readAll(source, range)).containsExactly("a", "b", "c", "d", "e", "f");
      }
    }
  }

  @Test
  void shouldFailOnlyTheItemOfABadLineNamingItsFileAndLine() throws Exception {
    Path file = Files.writeString(dir.resolve("bad.jsonl"), "\"a\"\n\"b\"\n\n{oops\n7\n\"f\"\n");
    ElementSource source = source(ECHO, blob("s", file.toString(), "jsonl", false), "s", 4, 2);

    try (ElementSource.Reader reader = source.read(0, source.size())) {
      assertThat(reader.next()).isEqualTo(Literals.of("a"));
      assertThat(reader.next()).isEqualTo(Literals.of("b"));
      assertThatThrownBy(reader::next)
          .isInstanceOf(InvalidElementException.class)
          .hasMessageContaining(file + ":4 is not valid JSON")
          .hasMessageContaining("fix or remove that line");
      assertThatThrownBy(reader::next)
          .isInstanceOf(InvalidElementException.class)
          .hasMessageContaining(file + ":5: variable [s[3]] expects [str] but found [int 7]");
      assertThat(reader.next()).isEqualTo(Literals.of("f"));
    }
  }

  @Test
  void shouldRefuseBeforeTheRunWhenTheFirstItemIsBad() throws IOException {
    Path file = Files.writeString(dir.resolve("csv.jsonl"), "name,size\nx,1\n");
    LiteralMap inputs = blob("s", file.toString(), "jsonl", false);

    assertThatThrownBy(() -> source(ECHO, inputs, "s", 1 << 20, 1024))
        .isInstanceOf(InvalidDefinitionException.class)
        .hasMessageContaining(file + ":1 is not valid JSON");
  }

  @Test
  void shouldNameEveryMissingOrMisdeclaredReference() throws IOException {
    Path folder = Files.createDirectories(dir.resolve("folder"));
    Path file = Files.writeString(dir.resolve("one.jsonl"), "\"a\"\n");
    MapTaskSpec spec = MapTask.of(new Echo()).build();

    assertThatThrownBy(
            () ->
                source(
                    spec,
                    blob("s", dir.resolve("none.jsonl").toString(), "jsonl", false),
                    "s",
                    64,
                    2))
        .hasMessageContaining(
            "the JSON Lines file [" + dir.resolve("none.jsonl") + "] of input [s] does not exist");
    assertThatThrownBy(
            () ->
                source(spec, blob("s", dir.resolve("nope").toString(), "jsonl", true), "s", 64, 2))
        .hasMessageContaining(
            "the JSON Lines folder [" + dir.resolve("nope") + "] of input [s] does not exist");
    assertThatThrownBy(() -> source(spec, blob("s", folder.toString(), "jsonl", false), "s", 64, 2))
        .hasMessageContaining("is a folder: mark the blob MULTIPART");
    assertThatThrownBy(() -> source(spec, blob("s", file.toString(), "jsonl", true), "s", 64, 2))
        .hasMessageContaining("is a file: mark the blob SINGLE");
    assertThatThrownBy(() -> source(spec, blob("s", file.toString(), "csv", false), "s", 64, 2))
        .hasMessageContaining("input [s] is mapped over a list of [str] but is given a blob")
        .hasMessageContaining("of format [csv]")
        .hasMessageContaining("json-lines, jsonl, ndjson");
    assertThatThrownBy(() -> source(spec, blob("s", dir + "/*.csv", "", false), "s", 64, 2))
        .hasMessageContaining("a file pattern with format jsonl");
    // An empty folder is an empty list.
    assertThat(source(spec, blob("s", folder.toString(), "jsonl", true), "s", 64, 2).size())
        .isZero();
  }

  @Test
  void shouldMakeEachFileOfAPatternOneItemSortedByPath() throws Exception {
    Path data = Files.createDirectories(dir.resolve("data"));
    Files.writeString(data.resolve("b.csv"), "2");
    Files.writeString(data.resolve("a.csv"), "1");
    Files.writeString(data.resolve("c.txt"), "3");
    Files.createDirectories(data.resolve("d.csv"));
    MapTaskSpec spec = MapTask.of(new Open()).build();
    LiteralMap inputs = blob("f", data + "/*.csv", "csv", false);

    ElementSource source = source(spec, inputs, "f", 64, 1);

    assertThat(source.size()).isEqualTo(2);
    try (ElementSource.Reader reader = source.read(0, 2)) {
      assertThat(reader.next())
          .isEqualTo(Literals.of(new Blob(data.resolve("a.csv").toString(), "csv", false)));
      assertThat(reader.next())
          .isEqualTo(Literals.of(new Blob(data.resolve("b.csv").toString(), "csv", false)));
    }
    assertThatThrownBy(() -> source(spec, blob("f", data + "/*.png", "", false), "f", 64, 1))
        .isInstanceOf(InvalidDefinitionException.class)
        .hasMessageContaining(
            "the file pattern ["
                + data
                + "/*.png] of input [f] matches no file: check the pattern");
  }

  @Test
  void shouldReadMatchingFilesAsJsonLinesWhenTheItemsAreNotFiles() throws Exception {
    Files.writeString(dir.resolve("p-1.jsonl"), "\"c\"\n");
    Files.writeString(dir.resolve("p-0.jsonl"), "\"a\"\n\"b\"\n");

    ElementSource source = source(ECHO, blob("s", dir + "/p-*.jsonl", "jsonl", false), "s", 64, 1);

    assertThat(readAll(source, 2)).containsExactly("a", "b", "c");
  }

  @Test
  void shouldKeepOtherMappedInputsInStepWhenOneItemIsBad() throws Exception {
    MapTaskSpec spec = MapTask.of(new Both()).build();
    Path file = Files.writeString(dir.resolve("s.jsonl"), "\"a\"\n1\n\"c\"\n");
    LiteralMap inputs =
        blob("s", file.toString(), "jsonl", false).toBuilder()
            .putLiterals(
                "n",
                Literals.collection(List.of(Literals.of(10L), Literals.of(11L), Literals.of(12L))))
            .build();
    InputReferences references = InputReferences.find(spec, inputs, dir.resolve("i").toString());
    references.tasks().forEach(IndexTask::run);
    MapInputs mapInputs = MapInputs.of(spec, references.nodeInputs(), references.sources());

    try (MapInputs.Elements elements = mapInputs.read(0, 3)) {
      assertThat(elements.next()).isEqualTo(Map.of("s", Literals.of("a"), "n", Literals.of(10L)));
      assertThatThrownBy(elements::next).hasMessageContaining(file + ":2");
      assertThat(elements.next()).isEqualTo(Map.of("s", Literals.of("c"), "n", Literals.of(12L)));
    }
  }

  @Test
  void shouldRefuseMappedInputsOfDifferentLengthsBeforeTheRun() throws Exception {
    MapTaskSpec spec = MapTask.of(new Both()).build();
    Path file = Files.writeString(dir.resolve("s.jsonl"), "\"a\"\n\"b\"\n\"c\"\n");
    LiteralMap inputs =
        blob("s", file.toString(), "jsonl", false).toBuilder()
            .putLiterals("n", Literals.collection(List.of(Literals.of(10L), Literals.of(11L))))
            .build();
    InputReferences references = InputReferences.find(spec, inputs, dir.resolve("i").toString());
    references.tasks().forEach(IndexTask::run);

    assertThatThrownBy(() -> MapInputs.of(spec, references.nodeInputs(), references.sources()))
        .isInstanceOf(InvalidDefinitionException.class)
        .hasMessageContaining("input arrays have different lengths: expecting '3' found '2'");
  }

  public record SN(String s, long n) {}

  /** Never run here: only its interface matters. */
  public static final class Both extends JavaTask<SN, Out> {
    private static final long serialVersionUID = 1L;

    public Both() {
      super("jsonl_test_both", SN.class, Out.class);
    }

    @Override
    public Out run(SN input, TaskContext context) {
      return new Out(input.s() + input.n());
    }
  }

  @Test
  void shouldCountLinesOfAChunkByWhereTheyStart() throws IOException {
    Path file = Files.writeString(dir.resolve("c.jsonl"), "1\n22\n333\n");
    // Bytes: "1\n" 0-1, "22\n" 2-4, "333\n" 5-8.
    assertThat(JsonLinesSource.index(file.toString(), 0, 2, 1).elements()).isEqualTo(1);
    assertThat(JsonLinesSource.index(file.toString(), 1, 3, 1).elements()).isEqualTo(1);
    assertThat(JsonLinesSource.index(file.toString(), 2, 3, 1).offsets()).containsExactly(2L);
    assertThat(JsonLinesSource.index(file.toString(), 3, 5, 1).elements()).isZero();
    assertThat(JsonLinesSource.index(file.toString(), 3, 9, 1).offsets()).containsExactly(5L);
    assertThat(JsonLinesSource.index(file.toString(), 9, 9, 1).elements()).isZero();
  }

  @Test
  void shouldReadOneOutputOfAMapsOutputShardsNamedInTheBlobsMetadata() throws Exception {
    Path out = dir.resolve("out");
    Path elements = Files.createDirectories(Path.of(OutputShards.elementsDir(out.toString())));
    Files.writeString(
        elements.resolve("part-000000000000-000000000002.jsonl"),
        "{\"index\":0,\"outputs\":{\"o0\":\"a\",\"o1\":1}}\n"
            + "{\"index\":1,\"outputs\":{\"o0\":null,\"o1\":null}}\n");
    Files.writeString(
        elements.resolve("part-000000000002-000000000004.jsonl"),
        "{\"index\":2,\"outputs\":{\"o0\":\"c\",\"o1\":3}}\n"
            + "{\"index\":3,\"outputs\":{\"o1\":4}}\n");
    LiteralMap refs = OutputShards.references(out.toString(), List.of("o0", "o1"));
    LiteralMap inputs =
        LiteralMap.newBuilder().putLiterals("s", refs.getLiteralsOrThrow("o0")).build();

    ElementSource source = source(ECHO, inputs, "s", 1 << 20, 2);

    assertThat(source.size()).isEqualTo(4);
    try (ElementSource.Reader reader = source.read(0, 4)) {
      assertThat(reader.next().getScalar().getPrimitive().getStringValue()).isEqualTo("a");
      // A failed element's none is not a string: that element fails, not the range.
      assertThatThrownBy(reader::next).isInstanceOf(InvalidElementException.class);
      assertThat(reader.next().getScalar().getPrimitive().getStringValue()).isEqualTo("c");
      assertThatThrownBy(reader::next)
          .isInstanceOf(InvalidElementException.class)
          .hasMessageContaining("has no output [o0]");
    }
  }
}
