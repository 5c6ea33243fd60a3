package org.flytebeam.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import flyteidl.core.Literals.Literal;
import flyteidl.core.Literals.LiteralMap;
import flyteidl.core.Literals.Primitive;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * What a variant computed: how many outputs, their (wrapping) sum, how many elements failed. Every
 * variant of one workload and size must agree.
 */
public record Checksum(long count, long sum, long failures) {

  @Override
  public String toString() {
    return "count=" + count + " sum=" + sum + " failures=" + failures;
  }

  /**
   * From a variant's stdout: the {@code key=value} words of lines starting {@code checksum}, such
   * as {@code checksum count=3 sum=14} and {@code checksum failures=0}.
   *
   * @throws IllegalArgumentException when a value is missing
   */
  public static Checksum parse(String stdout) {
    Map<String, Long> values = new HashMap<>();
    for (String line : stdout.split("\n")) {
      String[] words = line.strip().split("\\s+");
      if (words.length == 0 || !words[0].equals("checksum")) {
        continue;
      }
      for (int i = 1; i < words.length; i++) {
        int eq = words[i].indexOf('=');
        if (eq > 0) {
          values.put(words[i].substring(0, eq), Long.parseLong(words[i].substring(eq + 1)));
        }
      }
    }
    for (String key : new String[] {"count", "sum", "failures"}) {
      if (!values.containsKey(key)) {
        throw new IllegalArgumentException(
            "no [checksum " + key + "=...] line in the variant's stdout: " + abbreviate(stdout));
      }
    }
    return new Checksum(values.get("count"), values.get("sum"), values.get("failures"));
  }

  /**
   * From a flyte-beam outputs file: the binary LiteralMap's {@code o0} collection of integers, a
   * {@code none} for each failed element.
   */
  public static Checksum fromOutputs(Path file, String outputName) throws IOException {
    LiteralMap outputs = LiteralMap.parseFrom(Files.readAllBytes(file));
    Literal list = outputs.getLiteralsMap().get(outputName);
    if (list == null || !list.hasCollection()) {
      throw new IllegalArgumentException(
          "outputs ["
              + file
              + "] hold no collection ["
              + outputName
              + "]: "
              + outputs.getLiteralsMap().keySet());
    }
    long count = 0;
    long sum = 0;
    long failures = 0;
    for (Literal element : list.getCollection().getLiteralsList()) {
      if (element.hasScalar() && element.getScalar().hasNoneType()) {
        failures++;
      } else if (element.hasScalar()
          && element.getScalar().getPrimitive().getValueCase() == Primitive.ValueCase.INTEGER) {
        count++;
        sum += element.getScalar().getPrimitive().getInteger();
      } else {
        throw new IllegalArgumentException(
            "outputs [" + file + "] hold a non-integer element: " + element);
      }
    }
    return new Checksum(count, sum, failures);
  }

  /**
   * The binary LiteralMap a run wrote at {@code file}.
   *
   * @param what the run, as the failure names it ({@code "container N=500"})
   * @throws Bench.BenchFailedException when the file is missing or is no LiteralMap
   */
  static LiteralMap readOutputs(Path file, String what) {
    try {
      return LiteralMap.parseFrom(Files.readAllBytes(file));
    } catch (IOException e) {
      throw new Bench.BenchFailedException(what + " left no valid outputs: " + e.getMessage());
    }
  }

  /**
   * {@link #fromOutputs} of a run the benchmark depends on.
   *
   * @param what the run, as the failure names it
   * @throws Bench.BenchFailedException when the outputs are missing or not a list of integers
   */
  static Checksum ofRun(Path file, String outputName, String what) {
    try {
      return fromOutputs(file, outputName);
    } catch (IOException | IllegalArgumentException e) {
      throw new Bench.BenchFailedException(what + " left no valid outputs: " + e.getMessage());
    }
  }

  /**
   * From the shards of a flyte-beam {@code --outputs-dir} run ({@code elements/part-*.jsonl}, lines
   * {@code {"index":i,"outputs":{"o0":v}}}), streaming: {@code null} counts as a failure.
   *
   * @throws IllegalArgumentException when the shards, in name order, do not hold the indices 0, 1,
   *     2, ... one line each, or a value is not an integer or null
   */
  public static Checksum fromShards(Path elementsDir, String outputName) throws IOException {
    List<Path> shards;
    try (Stream<Path> files = Files.list(elementsDir)) {
      shards = files.filter(f -> f.getFileName().toString().endsWith(".jsonl")).sorted().toList();
    }
    ObjectMapper json = new ObjectMapper();
    long count = 0;
    long sum = 0;
    long failures = 0;
    long expectedIndex = 0;
    for (Path shard : shards) {
      try (BufferedReader in = Files.newBufferedReader(shard, StandardCharsets.UTF_8)) {
        for (String line = in.readLine(); line != null; line = in.readLine()) {
          JsonNode element = json.readTree(line);
          long index = element.path("index").asLong(-1);
          if (index != expectedIndex) {
            throw new IllegalArgumentException(
                shard + ": index " + index + " where " + expectedIndex + " was expected");
          }
          expectedIndex++;
          JsonNode value = element.path("outputs").path(outputName);
          if (value.isNull()) {
            failures++;
          } else if (value.isIntegralNumber()) {
            count++;
            sum += value.asLong();
          } else {
            throw new IllegalArgumentException(
                shard + ": index " + index + " has no integer [" + outputName + "]: " + line);
          }
        }
      }
    }
    return new Checksum(count, sum, failures);
  }

  private static String abbreviate(String text) {
    String oneLine = text.strip().replace('\n', '|');
    return "[" + (oneLine.length() > 300 ? oneLine.substring(0, 300) + "..." : oneLine) + "]";
  }
}
