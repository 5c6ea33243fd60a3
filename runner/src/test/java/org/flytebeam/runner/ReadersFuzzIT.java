package org.flytebeam.runner;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.util.JsonFormat;
import flyteidl.core.Literals.LiteralMap;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.flytebeam.idl.DefinitionReader;
import org.flytebeam.idl.DefinitionWriter;
import org.flytebeam.spec.MapTaskSpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The readers of definitions ({@code .json}, {@code .pb}) and inputs (flyteidl {@code .json},
 * {@code .pb}, plain JSON) face hostile files: at least 10,000 malformed ones, made by mutating the
 * valid examples (bit flips, truncation, random bytes, deep nesting, huge numbers, ...), each run
 * through the CLI's entry point in this JVM. Every one must end with exit 2 and one {@code error:}
 * line: no stack trace, no other exit code, no hang.
 *
 * <p>The outputs folder of every run is under a file, so that a mutant that is still valid ends
 * with exit 2 too (its folder cannot be written) before any element runs, and every case stays
 * fast. The seed is fixed ({@code -Dfuzz.seed=N} to try another) and named in every failure, with
 * the case number and the file that failed.
 */
class ReadersFuzzIT {
  private static final long SEED = Long.getLong("fuzz.seed", 20261206L);
  private static final int CASES = Integer.getInteger("fuzz.cases", 10_000);

  private static final String[] EXAMPLES = {
    "say-hello", "multiply", "format-abc-partial", "square-legacy", "fail-on-two-ratio"
  };
  private static final String[] SHARED = {
    "arraynode-rawcontainer", "arraynode-flytekit", "legacy-container-array"
  };

  @TempDir Path dir;

  private final List<Seed> seeds = new ArrayList<>();
  private Path blockedOutputs;
  private ExecutorService thread;

  /** A valid definition and its inputs, in every form the readers take. */
  private static final class Seed {
    private final String name;
    private final java.util.Map<Target, byte[]> files = new java.util.EnumMap<>(Target.class);

    Seed(
        String name,
        byte[] defJson,
        byte[] defPb,
        byte[] inputsPlain,
        byte[] inputsLiteralJson,
        byte[] inputsPb) {
      this.name = name;
      files.put(Target.DEF_JSON, defJson);
      files.put(Target.DEF_PB, defPb);
      files.put(Target.INPUTS_PLAIN, inputsPlain);
      files.put(Target.INPUTS_LITERAL_JSON, inputsLiteralJson);
      files.put(Target.INPUTS_PB, inputsPb);
    }

    String name() {
      return name;
    }
  }

  private enum Target {
    DEF_JSON(".def.json"),
    DEF_PB(".def.pb"),
    INPUTS_PLAIN(".inputs.json"),
    INPUTS_LITERAL_JSON(".inputs.json"),
    INPUTS_PB(".inputs.pb");

    final String suffix;

    Target(String suffix) {
      this.suffix = suffix;
    }
  }

  @BeforeEach
  void seeds() throws IOException {
    Path examples =
        Path.of(System.getProperty("user.dir")).resolve("../examples/definitions").normalize();
    for (String name : EXAMPLES) {
      seeds.add(
          seed(
              name,
              Files.readAllBytes(examples.resolve(name + ".def.json")),
              Files.readAllBytes(examples.resolve(name + ".inputs.json"))));
    }
    for (String name : SHARED) {
      seeds.add(
          seed(
              name,
              Containers.resource(name + ".def.json").getBytes(StandardCharsets.UTF_8),
              Containers.resource(name + ".inputs.json").getBytes(StandardCharsets.UTF_8)));
    }
    Path blocker = Files.writeString(dir.resolve("blocker"), "a file, not a folder");
    blockedOutputs = blocker.resolve("out");
    thread =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, "fuzz-case");
              t.setDaemon(true);
              return t;
            });
  }

  @AfterEach
  void stop() {
    thread.shutdownNow();
  }

  private Seed seed(String name, byte[] defJson, byte[] inputs) throws IOException {
    Path def = Files.write(dir.resolve(name + ".seed.def.json"), defJson);
    MapTaskSpec spec = DefinitionReader.read(def.toString(), defJson);
    byte[] defPb = DefinitionWriter.toBinary(spec);
    Path in = Files.write(dir.resolve(name + ".seed.inputs.json"), inputs);
    LiteralMap literals = LiteralFiles.readInputs(in, spec.workflowInterface().getInputs());
    byte[] plain;
    try {
      plain = LiteralFiles.plainJson(literals).getBytes(StandardCharsets.UTF_8);
    } catch (UnsupportedOperationException e) {
      plain = inputs;
    }
    return new Seed(
        name,
        defJson,
        defPb,
        plain,
        JsonFormat.printer().print(literals).getBytes(StandardCharsets.UTF_8),
        literals.toByteArray());
  }

  @Test
  void shouldAnswerEveryMalformedDefinitionAndInputsFileWithExitTwoAndOneErrorLine()
      throws Exception {
    Random random = new Random(SEED);
    java.util.Map<Mutation, Integer> byMutation = new java.util.EnumMap<>(Mutation.class);
    for (int c = 0; c < CASES; c++) {
      Seed seed = seeds.get(random.nextInt(seeds.size()));
      Target target = Target.values()[random.nextInt(Target.values().length)];
      Mutation mutation = Mutation.values()[random.nextInt(Mutation.values().length)];
      byMutation.merge(mutation, 1, Integer::sum);
      byte[] original = seed.files.get(target);
      byte[] mutated = mutation.apply(original, random);
      runCase(c, seed, target, mutation, mutated);
    }
    for (Mutation m : Mutation.values()) {
      assertThat(byMutation.getOrDefault(m, 0)).as("cases of %s", m).isGreaterThan(CASES / 20);
    }
  }

  private void runCase(int c, Seed seed, Target target, Mutation mutation, byte[] mutated)
      throws Exception {
    boolean definition = target == Target.DEF_JSON || target == Target.DEF_PB;
    Path def =
        definition
            ? Files.write(dir.resolve("case" + target.suffix), mutated)
            : dir.resolve(seed.name() + ".seed.def.json");
    Path inputs =
        definition
            ? dir.resolve(seed.name() + ".seed.inputs.json")
            : Files.write(dir.resolve("case" + target.suffix), mutated);
    String where =
        String.format(
            "seed %d, case %d: %s of %s (%s), first bytes [%s]",
            SEED,
            c,
            mutation,
            seed.name(),
            target,
            new String(mutated, 0, Math.min(200, mutated.length), StandardCharsets.ISO_8859_1));
    Future<Cli> run =
        thread.submit(
            () ->
                Cli.run(
                    "run",
                    "--definition",
                    def.toString(),
                    "--inputs",
                    inputs.toString(),
                    "--outputs-dir",
                    blockedOutputs.toString(),
                    "--quiet"));
    Cli cli;
    try {
      cli = run.get(30, TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      run.cancel(true);
      throw new AssertionError("no answer within 30 s: " + where, e);
    }
    assertThat(cli.exitCode()).as("exit code; %s; stderr:%n%s", where, cli.err()).isEqualTo(2);
    assertThat(cli.err().lines().toList())
        .as("stderr; %s", where)
        .singleElement()
        .satisfies(line -> assertThat(line).startsWith("error: "));
    assertThat(cli.out()).as("stdout; %s", where).isEmpty();
  }

  /** Ways to damage a file, each seeded by the test's random. */
  private enum Mutation {
    BIT_FLIPS {
      @Override
      byte[] apply(byte[] b, Random r) {
        byte[] m = b.clone();
        int flips = 1 + r.nextInt(8);
        for (int i = 0; i < flips && m.length > 0; i++) {
          int at = r.nextInt(m.length);
          m[at] = (byte) (m[at] ^ (1 << r.nextInt(8)));
        }
        return m;
      }
    },
    TRUNCATION {
      @Override
      byte[] apply(byte[] b, Random r) {
        return java.util.Arrays.copyOf(b, r.nextInt(Math.max(1, b.length)));
      }
    },
    RANDOM_SPAN {
      @Override
      byte[] apply(byte[] b, Random r) {
        byte[] m = b.clone();
        if (m.length == 0) {
          return m;
        }
        int at = r.nextInt(m.length);
        int len = Math.min(m.length - at, 1 + r.nextInt(32));
        byte[] span = new byte[len];
        r.nextBytes(span);
        System.arraycopy(span, 0, m, at, len);
        return m;
      }
    },
    RANDOM_FILE {
      @Override
      byte[] apply(byte[] b, Random r) {
        byte[] m = new byte[r.nextInt(2048)];
        r.nextBytes(m);
        return m;
      }
    },
    DEEP_NESTING {
      @Override
      byte[] apply(byte[] b, Random r) {
        int depth = 500 + r.nextInt(100_000);
        boolean arrays = r.nextBoolean();
        String open = arrays ? "[" : "{\"a\":";
        String close = arrays ? "]" : "}";
        String nested = open.repeat(depth) + "1" + close.repeat(r.nextInt(4) == 0 ? 0 : depth);
        return splice(b, r, nested);
      }
    },
    HUGE_NUMBER {
      @Override
      byte[] apply(byte[] b, Random r) {
        String[] numbers = {
          "1e400",
          "-1e400",
          "1e-400",
          "99999999999999999999999999999999",
          "-9223372036854775809",
          "1" + "0".repeat(5000),
          "1e999999999",
          "NaN",
          "Infinity",
          "0x7fffffff",
          "1.7976931348623157e309"
        };
        String text = new String(b, StandardCharsets.UTF_8);
        String number = numbers[r.nextInt(numbers.length)];
        // Replace a number of the file, or anything, with the huge one.
        java.util.regex.Matcher digits = java.util.regex.Pattern.compile("-?\\d+").matcher(text);
        List<int[]> spans = new ArrayList<>();
        while (digits.find()) {
          spans.add(new int[] {digits.start(), digits.end()});
        }
        if (spans.isEmpty()) {
          return splice(b, r, number);
        }
        int[] s = spans.get(r.nextInt(spans.size()));
        return (text.substring(0, s[0]) + number + text.substring(s[1]))
            .getBytes(StandardCharsets.UTF_8);
      }
    },
    STRUCTURE {
      @Override
      byte[] apply(byte[] b, Random r) {
        // Swap, drop or duplicate a slice: valid tokens in the wrong places.
        if (b.length < 2) {
          return b.clone();
        }
        int from = r.nextInt(b.length);
        int to = from + r.nextInt(b.length - from);
        byte[] slice = java.util.Arrays.copyOfRange(b, from, to);
        switch (r.nextInt(3)) {
          case 0:
            return concat(java.util.Arrays.copyOf(b, from), tail(b, to));
          case 1:
            return concat(concat(java.util.Arrays.copyOf(b, to), slice), tail(b, to));
          default:
            String[] junk = {"null", "\"\"", "[]", "{}", "true", "\"\\u0000\"", ",", ":", "\"x\":"};
            return concat(
                concat(
                    java.util.Arrays.copyOf(b, from),
                    junk[r.nextInt(junk.length)].getBytes(StandardCharsets.UTF_8)),
                tail(b, to));
        }
      }
    };

    abstract byte[] apply(byte[] original, Random random);

    static byte[] splice(byte[] b, Random r, String text) {
      int at = b.length == 0 ? 0 : r.nextInt(b.length);
      return concat(
          concat(java.util.Arrays.copyOf(b, at), text.getBytes(StandardCharsets.UTF_8)),
          tail(b, at));
    }

    static byte[] tail(byte[] b, int from) {
      return java.util.Arrays.copyOfRange(b, from, b.length);
    }

    static byte[] concat(byte[] a, byte[] b) {
      byte[] c = java.util.Arrays.copyOf(a, a.length + b.length);
      System.arraycopy(b, 0, c, a.length, b.length);
      return c;
    }
  }
}
