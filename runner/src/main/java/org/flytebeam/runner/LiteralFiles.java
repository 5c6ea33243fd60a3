package org.flytebeam.runner;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import flyteidl.core.Interface.VariableMap;
import flyteidl.core.Literals.LiteralMap;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.flytebeam.InvalidDefinitionException;
import org.flytebeam.types.PlainJson;

/** Reads {@code --inputs} and writes {@code --outputs}: LiteralMaps as protobuf JSON, binary, or plain JSON. */
final class LiteralFiles {
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private LiteralFiles() {}

  /**
   * A LiteralMap from {@code .pb} (binary), or from {@code .json}: protobuf JSON ({@code {"literals":
   * {...}}}) or a plain JSON object converted by the workflow's inputs ({@code {"x": [1, 2]}}).
   */
  static LiteralMap readInputs(Path file, VariableMap workflowInputs) {
    byte[] bytes = read(file, "--inputs");
    String name = file.getFileName().toString();
    if (name.endsWith(".pb")) {
      try {
        return LiteralMap.parseFrom(bytes);
      } catch (InvalidProtocolBufferException e) {
        throw new InvalidDefinitionException(
            String.format("inputs file [%s] is not a binary flyteidl LiteralMap: %s", file, e.getMessage()));
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
            String.format("inputs file [%s] is not a flyteidl LiteralMap: %s", file, e.getMessage()));
      }
      return map.build();
    }
    return PlainJson.fromJson(root, workflowInputs);
  }

  static byte[] read(Path file, String option) {
    try {
      return Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw new InvalidDefinitionException(
          String.format("%s file [%s] does not exist: check the path", option, file));
    } catch (IOException e) {
      throw new InvalidDefinitionException(
          String.format("%s file [%s] cannot be read: %s", option, file, e.getMessage()));
    }
  }

  /** Writes outputs as protobuf JSON ({@code .json}) or binary (any other name, {@code .pb}). */
  static void writeOutputs(Path file, LiteralMap outputs) throws IOException {
    Path parent = file.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    if (file.getFileName().toString().endsWith(".json")) {
      Files.writeString(file, JsonFormat.printer().print(outputs) + "\n", StandardCharsets.UTF_8);
    } else {
      Files.write(file, outputs.toByteArray());
    }
  }

  /** Outputs as plain JSON, for stdout. */
  static String plainJson(LiteralMap outputs) throws IOException {
    return JSON.writeValueAsString(PlainJson.toJson(outputs));
  }
}
