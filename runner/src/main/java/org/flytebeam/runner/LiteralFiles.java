package org.flytebeam.runner;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import flyteidl.core.Interface.VariableMap;
import flyteidl.core.Literals.LiteralMap;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.function.Supplier;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.fs.ResourceId;
import org.apache.beam.sdk.util.MimeTypes;
import org.flytebeam.InvalidDefinitionException;
import org.flytebeam.beam.MapResult;
import org.flytebeam.exec.AtomicFiles;
import org.flytebeam.types.PlainJson;

/**
 * Reads {@code --inputs} and writes {@code --outputs}: LiteralMaps as protobuf JSON, binary, or
 * plain JSON.
 */
final class LiteralFiles {
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private LiteralFiles() {}

  /**
   * A LiteralMap from {@code .pb} (binary), or from {@code .json}: protobuf JSON ({@code
   * {"literals": {...}}}) or a plain JSON object converted by the workflow's inputs ({@code {"x":
   * [1, 2]}}).
   */
  static LiteralMap readInputs(java.nio.file.Path file, VariableMap workflowInputs) {
    return readInputs(file.toString(), workflowInputs);
  }

  static LiteralMap readInputs(String file, VariableMap workflowInputs) {
    return readInputs(file, workflowInputs, java.util.Set.of());
  }

  /**
   * As {@link #readInputs(String, VariableMap)}, the inputs named in {@code optional} (they have
   * defaults) left out when the file does not give them.
   */
  static LiteralMap readInputs(
      String file, VariableMap workflowInputs, java.util.Set<String> optional) {
    boolean stdin = STDIN.equals(file);
    byte[] bytes = stdin ? readStdin() : read(file, "--inputs");
    String name = fileName(file);
    if (stdin) {
      file = "- (standard input)";
    }
    if (stdin ? !looksLikeJson(bytes) : name.endsWith(".pb")) {
      try {
        return LiteralMap.parseFrom(bytes);
      } catch (InvalidProtocolBufferException e) {
        throw new InvalidDefinitionException(
            String.format(
                "inputs file [%s] is not a binary flyteidl LiteralMap: %s", file, e.getMessage()));
      }
    }
    String text = new String(bytes, StandardCharsets.UTF_8);
    JsonNode root;
    try {
      root = JSON.readTree(text);
    } catch (IOException e) {
      throw new InvalidDefinitionException(
          String.format(
              "inputs file [%s] is not valid JSON: %s",
              file, e.getMessage().lines().findFirst().orElse("")));
    }
    if (root == null || !root.isObject()) {
      throw new InvalidDefinitionException(
          String.format("inputs file [%s] must hold a JSON object of workflow inputs", file));
    }
    boolean literalMapJson =
        root.size() == 1
            && root.has("literals")
            && root.get("literals").isObject()
            && !workflowInputs.getVariablesMap().containsKey("literals");
    if (literalMapJson) {
      LiteralMap.Builder map = LiteralMap.newBuilder();
      try {
        JsonFormat.parser().merge(text, map);
      } catch (InvalidProtocolBufferException e) {
        throw new InvalidDefinitionException(
            String.format(
                "inputs file [%s] is not a flyteidl LiteralMap: %s", file, e.getMessage()));
      }
      return map.build();
    }
    checkFloats(file, text);
    VariableMap.Builder given = workflowInputs.toBuilder();
    for (String opt : optional) {
      if (!root.has(opt)) {
        given.removeVariables(opt);
      }
    }
    return PlainJson.fromJson(root, given.build());
  }

  /** {@code --inputs -}: the inputs come from standard input. */
  static final String STDIN = "-";

  private static byte[] readStdin() {
    try {
      return System.in.readAllBytes();
    } catch (IOException e) {
      throw new InvalidDefinitionException(
          "--inputs [-]: standard input cannot be read: " + oneLine(e));
    }
  }

  /**
   * Standard input has no file name to say its format: JSON starts with an object (after blanks, a
   * byte order mark), a binary LiteralMap with a field tag.
   */
  private static boolean looksLikeJson(byte[] bytes) {
    int i = bytes.length >= 3 && (bytes[0] & 0xff) == 0xef && (bytes[1] & 0xff) == 0xbb ? 3 : 0;
    while (i < bytes.length && Character.isWhitespace(bytes[i])) {
      i++;
    }
    // Nothing but blanks: read as JSON, whose error says the input is empty.
    return i == bytes.length || bytes[i] == '{';
  }

  /**
   * The bytes of {@code file}, on any path Beam's {@link FileSystems} opens (local, {@code
   * hdfs://}, {@code gs://}, ...). Missing or unreadable files are {@link
   * InvalidDefinitionException}s that name the option.
   */
  static byte[] read(String file, String option) {
    checkLocal(file, option);
    ResourceId resource;
    try {
      resource = FileSystems.matchNewResource(localPathOf(file), false);
    } catch (IllegalArgumentException e) {
      throw noFileSystem(file, option, e);
    }
    // Opened directly, never matched: Beam's local match of a missing file walks its whole folder.
    try (InputStream in =
        Channels.newInputStream(org.flytebeam.exec.process.LocalFiles.open(resource))) {
      return in.readAllBytes();
    } catch (FileNotFoundException | NoSuchFileException e) {
      throw new InvalidDefinitionException(
          String.format("%s file [%s] does not exist: check the path", option, file));
    } catch (IOException e) {
      throw S3Errors.describe(e, file)
          .map(s3 -> new InvalidDefinitionException(option + " file " + s3, e))
          .orElseGet(
              () ->
                  new InvalidDefinitionException(
                      String.format("%s file [%s] cannot be read: %s", option, file, oneLine(e))));
    } catch (RuntimeException e) {
      throw S3Errors.describe(e, file)
          .map(s3 -> new InvalidDefinitionException(option + " file " + s3, e))
          .orElseThrow(() -> e);
    }
  }

  /**
   * Refuses a number beyond a 64-bit float ({@code 1e400}), naming it as written: the JSON reader
   * would silently make it Infinity.
   */
  private static void checkFloats(String file, String text) {
    try (com.fasterxml.jackson.core.JsonParser parser = JSON.getFactory().createParser(text)) {
      for (com.fasterxml.jackson.core.JsonToken token = parser.nextToken();
          token != null;
          token = parser.nextToken()) {
        if (token == com.fasterxml.jackson.core.JsonToken.VALUE_NUMBER_FLOAT
            && Double.isInfinite(Double.parseDouble(parser.getText()))) {
          throw new InvalidDefinitionException(
              String.format(
                  "inputs file [%s] holds the number [%s] at [%s], beyond a 64-bit float (whose"
                      + " largest is about 1.8e308): write a smaller number, or \"Infinity\" if"
                      + " that is what is meant",
                  file, parser.getText(), parser.getParsingContext().pathAsPointer()));
        }
      }
    } catch (IOException e) {
      // Read once already: a file that parsed does not fail here.
    }
  }

  /**
   * A local path that is a folder or cannot be read, said so (Beam reports both as missing files).
   */
  private static void checkLocal(String file, String option) {
    String local = localPathOf(file);
    if (org.flytebeam.exec.process.LocalFiles.isLocal(local)) {
      java.nio.file.Path path;
      try {
        path = java.nio.file.Path.of(local);
      } catch (java.nio.file.InvalidPathException e) {
        throw new InvalidDefinitionException(
            String.format("%s file [%s] is not a valid path: %s", option, file, e.getReason()));
      }
      if (java.nio.file.Files.isDirectory(path)) {
        throw new InvalidDefinitionException(
            String.format("%s file [%s] is a folder: give the file itself", option, file));
      }
      if (java.nio.file.Files.exists(path) && !java.nio.file.Files.isReadable(path)) {
        throw new InvalidDefinitionException(
            String.format(
                "%s file [%s] cannot be read: permission denied (check its permissions)",
                option, file));
      }
    }
  }

  /** Beam has no file system for the path's scheme: say how to add one. */
  static InvalidDefinitionException noFileSystem(String file, String option, Exception e) {
    return new InvalidDefinitionException(
        String.format(
            "%s file [%s] is on a file system flyte-beam cannot open (%s): hdfs:// needs"
                + " --hadoop-conf DIR (or HADOOP_CONF_DIR); s3:// and gs:// are"
                + " built in; another scheme needs its Beam module with --jars",
            option, file, oneLine(e)));
  }

  private static String oneLine(Exception e) {
    String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    return message.lines().findFirst().orElse("");
  }

  /**
   * {@code file:} URIs as local paths, which is how Beam's local file system takes them; other
   * paths and URIs as they are.
   */
  static String localPathOf(String file) {
    if (file.regionMatches(true, 0, "file:", 0, 5)) {
      try {
        return java.nio.file.Path.of(java.net.URI.create(file)).toString()
            + (file.endsWith("/") ? "/" : "");
      } catch (IllegalArgumentException e) {
        return file.substring(5);
      }
    }
    return file;
  }

  /** The last segment of a path or URI. */
  static String fileName(String file) {
    String trimmed = file.endsWith("/") ? file.substring(0, file.length() - 1) : file;
    return trimmed.substring(trimmed.lastIndexOf('/') + 1);
  }

  /** A workflow's outputs to {@code --outputs}: protobuf JSON (.json) or binary. */
  static void writeOutputs(String file, LiteralMap outputs) throws IOException {
    writeOutputs(file, () -> outputs, outputs::writeTo);
  }

  /**
   * Writes a map's outputs as protobuf JSON ({@code .json}) or binary (any other name, {@code
   * .pb}), on any path Beam's {@link FileSystems} can write (local parent folders are created).
   * Binary outputs are streamed from the run folder, never assembled in memory.
   */
  static void writeOutputs(String file, MapResult result) throws IOException {
    writeOutputs(file, result::outputs, result::writeOutputs);
  }

  /**
   * Writes {@code file} whole or not at all (written beside and renamed: a write that fails half
   * way keeps the previous file whole): the outputs from {@code whole} as protobuf JSON for a
   * {@code .json} name, else what {@code binary} writes.
   */
  private static void writeOutputs(
      String file, Supplier<LiteralMap> whole, AtomicFiles.Content binary) throws IOException {
    ResourceId resource;
    try {
      resource = FileSystems.matchNewResource(localPathOf(file), false);
    } catch (IllegalArgumentException e) {
      throw noFileSystem(file, "--outputs", e);
    }
    AtomicFiles.write(
        resource.toString(),
        MimeTypes.BINARY,
        fileName(file).endsWith(".json")
            ? out ->
                out.write(
                    (JsonFormat.printer().print(whole.get()) + "\n")
                        .getBytes(StandardCharsets.UTF_8))
            : binary);
  }

  /** Outputs as plain JSON, for stdout. */
  static String plainJson(LiteralMap outputs) throws IOException {
    return JSON.writeValueAsString(PlainJson.toJson(outputs));
  }

  /**
   * Whether {@code location} names a folder on a remote file system ({@code s3://B/serialized/}):
   * its URI ends with a slash, or its last segment has no extension and objects lie under it.
   */
  static boolean isRemoteFolder(String location) {
    if (!location.contains("://") || location.regionMatches(true, 0, "file:", 0, 5)) {
      return false;
    }
    if (location.endsWith("/")) {
      return true;
    }
    if (fileName(location).contains(".")) {
      return false;
    }
    try {
      return !FileSystems.match(
              location + "/**", org.apache.beam.sdk.io.fs.EmptyMatchTreatment.ALLOW)
          .metadata()
          .isEmpty();
    } catch (IOException | IllegalArgumentException e) {
      // Read as a file then, whose error names the path.
      return false;
    }
  }

  /**
   * Whether {@code location} names a folder on this machine (a {@code pyflyte serialize} output).
   */
  static boolean isLocalFolder(String location) {
    try {
      return !location.contains("://") && Files.isDirectory(Path.of(location));
    } catch (InvalidPathException e) {
      return false;
    }
  }
}
