package org.flytebeam.exec.process;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.fasterxml.jackson.databind.util.RawValue;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Struct;
import com.google.protobuf.util.JsonFormat;
import flyteidl.core.Interface.Variable;
import flyteidl.core.Interface.VariableMap;
import flyteidl.core.Literals.Blob;
import flyteidl.core.Literals.Literal;
import flyteidl.core.Literals.LiteralCollection;
import flyteidl.core.Literals.LiteralMap;
import flyteidl.core.Literals.Primitive;
import flyteidl.core.Literals.Scalar;
import flyteidl.core.Literals.Schema;
import flyteidl.core.Tasks.DataLoadingConfig.LiteralMapFormat;
import flyteidl.core.Types.BlobType;
import flyteidl.core.Types.LiteralType;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.flytebeam.types.LiteralTypeException;
import org.flytebeam.types.LiteralTypes;
import org.flytebeam.types.Literals;
import org.flytebeam.types.PlainJson;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.representer.Representer;

/**
 * A raw container's files, as Flyte's copilot lays them out for a container with {@code
 * data_config}: its inputs exploded into a folder standing for {@code input_path}, its outputs read
 * back from a folder standing for {@code output_path}.
 *
 * <p>Inputs: one file per input named as the input, holding its text (ints in decimal, floats as
 * {@code strconv.FormatFloat(f, 'f', -1, 64)}, bools {@code true}/{@code false}, datetimes in RFC
 * 3339, durations as Go writes them ({@code 1m30s}), none as {@code null}); a blob copied in its
 * place (a folder for a multipart blob); a list as a folder of {@code 0}, {@code 1}...; a map as a
 * folder of its keys. Then {@code inputs.pb} (the LiteralMap, blob URIs pointing into the folder)
 * and, by the format, {@code inputs.json} or {@code inputs.yaml} (the plain values: durations in
 * nanoseconds, blobs as their local path, as copilot writes them).
 *
 * <p>Outputs: each output from the file named as it, its text trimmed of surrounding spaces, tabs
 * and newlines and parsed by the output's type; a blob output (a file, or a folder for a multipart
 * blob) moved to durable storage. An output without a file of its own is taken from the format's
 * map, {@code outputs.pb}, {@code outputs.json} or {@code outputs.yaml}, when the program wrote
 * one.
 */
public final class DataConfigFiles {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  private static final long MAX_VALUE_FILE_BYTES = 16L << 20;

  private DataConfigFiles() {}

  /** Where a blob output goes: stores the local file or folder, returns its URI. */
  @FunctionalInterface
  public interface BlobSink {
    String store(String output, Path local) throws IOException;
  }

  /** An output could not be read; the message names it and says what was expected. */
  public static final class OutputException extends Exception {
    private static final long serialVersionUID = 1L;

    public OutputException(String message) {
      super(message);
    }
  }

  /**
   * Writes the inputs into {@code folder}, which exists and is empty or holds an earlier attempt's
   * inputs: a value written as one plain file (a primitive, bytes, JSON, none) and the map files go
   * over an earlier attempt's file of that name, in place (a file made anew costs an inode, which
   * on some file systems costs more than the write); anything else there is removed first, links
   * and files of more than one link included, which are never written through.
   *
   * @throws IllegalArgumentException for a value copilot cannot lay out as files
   * @throws SafePaths.UnsafePathException for an input name or a map key that is not a plain file
   *     name (such as {@code ../../x} or {@code /abs/path}), or a local folder holding a link out
   *     of it: nothing is written outside {@code folder}
   */
  public static void writeInputs(Map<String, Literal> inputs, Path folder, LiteralMapFormat format)
      throws IOException {
    keepOnlyRewritten(inputs, folder, format);
    LiteralMap.Builder local = LiteralMap.newBuilder();
    ObjectNode plain = NODES.objectNode();
    for (Map.Entry<String, Literal> e : inputs.entrySet()) {
      Path path = SafePaths.entry(folder, e.getKey(), "name", "input");
      Written w = write(e.getKey(), e.getValue(), path);
      local.putLiterals(e.getKey(), w.literal());
      plain.set(e.getKey(), w.plain());
    }
    LocalFiles.writeInPlace(folder.resolve("inputs.pb"), local.build().toByteArray());
    switch (format) {
      case JSON:
        LocalFiles.writeInPlace(folder.resolve("inputs.json"), JSON.writeValueAsBytes(plain));
        break;
      case YAML:
        LocalFiles.writeInPlace(folder.resolve("inputs.yaml"), utf8(yaml().dump(toJava(plain))));
        break;
      case PROTO:
        break;
      case UNRECOGNIZED:
      default:
        throw new IllegalArgumentException("data_config.format [" + format + "] is not known");
    }
  }

  /** The map files' names, by format: written as plain files. */
  private static final Map<LiteralMapFormat, List<String>> MAP_FILES =
      Map.of(
          LiteralMapFormat.JSON, List.of("inputs.pb", "inputs.json"),
          LiteralMapFormat.YAML, List.of("inputs.pb", "inputs.yaml"),
          LiteralMapFormat.PROTO, List.of("inputs.pb"));

  /**
   * Removes from {@code folder} what this attempt does not write again as a plain file: the names
   * of other values, folders and links. A file of more than one link under a name written again is
   * unlinked by {@link LocalFiles#writeInPlace} before it writes.
   */
  private static void keepOnlyRewritten(
      Map<String, Literal> inputs, Path folder, LiteralMapFormat format) throws IOException {
    Set<String> rewritten = new HashSet<>(MAP_FILES.getOrDefault(format, List.of()));
    inputs.forEach(
        (name, value) -> {
          if (plainFile(value)) {
            rewritten.add(name);
          }
        });
    List<Path> stale = new ArrayList<>();
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(folder)) {
      for (Path entry : entries) {
        if (!rewritten.contains(entry.getFileName().toString())
            || !Files.isRegularFile(entry, LinkOption.NOFOLLOW_LINKS)) {
          stale.add(entry);
        }
      }
    }
    for (Path entry : stale) {
      LocalFiles.deleteTree(entry);
    }
  }

  /** Whether a value is written as one plain file (not a folder, not a copy of a blob). */
  private static boolean plainFile(Literal literal) {
    if (!literal.hasScalar()) {
      return false;
    }
    switch (literal.getScalar().getValueCase()) {
      case PRIMITIVE:
      case BINARY:
      case ERROR:
      case GENERIC:
      case NONE_TYPE:
        return true;
      case UNION:
        return plainFile(literal.getScalar().getUnion().getValue());
      default:
        return false;
    }
  }

  private static byte[] utf8(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  /** A value as laid out: the literal pointing at local files, and its plain form for the JSON. */
  private record Written(Literal literal, JsonNode plain) {}

  private static Written write(String name, Literal literal, Path path) throws IOException {
    switch (literal.getValueCase()) {
      case SCALAR:
        return writeScalar(name, literal, path);
      case COLLECTION:
        {
          Files.createDirectories(path);
          LiteralCollection.Builder items = LiteralCollection.newBuilder();
          ArrayNode plain = NODES.arrayNode();
          List<Literal> list = literal.getCollection().getLiteralsList();
          for (int i = 0; i < list.size(); i++) {
            Written w = write(name + "[" + i + "]", list.get(i), path.resolve(Integer.toString(i)));
            items.addLiterals(w.literal());
            plain.add(w.plain());
          }
          return new Written(Literal.newBuilder().setCollection(items).build(), plain);
        }
      case MAP:
        {
          Files.createDirectories(path);
          LiteralMap.Builder entries = LiteralMap.newBuilder();
          ObjectNode plain = NODES.objectNode();
          for (Map.Entry<String, Literal> e : literal.getMap().getLiteralsMap().entrySet()) {
            Path entry =
                SafePaths.entry(path, e.getKey(), "key", "input [" + name + "] holds the map");
            Written w = write(name + "." + e.getKey(), e.getValue(), entry);
            entries.putLiterals(e.getKey(), w.literal());
            plain.set(e.getKey(), w.plain());
          }
          return new Written(Literal.newBuilder().setMap(entries).build(), plain);
        }
      case OFFLOADED_METADATA:
      case VALUE_NOT_SET:
      default:
        throw new IllegalArgumentException(
            "input ["
                + name
                + "] holds a "
                + lower(literal.getValueCase())
                + " literal, which cannot"
                + " be written as a file");
    }
  }

  private static Written writeScalar(String name, Literal literal, Path path) throws IOException {
    Scalar scalar = literal.getScalar();
    switch (scalar.getValueCase()) {
      case PRIMITIVE:
        {
          Primitive p = scalar.getPrimitive();
          LocalFiles.writeInPlace(path, utf8(primitiveText(p)));
          return new Written(literal, primitivePlain(p));
        }
      case BLOB:
        {
          Blob blob = scalar.getBlob();
          boolean multipart =
              blob.getMetadata().getType().getDimensionality()
                  == BlobType.BlobDimensionality.MULTIPART;
          LocalFiles.copyIn(blob.getUri(), path, multipart);
          Literal local =
              Literal.newBuilder()
                  .setScalar(Scalar.newBuilder().setBlob(blob.toBuilder().setUri(path.toString())))
                  .build();
          return new Written(local, TextNode.valueOf(path.toString()));
        }
      case SCHEMA:
        {
          Schema schema = scalar.getSchema();
          LocalFiles.copyIn(schema.getUri(), path, true);
          Literal local =
              Literal.newBuilder()
                  .setScalar(
                      Scalar.newBuilder().setSchema(schema.toBuilder().setUri(path.toString())))
                  .build();
          return new Written(local, TextNode.valueOf(path.toString()));
        }
      case BINARY:
        {
          byte[] bytes = scalar.getBinary().getValue().toByteArray();
          LocalFiles.writeInPlace(path, bytes);
          return new Written(literal, TextNode.valueOf(Base64.getEncoder().encodeToString(bytes)));
        }
      case ERROR:
        LocalFiles.writeInPlace(path, utf8(scalar.getError().getMessage()));
        return new Written(literal, TextNode.valueOf(scalar.getError().getMessage()));
      case GENERIC:
        {
          String json = JsonFormat.printer().print(scalar.getGeneric());
          LocalFiles.writeInPlace(path, utf8(json));
          return new Written(literal, JSON.readTree(json));
        }
      case NONE_TYPE:
        LocalFiles.writeInPlace(path, utf8("null"));
        return new Written(literal, NODES.nullNode());
      case UNION:
        // Copilot refuses unions; their value is laid out instead.
        return write(name, scalar.getUnion().getValue(), path);
      case STRUCTURED_DATASET:
      case VALUE_NOT_SET:
      default:
        throw new IllegalArgumentException(
            "input ["
                + name
                + "] holds a "
                + lower(scalar.getValueCase())
                + " value, which cannot"
                + " be written as a file");
    }
  }

  /**
   * A primitive's text in its input file, as copilot writes it. Deliberately apart from {@code
   * Templates.goValue}, which is alike in shape: a command line gets Go's {@code %v} text (floats
   * and durations written otherwise), and an empty primitive is an error there, not {@code null}.
   */
  static String primitiveText(Primitive p) {
    switch (p.getValueCase()) {
      case INTEGER:
        return Long.toString(p.getInteger());
      case FLOAT_VALUE:
        return GoText.formatFloatF(p.getFloatValue());
      case STRING_VALUE:
        return p.getStringValue();
      case BOOLEAN:
        return Boolean.toString(p.getBoolean());
      case DATETIME:
        return GoText.formatTimestamp(p.getDatetime());
      case DURATION:
        return GoText.formatGoDuration(p.getDuration());
      case VALUE_NOT_SET:
      default:
        return "null";
    }
  }

  private static JsonNode primitivePlain(Primitive p) {
    switch (p.getValueCase()) {
      case INTEGER:
        return NODES.numberNode(p.getInteger());
      case FLOAT_VALUE:
        {
          double v = p.getFloatValue();
          // JSON has no NaN or infinities: their Go text, quoted.
          return Double.isNaN(v) || Double.isInfinite(v)
              ? TextNode.valueOf(GoText.formatFloatF(v))
              : NODES.rawValueNode(new RawValue(GoText.formatFloatJson(v)));
        }
      case STRING_VALUE:
        return TextNode.valueOf(p.getStringValue());
      case BOOLEAN:
        return NODES.booleanNode(p.getBoolean());
      case DATETIME:
        return TextNode.valueOf(GoText.formatTimestamp(p.getDatetime()));
      case DURATION:
        // Go's time.Duration is an int64 of nanoseconds, and so is its JSON.
        com.google.protobuf.Duration duration = p.getDuration();
        return NODES.numberNode(
            BigInteger.valueOf(duration.getSeconds())
                .multiply(BigInteger.valueOf(1_000_000_000L))
                .add(BigInteger.valueOf(duration.getNanos())));
      case VALUE_NOT_SET:
      default:
        return NODES.nullNode();
    }
  }

  /**
   * Reads the outputs, in the order of {@code outputs}, from {@code folder}.
   *
   * @param declaredFolder the {@code output_path} the program wrote to, for messages
   * @throws OutputException when an output is missing or does not parse as its type
   * @throws SafePaths.UnsafePathException when an output file, or a file in an output folder, is a
   *     symbolic link leading out of {@code folder}
   */
  public static List<Literal> readOutputs(
      Path folder,
      String declaredFolder,
      VariableMap outputs,
      LiteralMapFormat format,
      BlobSink blobs)
      throws OutputException, IOException {
    Map<String, Variable> vars = outputs.getVariablesMap();
    List<Literal> result = new ArrayList<>(vars.size());
    Aggregate aggregate = null;
    for (Map.Entry<String, Variable> e : vars.entrySet()) {
      String name = e.getKey();
      LiteralType type = e.getValue().getType();
      Path file = SafePaths.entry(folder, name, "name", "output");
      if (Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
        // A task's link to a file elsewhere would make that file an output: refused.
        SafePaths.requireNoEscape(folder, file, "output [" + name + "]");
        result.add(readFile(name, file, type, blobs));
        continue;
      }
      if (aggregate == null) {
        aggregate = Aggregate.read(folder, format);
      }
      Literal fromMap = aggregate.get(name, type);
      if (fromMap == null) {
        throw new OutputException(
            String.format(
                "output [%s] was not written: write it to [%s]%s",
                name,
                LocalFiles.join(declaredFolder, name),
                aggregate.file == null ? "" : " or into [" + aggregate.file.getFileName() + "]"));
      }
      result.add(fromMap);
    }
    return result;
  }

  private static Literal readFile(String name, Path file, LiteralType type, BlobSink blobs)
      throws OutputException, IOException {
    LiteralType t = LiteralTypes.isOptional(type) ? LiteralTypes.stripOptional(type) : type;
    switch (t.getTypeCase()) {
      case BLOB:
        {
          boolean dir = Files.isDirectory(file);
          String uri = blobs.store(name, file);
          return Literals.of(new org.flytebeam.types.Blob(uri, t.getBlob().getFormat(), dir));
        }
      case SCHEMA:
        {
          String uri = blobs.store(name, file);
          return Literal.newBuilder()
              .setScalar(
                  Scalar.newBuilder()
                      .setSchema(Schema.newBuilder().setUri(uri).setType(t.getSchema())))
              .build();
        }
      case SIMPLE:
      case ENUM_TYPE:
        return parseText(name, readText(name, file), t);
      default:
        throw new OutputException(
            String.format(
                "output [%s] of type [%s] cannot be read from its file [%s]: only primitives and"
                    + " blobs can; write it into outputs.pb, outputs.json or outputs.yaml instead",
                name, LiteralTypes.describe(type), file.getFileName()));
    }
  }

  private static String readText(String name, Path file) throws OutputException, IOException {
    if (Files.isDirectory(file)) {
      throw new OutputException(
          String.format("output [%s] is a folder: a file holding its value was expected", name));
    }
    if (Files.size(file) > MAX_VALUE_FILE_BYTES) {
      throw new OutputException(
          String.format(
              "output [%s] is %d bytes: a value file holds at most %d",
              name, Files.size(file), MAX_VALUE_FILE_BYTES));
    }
    return new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
  }

  /** Text parsed by a simple type after trimming surrounding spaces, tabs and newlines. */
  static Literal parseText(String name, String raw, LiteralType type) throws OutputException {
    String s = raw.replaceAll("^[ \\t\\r\\n]+|[ \\t\\r\\n]+$", "");
    if (type.hasEnumType()) {
      if (!type.getEnumType().getValuesList().contains(s)) {
        throw unparsable(name, s, type, "use one of " + type.getEnumType().getValuesList());
      }
      return Literals.of(s);
    }
    switch (type.getSimple()) {
      case INTEGER:
        try {
          return Literals.of(Long.parseLong(s));
        } catch (NumberFormatException e) {
          throw unparsable(name, s, type, "write a 64-bit integer in decimal");
        }
      case FLOAT:
        {
          Double d = GoText.parseFloat(s);
          if (d == null) {
            throw unparsable(name, s, type, "write a decimal number such as 2.5 or 1e-3");
          }
          return Literals.of(d);
        }
      case STRING:
        return Literals.of(s);
      case BOOLEAN:
        {
          Boolean b = GoText.parseBool(s);
          if (b == null) {
            throw unparsable(name, s, type, "write true or false");
          }
          return Literals.of(b);
        }
      case DATETIME:
      case DURATION:
        try {
          return PlainJson.fromJson(name, TextNode.valueOf(s), type);
        } catch (LiteralTypeException e) {
          throw unparsable(
              name,
              s,
              type,
              type.getSimple() == flyteidl.core.Types.SimpleType.DATETIME
                  ? "write RFC 3339, e.g. 2024-01-31T12:00:00Z"
                  : "write a Go duration, e.g. 1m30s or 250ms");
        }
      case STRUCT:
        try {
          Struct.Builder struct = Struct.newBuilder();
          JsonFormat.parser().merge(s, struct);
          return Literals.of(struct.build());
        } catch (InvalidProtocolBufferException e) {
          throw unparsable(name, s, type, "write a JSON object");
        }
      case NONE:
        return Literals.none();
      case BINARY:
        return Literal.newBuilder()
            .setScalar(
                Scalar.newBuilder()
                    .setBinary(
                        flyteidl.core.Literals.Binary.newBuilder()
                            .setValue(com.google.protobuf.ByteString.copyFromUtf8(s))))
            .build();
      case ERROR:
        return Literal.newBuilder()
            .setScalar(
                Scalar.newBuilder().setError(flyteidl.core.Types.Error.newBuilder().setMessage(s)))
            .build();
      case UNRECOGNIZED:
      default:
        throw unparsable(name, s, type, "its type is not known");
    }
  }

  private static OutputException unparsable(
      String name, String text, LiteralType type, String fix) {
    String shown = text.length() > 60 ? text.substring(0, 57) + "..." : text;
    return new OutputException(
        String.format(
            "output [%s] expects [%s] but its file holds [%s]: %s",
            name, LiteralTypes.describe(type), shown, fix));
  }

  /** The outputs map of the configured format, when the program wrote one. */
  private static final class Aggregate {
    final Path file;
    final LiteralMap proto;
    final JsonNode plain;

    private Aggregate(Path file, LiteralMap proto, JsonNode plain) {
      this.file = file;
      this.proto = proto;
      this.plain = plain;
    }

    static Aggregate read(Path folder, LiteralMapFormat format)
        throws OutputException, IOException {
      String name;
      switch (format) {
        case PROTO -> name = "outputs.pb";
        case JSON -> name = "outputs.json";
        case YAML -> name = "outputs.yaml";
        default ->
            throw new IllegalArgumentException("data_config.format [" + format + "] is not known");
      }
      Path file = folder.resolve(name);
      if (!Files.isRegularFile(file)) {
        return new Aggregate(null, null, null);
      }
      SafePaths.requireNoEscape(folder, file, name);
      switch (format) {
        case PROTO -> {
          try {
            return new Aggregate(file, LiteralMap.parseFrom(Files.readAllBytes(file)), null);
          } catch (InvalidProtocolBufferException e) {
            throw new OutputException("outputs.pb is not a flyteidl LiteralMap: " + e.getMessage());
          }
        }
        case JSON -> {
          try {
            return new Aggregate(file, null, object(file, JSON.readTree(file.toFile())));
          } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new OutputException("outputs.json is not valid JSON: " + e.getOriginalMessage());
          }
        }
        case YAML -> {
          Object loaded;
          try {
            loaded = yaml().load(Files.readString(file));
          } catch (RuntimeException e) {
            throw new OutputException(
                "outputs.yaml is not valid YAML: " + firstLine(e.getMessage()));
          }
          return new Aggregate(file, null, object(file, JSON.valueToTree(datesAsText(loaded))));
        }
        default -> throw new AssertionError(format);
      }
    }

    private static JsonNode object(Path file, JsonNode node) throws OutputException {
      if (node == null || !node.isObject()) {
        throw new OutputException(
            file.getFileName() + " must hold an object of outputs by name, e.g. {\"y\": 6}");
      }
      return node;
    }

    Literal get(String name, LiteralType type) throws OutputException {
      if (proto != null) {
        return proto.getLiteralsMap().get(name);
      }
      if (plain != null && plain.has(name)) {
        try {
          return PlainJson.fromJson(name, plain.get(name), type);
        } catch (LiteralTypeException e) {
          throw new OutputException(file.getFileName() + ": " + e.getMessage());
        }
      }
      return null;
    }
  }

  private static Yaml yaml() {
    DumperOptions dump = new DumperOptions();
    dump.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
    return new Yaml(new SafeConstructor(new LoaderOptions()), new Representer(dump), dump);
  }

  /** YAML's timestamps, which SnakeYAML reads as dates, back to RFC 3339 text. */
  @SuppressWarnings("JavaUtilDate") // SnakeYAML's type for timestamps; converted at once.
  private static Object datesAsText(Object value) {
    if (value instanceof Date date) {
      return DateTimeFormatter.ISO_INSTANT.format(Instant.ofEpochMilli(date.getTime()));
    }
    if (value instanceof Map<?, ?> map) {
      Map<Object, Object> out = new LinkedHashMap<>();
      map.forEach((k, v) -> out.put(k, datesAsText(v)));
      return out;
    }
    if (value instanceof List<?> list) {
      return list.stream().map(DataConfigFiles::datesAsText).toList();
    }
    return value;
  }

  /** A JSON tree as plain Java values, for the YAML writer. */
  private static Object toJava(JsonNode node) {
    if (node.isObject()) {
      Map<String, Object> map = new LinkedHashMap<>();
      for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        map.put(e.getKey(), toJava(e.getValue()));
      }
      return map;
    }
    if (node.isArray()) {
      List<Object> list = new ArrayList<>();
      node.forEach(n -> list.add(toJava(n)));
      return list;
    }
    if (node.isPojo()
        && ((com.fasterxml.jackson.databind.node.POJONode) node).getPojo()
            instanceof RawValue raw) {
      return Double.parseDouble(raw.rawValue().toString());
    }
    if (node.isNull()) {
      return null;
    }
    if (node.isBoolean()) {
      return node.booleanValue();
    }
    if (node.isIntegralNumber()) {
      return node.bigIntegerValue();
    }
    if (node.isNumber()) {
      return node.doubleValue();
    }
    return node.asText();
  }

  private static String firstLine(String s) {
    return s == null ? "" : s.lines().findFirst().orElse("");
  }

  private static String lower(Enum<?> e) {
    return e.name().toLowerCase(Locale.ROOT);
  }
}
