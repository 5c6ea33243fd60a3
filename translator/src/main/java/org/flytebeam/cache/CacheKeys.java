package org.flytebeam.cache;

import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.MessageLite;
import flyteidl.core.IdentifierOuterClass.Identifier;
import flyteidl.core.Interface.TypedInterface;
import flyteidl.core.Literals.Literal;
import flyteidl.core.Literals.LiteralCollection;
import flyteidl.core.Literals.LiteralMap;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collection;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.flytebeam.spec.SubTask;

/**
 * Makes the cache keys of one cacheable sub-task. What goes into a key follows Flyte's catalog
 * (flytepropeller's datacatalog transformer and flyteplugins' literal hashing): the task's project,
 * domain and name but not its version, the {@code discovery_version} trimmed of spaces, the
 * interface, and the inputs minus {@code cache_ignore_input_vars}, where a literal whose {@code
 * hash} is set counts by that hash alone, inside collections and maps too.
 *
 * <p>Hashes are SHA-256 over protobuf's deterministic serialization, which writes map entries
 * sorted by key: a {@code LiteralMap}, a map literal or a {@code Struct} built in any order gives
 * the same key.
 */
public final class CacheKeys {
  private final String project;
  private final String domain;
  private final String name;
  private final String version;
  private final String interfaceHash;
  private final Set<String> ignored;

  private CacheKeys(
      String project,
      String domain,
      String name,
      String version,
      String interfaceHash,
      Collection<String> ignored) {
    this.project = project;
    this.domain = domain;
    this.name = name;
    this.version = version;
    this.interfaceHash = interfaceHash;
    this.ignored = Set.copyOf(new TreeSet<>(ignored));
  }

  /** The keys of {@code subTask}; empty when it is not cacheable. */
  public static Optional<CacheKeys> of(SubTask subTask) {
    if (subTask.cacheVersion().isEmpty()) {
      return Optional.empty();
    }
    Identifier id = subTask.template().getId();
    return Optional.of(
        new CacheKeys(
            id.getProject(),
            id.getDomain(),
            id.getName(),
            trimSpaces(subTask.cacheVersion().get()),
            interfaceHash(subTask.scalarInterface()),
            subTask.cacheIgnoreInputVars()));
  }

  /** The key of an element with these inputs (every input of the sub-task, bound ones included). */
  public CacheKey keyOf(Map<String, Literal> inputs) {
    return new CacheKey(project, domain, name, version, interfaceHash, inputsHash(inputs, ignored));
  }

  /** Spaces around a version do not make another one, as in Flyte; an empty one is invalid. */
  public static String trimSpaces(String version) {
    int from = 0;
    int to = version.length();
    while (from < to && version.charAt(from) == ' ') {
      from++;
    }
    while (to > from && version.charAt(to - 1) == ' ') {
      to--;
    }
    return version.substring(from, to);
  }

  /** SHA-256 (hex) of the interface's inputs and outputs; an absent map hashes as an empty one. */
  public static String interfaceHash(TypedInterface scalarInterface) {
    TypedInterface normalized =
        TypedInterface.newBuilder()
            .setInputs(scalarInterface.getInputs())
            .setOutputs(scalarInterface.getOutputs())
            .build();
    return sha256Hex(deterministic(normalized));
  }

  /** SHA-256 (hex) of {@code inputs} minus {@code ignored}, each literal hashified. */
  public static String inputsHash(Map<String, Literal> inputs, Collection<String> ignored) {
    LiteralMap.Builder kept = LiteralMap.newBuilder();
    for (Map.Entry<String, Literal> input : inputs.entrySet()) {
      if (!ignored.contains(input.getKey())) {
        kept.putLiterals(input.getKey(), hashify(input.getValue()));
      }
    }
    return sha256Hex(deterministic(kept.build()));
  }

  /**
   * The literal as it is keyed: when its {@code hash} is set, a literal holding only that hash;
   * else collections and maps with their items so treated; else the literal itself.
   */
  static Literal hashify(Literal literal) {
    if (!literal.getHash().isEmpty()) {
      return Literal.newBuilder().setHash(literal.getHash()).build();
    }
    if (literal.hasCollection()) {
      LiteralCollection.Builder items = LiteralCollection.newBuilder();
      for (Literal item : literal.getCollection().getLiteralsList()) {
        items.addLiterals(hashify(item));
      }
      return Literal.newBuilder().setCollection(items).build();
    }
    if (literal.hasMap()) {
      LiteralMap.Builder entries = LiteralMap.newBuilder();
      literal.getMap().getLiteralsMap().forEach((k, v) -> entries.putLiterals(k, hashify(v)));
      return Literal.newBuilder().setMap(entries).build();
    }
    return literal;
  }

  /** The message's bytes with map entries sorted by key, so equal messages give equal bytes. */
  static byte[] deterministic(MessageLite message) {
    byte[] bytes = new byte[message.getSerializedSize()];
    CodedOutputStream out = CodedOutputStream.newInstance(bytes);
    out.useDeterministicSerialization();
    try {
      message.writeTo(out);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot serialize a cache key", e);
    }
    out.checkNoSpaceLeft();
    return bytes;
  }

  static String sha256Hex(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError("every Java platform has SHA-256", e);
    }
  }
}
