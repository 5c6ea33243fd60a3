package org.flytebeam.types;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.ListValue;
import com.google.protobuf.NullValue;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import flyteidl.core.Interface.Variable;
import flyteidl.core.Interface.VariableMap;
import flyteidl.core.Literals.Literal;
import flyteidl.core.Literals.LiteralCollection;
import flyteidl.core.Literals.LiteralMap;
import flyteidl.core.Literals.Primitive;
import flyteidl.core.Literals.Scalar;
import flyteidl.core.Literals.Union;
import flyteidl.core.Types.BlobType;
import flyteidl.core.Types.LiteralType;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Plain JSON, as users write it, to and from Flyte literals: {@code {"x": [1, 2, 3], "name":
 * "earth"}} rather than the protobuf JSON mapping of a {@code LiteralMap}. The declared type says
 * how to read each value.
 *
 * <pre>{@code
 * JsonNode json = new ObjectMapper().readTree("{\"x\": [1, 2, 3], \"k\": 3}");
 * LiteralMap inputs = PlainJson.fromJson(json, task.getInterface().getInputs());
 * ObjectNode back = PlainJson.toJson(inputs); // {"x":[1,2,3],"k":3}
 * }</pre>
 *
 * <p>Reading: ints from JSON integers; floats from any JSON number (and {@code "NaN"}, {@code
 * "Infinity"}, {@code "-Infinity"}); strings; booleans; datetimes from ISO-8601 strings ({@code
 * 2024-01-31T12:00:00Z}, with an offset, or without one meaning UTC); durations from ISO-8601
 * ({@code PT30S}) or Go-style ({@code 30s}, {@code 1m30s}, {@code 250ms}) strings; {@code null} as
 * none where the type allows none; arrays as collections; objects as maps, or as structs for {@code
 * struct}; enums from their value names; blobs from {@code {"uri": .., "format": ..}} or a plain
 * URI string. Optional values are written plain; values of other unions are wrapped in a union
 * literal that records the first variant that fits. In a whole object of inputs, a list variable
 * may instead be given by reference, as an object: {@code {"uri": .., "format": "jsonl"}} (a JSON
 * Lines file, or a folder of them with {@code "multipart": true}), {@code {"pattern": ..}} (each
 * matching file one item) or {@code {"offloaded": ..}} (a binary flyteidl Literal holding the
 * list); it becomes a blob or offloaded literal that the workers read.
 *
 * <p>Writing is the reverse: none as {@code null}, datetimes and durations as ISO-8601 strings,
 * blobs as {@code {"uri": .., "format": ..}} (plus {@code "multipart": true} for directories),
 * union values as their inner value.
 */
public final class PlainJson {
  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
  private static final BigInteger MIN_LONG = BigInteger.valueOf(Long.MIN_VALUE);
  private static final BigInteger MAX_LONG = BigInteger.valueOf(Long.MAX_VALUE);
  private static final BigDecimal NANOS_PER_SECOND = BigDecimal.valueOf(1_000_000_000L);

  /** Integral doubles up to this magnitude are exact, so a struct writes them as JSON integers. */
  private static final double MAX_EXACT_DOUBLE = 9007199254740992.0; // 2^53

  private PlainJson() {}

  /**
   * Reads a whole plain-JSON object by an interface: one key per variable.
   *
   * @param object the JSON object, e.g. {@code {"x": [1, 2], "k": 3}}
   * @param variables the interface, e.g. a task's inputs
   * @return the literals in the interface's variable order
   * @throws LiteralTypeException listing every problem: a key the interface does not have (with the
   *     expected keys), a missing key, a value that does not fit its type
   */
  public static LiteralMap fromJson(JsonNode object, VariableMap variables) {
    requireNonNull(object, "object");
    requireNonNull(variables, "variables");
    Map<String, Variable> vars = variables.getVariablesMap();
    if (!object.isObject()) {
      throw new LiteralTypeException(
          "plain JSON values must be an object with one key per variable "
              + vars.keySet()
              + ", but found ["
              + describe(object)
              + "]");
    }
    List<String> problems = new ArrayList<>();
    LiteralMap.Builder literals = LiteralMap.newBuilder();
    for (Map.Entry<String, Variable> v : vars.entrySet()) {
      JsonNode node = object.get(v.getKey());
      if (node == null) {
        problems.add(
            "variable ["
                + v.getKey()
                + "] of type ["
                + LiteralTypes.describe(v.getValue().getType())
                + "] is missing; add it to the JSON object");
        continue;
      }
      try {
        LiteralType type = v.getValue().getType();
        literals.putLiterals(
            v.getKey(),
            type.hasCollectionType() && node.isObject()
                ? listReference(v.getKey(), node)
                : type.hasCollectionType() && node.isArray()
                    ? list(v.getKey(), node, type)
                    : fromJson(v.getKey(), node, type));
      } catch (LiteralTypeException e) {
        problems.addAll(e.problems());
      }
    }
    Iterator<String> names = object.fieldNames();
    while (names.hasNext()) {
      String name = names.next();
      if (!vars.containsKey(name)) {
        problems.add(
            "variable [" + name + "] is unknown; the expected variables are " + vars.keySet());
      }
    }
    if (!problems.isEmpty()) {
      throw new LiteralTypeException(problems);
    }
    return literals.build();
  }

  /**
   * Reads one plain-JSON value as a literal of the declared type.
   *
   * @param var the variable name, for messages
   * @param node the JSON value; Java {@code null} counts as JSON {@code null}
   * @param type the declared type
   * @throws LiteralTypeException when the value does not fit the type, e.g. {@code variable [x] at
   *     [1] expects [int] but found [str "a"]}
   */
  public static Literal fromJson(String var, JsonNode node, LiteralType type) {
    requireNonNull(var, "var");
    requireNonNull(type, "type");
    try {
      return read(node, type);
    } catch (Mismatch m) {
      throw m.toException("variable [" + var + "]");
    }
  }

  /** Item problems listed per input before the rest are only counted. */
  static final int MAX_ITEM_PROBLEMS = 20;

  /**
   * A top-level list (a mapped input): every item is read, and every item that does not fit is a
   * problem (the first {@link #MAX_ITEM_PROBLEMS}, then a count), so one pass over an inputs file
   * shows what to fix.
   */
  private static Literal list(String var, JsonNode node, LiteralType type) {
    List<String> problems = new ArrayList<>();
    int more = 0;
    LiteralCollection.Builder items = LiteralCollection.newBuilder();
    for (int i = 0; i < node.size(); i++) {
      try {
        items.addLiterals(read(node.get(i), type.getCollectionType()));
      } catch (Mismatch m) {
        if (problems.size() < MAX_ITEM_PROBLEMS) {
          problems.add(m.atIndex(i).toException("variable [" + var + "]").getMessage());
        } else {
          more++;
        }
      }
    }
    if (more > 0) {
      problems.add(
          String.format(
              "variable [%s]: %d more items do not fit [%s]",
              var, more, LiteralTypes.describe(type.getCollectionType())));
    }
    if (!problems.isEmpty()) {
      throw new LiteralTypeException(problems);
    }
    return Literal.newBuilder().setCollection(items).build();
  }

  /**
   * A list given by reference instead of its items, for a mapped input too large to write out:
   * {@code {"uri": "/data/x.jsonl", "format": "jsonl"}} (a JSON Lines file; {@code "multipart":
   * true} for a folder of them; the format defaults to {@code jsonl}), {@code {"pattern":
   * "/data/*.csv"}} (each matching file one item) or {@code {"offloaded": "/data/list.pb"}} (a
   * binary flyteidl Literal holding the list). The blob or offloaded literal it becomes is read by
   * the workers.
   */
  private static Literal listReference(String var, JsonNode node) {
    String hint =
        "give the list, or a reference: {\"uri\": \"/data/x.jsonl\", \"format\": \"jsonl\"}"
            + " (\"multipart\": true for a folder), {\"pattern\": \"/data/*.csv\"} or"
            + " {\"offloaded\": \"/data/list.pb\"}";
    Set<String> fields = new java.util.TreeSet<>();
    node.fieldNames().forEachRemaining(fields::add);
    Set<String> known = Set.of("uri", "format", "multipart", "pattern", "offloaded");
    for (String field : fields) {
      if (!known.contains(field)) {
        throw new LiteralTypeException(
            "variable [" + var + "] has an unknown reference field [" + field + "]; " + hint);
      }
    }
    boolean hasUri = fields.contains("uri");
    boolean hasPattern = fields.contains("pattern");
    boolean hasOffloaded = fields.contains("offloaded");
    if ((hasUri ? 1 : 0) + (hasPattern ? 1 : 0) + (hasOffloaded ? 1 : 0) != 1) {
      throw new LiteralTypeException(
          "variable [" + var + "] must hold exactly one of uri, pattern and offloaded; " + hint);
    }
    String where = hasUri ? "uri" : hasPattern ? "pattern" : "offloaded";
    JsonNode location = node.get(where);
    JsonNode format = node.get("format");
    JsonNode multipart = node.get("multipart");
    if (!location.isTextual()
        || location.textValue().isBlank()
        || (format != null && !format.isTextual())
        || (multipart != null && !multipart.isBoolean())) {
      throw new LiteralTypeException(
          "variable [" + var + "] has a malformed reference " + node + "; " + hint);
    }
    String uri = location.textValue();
    if (hasOffloaded) {
      if (format != null || multipart != null) {
        throw new LiteralTypeException(
            "variable [" + var + "]: an offloaded literal takes no format or multipart; " + hint);
      }
      return Literal.newBuilder()
          .setOffloadedMetadata(
              flyteidl.core.Literals.LiteralOffloadedMetadata.newBuilder().setUri(uri))
          .build();
    }
    boolean glob = uri.indexOf('*') >= 0 || uri.indexOf('?') >= 0 || uri.indexOf('[') >= 0;
    if (hasPattern && !glob) {
      throw new LiteralTypeException(
          "variable ["
              + var
              + "]: the pattern ["
              + uri
              + "] has no *, ? or [; give a pattern,"
              + " or the list of files");
    }
    if (hasPattern && multipart != null) {
      throw new LiteralTypeException(
          "variable [" + var + "]: a pattern takes no multipart; each matching file is one item");
    }
    String blobFormat = format != null ? format.textValue() : hasPattern ? "" : "jsonl";
    return Literals.of(new Blob(uri, blobFormat, multipart != null && multipart.booleanValue()));
  }

  private static Literal read(JsonNode node, LiteralType type) {
    if (node == null || node.isNull() || node.isMissingNode()) {
      if (!LiteralTypes.acceptsNone(type)) {
        throw new Mismatch(
            LiteralTypes.describe(type),
            "null",
            "declare the type Optional[" + LiteralTypes.describe(type) + "] to allow null");
      }
      return type.hasUnionType() && !LiteralTypes.isOptional(type)
          ? union(Literals.none(), noneVariant(type))
          : Literals.none();
    }
    switch (type.getTypeCase()) {
      case SIMPLE:
        return readSimple(node, type);
      case COLLECTION_TYPE:
        if (!node.isArray()) {
          throw mismatch(node, type, null);
        }
        LiteralCollection.Builder items = LiteralCollection.newBuilder();
        for (int i = 0; i < node.size(); i++) {
          try {
            items.addLiterals(read(node.get(i), type.getCollectionType()));
          } catch (Mismatch m) {
            throw m.atIndex(i);
          }
        }
        return Literal.newBuilder().setCollection(items).build();
      case MAP_VALUE_TYPE:
        if (!node.isObject()) {
          throw mismatch(node, type, null);
        }
        LiteralMap.Builder entries = LiteralMap.newBuilder();
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
          Map.Entry<String, JsonNode> e = it.next();
          try {
            entries.putLiterals(e.getKey(), read(e.getValue(), type.getMapValueType()));
          } catch (Mismatch m) {
            throw m.atKey(e.getKey());
          }
        }
        return Literal.newBuilder().setMap(entries).build();
      case UNION_TYPE:
        return readUnion(node, type);
      case ENUM_TYPE:
        List<String> values = type.getEnumType().getValuesList();
        if (!node.isTextual() || !values.contains(node.textValue())) {
          throw mismatch(node, type, "use one of " + values);
        }
        return Literals.of(node.textValue());
      case BLOB:
        return readBlob(node, type);
      case SCHEMA:
      case STRUCTURED_DATASET_TYPE:
      case TYPE_NOT_SET:
        throw mismatch(
            node, type, "this type cannot be read from plain JSON; give a flyteidl LiteralMap");
      default:
        throw new AssertionError("unknown literal type case [" + type.getTypeCase() + "]");
    }
  }

  private static Literal readSimple(JsonNode node, LiteralType type) {
    switch (type.getSimple()) {
      case INTEGER:
        if (!node.isIntegralNumber()) {
          throw mismatch(node, type, null);
        }
        BigInteger big = node.bigIntegerValue();
        if (big.compareTo(MIN_LONG) < 0 || big.compareTo(MAX_LONG) > 0) {
          throw mismatch(node, type, "Flyte ints are 64-bit");
        }
        return Literals.of(big.longValue());
      case FLOAT:
        if (node.isNumber()) {
          double d = node.doubleValue();
          if (Double.isInfinite(d)) {
            throw mismatch(
                node,
                type,
                "it overflows a 64-bit float (whose largest is about 1.8e308); write \"Infinity\""
                    + " or \"-Infinity\" if that is what is meant");
          }
          return Literals.of(d);
        }
        if (node.isTextual()) {
          switch (node.textValue()) {
            case "NaN":
              return Literals.of(Double.NaN);
            case "Infinity":
              return Literals.of(Double.POSITIVE_INFINITY);
            case "-Infinity":
              return Literals.of(Double.NEGATIVE_INFINITY);
            default:
              break;
          }
        }
        throw mismatch(node, type, null);
      case STRING:
        if (!node.isTextual()) {
          throw mismatch(node, type, "quote it to make it a string");
        }
        return Literals.of(node.textValue());
      case BOOLEAN:
        if (!node.isBoolean()) {
          throw mismatch(node, type, "write true or false");
        }
        return Literals.of(node.booleanValue());
      case DATETIME:
        Instant instant = node.isTextual() ? parseDatetime(node.textValue()) : null;
        if (instant == null) {
          throw mismatch(node, type, "write an ISO-8601 date-time, e.g. \"2024-01-31T12:00:00Z\"");
        }
        return Literals.of(instant);
      case DURATION:
        Duration duration = node.isTextual() ? parseDuration(node.textValue()) : null;
        if (duration == null) {
          throw mismatch(
              node, type, "write an ISO-8601 or Go duration, e.g. \"PT1M30S\" or \"1m30s\"");
        }
        return Literals.of(duration);
      case STRUCT:
        if (!node.isObject()) {
          throw mismatch(node, type, null);
        }
        return Literals.of(toStruct(node));
      case NONE:
        // null returned earlier
        throw mismatch(node, type, "write null");
      case BINARY:
      case ERROR:
      case UNRECOGNIZED:
        throw mismatch(
            node, type, "this type cannot be read from plain JSON; give a flyteidl LiteralMap");
      default:
        throw new AssertionError("unknown simple type [" + type.getSimple() + "]");
    }
  }

  private static Literal readUnion(JsonNode node, LiteralType type) {
    if (LiteralTypes.isOptional(type)) {
      return read(node, LiteralTypes.stripOptional(type));
    }
    for (LiteralType variant : type.getUnionType().getVariantsList()) {
      try {
        return union(read(node, variant), variant);
      } catch (Mismatch m) {
        // try the next variant
      }
    }
    throw mismatch(node, type, null);
  }

  private static LiteralType noneVariant(LiteralType union) {
    for (LiteralType variant : union.getUnionType().getVariantsList()) {
      if (LiteralTypes.isNone(variant)) {
        return variant;
      }
    }
    return LiteralTypes.simple(flyteidl.core.Types.SimpleType.NONE);
  }

  private static Literal union(Literal value, LiteralType variant) {
    return Literal.newBuilder()
        .setScalar(
            Scalar.newBuilder().setUnion(Union.newBuilder().setValue(value).setType(variant)))
        .build();
  }

  private static Literal readBlob(JsonNode node, LiteralType type) {
    BlobType blobType = type.getBlob();
    String expectedFormat = blobType.getFormat();
    String uri;
    String format = expectedFormat;
    boolean multipart = blobType.getDimensionality() == BlobType.BlobDimensionality.MULTIPART;
    String hint = "write a URI string or {\"uri\": \"s3://bucket/key\", \"format\": \"csv\"}";
    if (node.isTextual()) {
      uri = node.textValue();
    } else if (node.isObject()) {
      JsonNode u = node.get("uri");
      JsonNode f = node.get("format");
      JsonNode mp = node.get("multipart");
      for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
        String field = it.next();
        if (!field.equals("uri") && !field.equals("format") && !field.equals("multipart")) {
          throw mismatch(node, type, "unknown blob field [" + field + "]; " + hint);
        }
      }
      if (u == null
          || !u.isTextual()
          || (f != null && !f.isTextual() && !f.isNull())
          || (mp != null && !mp.isBoolean())) {
        throw mismatch(node, type, hint);
      }
      uri = u.textValue();
      if (f != null && f.isTextual()) {
        format = f.textValue();
      }
      if (mp != null) {
        multipart = mp.booleanValue();
      }
    } else {
      throw mismatch(node, type, hint);
    }
    if (uri.isBlank()) {
      throw mismatch(node, type, "the uri is blank; " + hint);
    }
    if (!expectedFormat.isEmpty() && !format.isEmpty() && !format.equals(expectedFormat)) {
      throw mismatch(
          node, type, "the blob format [" + format + "] is not [" + expectedFormat + "]");
    }
    return Literals.of(new Blob(uri, format, multipart));
  }

  /**
   * An ISO-8601 instant, offset date-time, local date-time (UTC) or date (UTC midnight); else null.
   */
  static Instant parseDatetime(String text) {
    String s = text.trim();
    if (s.length() > 10 && s.charAt(10) == ' ') {
      // Python's str(datetime) separates date and time with a space.
      s = s.substring(0, 10) + 'T' + s.substring(11);
    }
    try {
      return Instant.parse(s);
    } catch (DateTimeParseException e) {
      // not an instant with an offset; try without one
    }
    try {
      return LocalDateTime.parse(s).toInstant(ZoneOffset.UTC);
    } catch (DateTimeParseException e) {
      // not a local date-time; try a date
    }
    try {
      return LocalDate.parse(s).atStartOfDay(ZoneOffset.UTC).toInstant();
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  /**
   * An ISO-8601 ({@code PT1M30S}) or Go-style ({@code 1m30s}, {@code 250ms}) duration; else null.
   */
  static Duration parseDuration(String text) {
    String s = text.trim();
    if (s.isEmpty()) {
      return null;
    }
    int start = s.charAt(0) == '-' || s.charAt(0) == '+' ? 1 : 0;
    if (start < s.length() && (s.charAt(start) == 'P' || s.charAt(start) == 'p')) {
      try {
        return Duration.parse(s);
      } catch (DateTimeParseException e) {
        return null;
      }
    }
    return parseGoDuration(s, start);
  }

  private static Duration parseGoDuration(String s, int start) {
    boolean negative = s.charAt(0) == '-';
    String body = s.substring(start);
    if (body.equals("0")) {
      return Duration.ZERO;
    }
    if (body.isEmpty()) {
      return null;
    }
    BigDecimal nanos = BigDecimal.ZERO;
    int i = 0;
    while (i < body.length()) {
      int numberStart = i;
      while (i < body.length() && (Character.isDigit(body.charAt(i)) || body.charAt(i) == '.')) {
        i++;
      }
      String number = body.substring(numberStart, i);
      int unitStart = i;
      while (i < body.length() && !Character.isDigit(body.charAt(i)) && body.charAt(i) != '.') {
        i++;
      }
      long unit = goUnitNanos(body.substring(unitStart, i));
      if (unit == 0 || number.isEmpty() || number.equals(".")) {
        return null;
      }
      try {
        nanos = nanos.add(new BigDecimal(number).multiply(BigDecimal.valueOf(unit)));
      } catch (NumberFormatException e) {
        return null;
      }
    }
    BigDecimal[] parts = nanos.divideAndRemainder(NANOS_PER_SECOND);
    Duration d;
    try {
      d = Duration.ofSeconds(parts[0].longValueExact(), parts[1].longValue());
    } catch (ArithmeticException e) {
      return null;
    }
    return negative ? d.negated() : d;
  }

  private static long goUnitNanos(String unit) {
    switch (unit) {
      case "ns":
        return 1L;
      case "us":
      case "\u00b5s": // micro sign
      case "\u03bcs": // Greek small letter mu
        return 1_000L;
      case "ms":
        return 1_000_000L;
      case "s":
        return 1_000_000_000L;
      case "m":
        return 60_000_000_000L;
      case "h":
        return 3_600_000_000_000L;
      default:
        return 0L;
    }
  }

  private static Struct toStruct(JsonNode object) {
    Struct.Builder s = Struct.newBuilder();
    for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      s.putFields(e.getKey(), toValue(e.getValue()));
    }
    return s.build();
  }

  private static Value toValue(JsonNode node) {
    switch (node.getNodeType()) {
      case NULL:
      case MISSING:
        return Value.newBuilder().setNullValue(NullValue.NULL_VALUE).build();
      case BOOLEAN:
        return Value.newBuilder().setBoolValue(node.booleanValue()).build();
      case NUMBER:
        return Value.newBuilder().setNumberValue(node.doubleValue()).build();
      case STRING:
        return Value.newBuilder().setStringValue(node.textValue()).build();
      case ARRAY:
        ListValue.Builder list = ListValue.newBuilder();
        for (JsonNode item : node) {
          list.addValues(toValue(item));
        }
        return Value.newBuilder().setListValue(list).build();
      case OBJECT:
        return Value.newBuilder().setStructValue(toStruct(node)).build();
      case BINARY:
      case POJO:
        return Value.newBuilder().setStringValue(node.asText()).build();
      default:
        throw new AssertionError("unknown JSON node type [" + node.getNodeType() + "]");
    }
  }

  /**
   * Writes a literal map as a plain-JSON object, keys in the map's order.
   *
   * @throws UnsupportedOperationException when a literal has no plain JSON form (see {@link
   *     #toJson(Literal)})
   */
  public static ObjectNode toJson(LiteralMap literals) {
    requireNonNull(literals, "literals");
    ObjectNode object = JSON.objectNode();
    for (Map.Entry<String, Literal> e : literals.getLiteralsMap().entrySet()) {
      object.set(e.getKey(), toJson(e.getValue()));
    }
    return object;
  }

  /**
   * Writes a literal as plain JSON: none as {@code null}, a collection as an array, a map or struct
   * as an object, a datetime or duration as an ISO-8601 string, a blob as {@code {"uri": ..,
   * "format": ..}}, a union as its value, non-finite floats as {@code "NaN"}, {@code "Infinity"},
   * {@code "-Infinity"}.
   *
   * @throws UnsupportedOperationException for binary, error and offloaded literals, which have no
   *     plain JSON form
   */
  public static JsonNode toJson(Literal literal) {
    requireNonNull(literal, "literal");
    switch (literal.getValueCase()) {
      case SCALAR:
        return toJson(literal, literal.getScalar());
      case COLLECTION:
        ArrayNode array = JSON.arrayNode(literal.getCollection().getLiteralsCount());
        for (Literal item : literal.getCollection().getLiteralsList()) {
          array.add(toJson(item));
        }
        return array;
      case MAP:
        ObjectNode object = JSON.objectNode();
        for (Map.Entry<String, Literal> e : literal.getMap().getLiteralsMap().entrySet()) {
          object.set(e.getKey(), toJson(e.getValue()));
        }
        return object;
      case OFFLOADED_METADATA:
      case VALUE_NOT_SET:
        throw unsupported(literal);
      default:
        throw new AssertionError("unknown literal case [" + literal.getValueCase() + "]");
    }
  }

  private static JsonNode toJson(Literal literal, Scalar scalar) {
    switch (scalar.getValueCase()) {
      case PRIMITIVE:
        return toJson(literal, scalar.getPrimitive());
      case NONE_TYPE:
        return JSON.nullNode();
      case GENERIC:
        return toJson(scalar.getGeneric());
      case UNION:
        return toJson(scalar.getUnion().getValue());
      case BLOB:
        ObjectNode blob = JSON.objectNode();
        BlobType type = scalar.getBlob().getMetadata().getType();
        blob.put("uri", scalar.getBlob().getUri());
        blob.put("format", type.getFormat());
        if (type.getDimensionality() == BlobType.BlobDimensionality.MULTIPART) {
          blob.put("multipart", true);
        }
        return blob;
      case SCHEMA:
        return JSON.objectNode().put("uri", scalar.getSchema().getUri());
      case STRUCTURED_DATASET:
        return JSON.objectNode()
            .put("uri", scalar.getStructuredDataset().getUri())
            .put(
                "format",
                scalar.getStructuredDataset().getMetadata().getStructuredDatasetType().getFormat());
      case BINARY:
      case ERROR:
      case VALUE_NOT_SET:
        throw unsupported(literal);
      default:
        throw new AssertionError("unknown scalar case [" + scalar.getValueCase() + "]");
    }
  }

  private static JsonNode toJson(Literal literal, Primitive p) {
    switch (p.getValueCase()) {
      case INTEGER:
        return number(p.getInteger());
      case FLOAT_VALUE:
        double d = p.getFloatValue();
        String name = nonFiniteName(d);
        return name != null ? JSON.textNode(name) : JSON.numberNode(d);
      case STRING_VALUE:
        return JSON.textNode(p.getStringValue());
      case BOOLEAN:
        return JSON.booleanNode(p.getBoolean());
      case DATETIME:
        return JSON.textNode(Literals.toInstant(p.getDatetime()).toString());
      case DURATION:
        return JSON.textNode(Literals.toDuration(p.getDuration()).toString());
      case VALUE_NOT_SET:
        throw unsupported(literal);
      default:
        throw new AssertionError("unknown primitive case [" + p.getValueCase() + "]");
    }
  }

  private static ObjectNode toJson(Struct struct) {
    ObjectNode object = JSON.objectNode();
    for (Map.Entry<String, Value> e : struct.getFieldsMap().entrySet()) {
      object.set(e.getKey(), toJson(e.getValue()));
    }
    return object;
  }

  private static JsonNode toJson(Value value) {
    switch (value.getKindCase()) {
      case NULL_VALUE:
      case KIND_NOT_SET:
        return JSON.nullNode();
      case NUMBER_VALUE:
        double d = value.getNumberValue();
        // Struct numbers are doubles; integral ones read back as the integers users wrote.
        if (d == Math.rint(d) && Math.abs(d) <= MAX_EXACT_DOUBLE) {
          return number((long) d);
        }
        return JSON.numberNode(d);
      case STRING_VALUE:
        return JSON.textNode(value.getStringValue());
      case BOOL_VALUE:
        return JSON.booleanNode(value.getBoolValue());
      case STRUCT_VALUE:
        return toJson(value.getStructValue());
      case LIST_VALUE:
        ArrayNode array = JSON.arrayNode();
        for (Value item : value.getListValue().getValuesList()) {
          array.add(toJson(item));
        }
        return array;
      default:
        throw new AssertionError("unknown struct value case [" + value.getKindCase() + "]");
    }
  }

  /** An int node when the value fits, as Jackson reads small integers, so nodes compare equal. */
  /** A float JSON numbers cannot hold, as its string: NaN, Infinity, -Infinity; else null. */
  private static String nonFiniteName(double d) {
    if (Double.isNaN(d)) {
      return "NaN";
    }
    if (Double.isInfinite(d)) {
      return d > 0 ? "Infinity" : "-Infinity";
    }
    return null;
  }

  /**
   * Writes a primitive value ({@link PrimitiveLiterals}: {@link Long}, {@link Double}, {@link
   * String}, {@link Boolean}) as {@link #toJson(Literal)} writes its literal, without making the
   * literal or a tree.
   *
   * @return false (nothing written) when {@code value} is not a primitive value
   */
  public static boolean writePrimitive(JsonGenerator json, Object value) throws IOException {
    if (value instanceof Long v) {
      json.writeNumber(v.longValue());
    } else if (value instanceof Double v) {
      String name = nonFiniteName(v);
      if (name != null) {
        json.writeString(name);
      } else {
        json.writeNumber(v.doubleValue());
      }
    } else if (value instanceof String v) {
      json.writeString(v);
    } else if (value instanceof Boolean v) {
      json.writeBoolean(v);
    } else {
      return false;
    }
    return true;
  }

  private static JsonNode number(long v) {
    return v == (int) v ? JSON.numberNode((int) v) : JSON.numberNode(v);
  }

  private static UnsupportedOperationException unsupported(Literal literal) {
    return new UnsupportedOperationException(
        "Unsupported literal [" + Literals.describe(literal) + "]: it has no plain JSON form");
  }

  private static Mismatch mismatch(JsonNode node, LiteralType type, String hint) {
    return new Mismatch(LiteralTypes.describe(type), describe(node), hint);
  }

  /** A JSON value for messages: {@code str "x"}, {@code int 5}, {@code array of 3}, ... */
  static String describe(JsonNode node) {
    if (node == null) {
      return "null";
    }
    switch (node.getNodeType()) {
      case NULL:
      case MISSING:
        return "null";
      case BOOLEAN:
        return "bool " + node.booleanValue();
      case NUMBER:
        return (node.isIntegralNumber() ? "int " : "float ") + node.numberValue();
      case STRING:
        return "str " + Literals.quote(node.textValue());
      case ARRAY:
        return "array of " + node.size();
      case OBJECT:
        return "object of " + node.size();
      case BINARY:
      case POJO:
        return node.getNodeType().name().toLowerCase(java.util.Locale.ROOT);
      default:
        throw new AssertionError("unknown JSON node type [" + node.getNodeType() + "]");
    }
  }
}
