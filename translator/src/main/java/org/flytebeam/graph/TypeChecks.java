package org.flytebeam.graph;

import flyteidl.core.Types.BlobType;
import flyteidl.core.Types.LiteralType;
import flyteidl.core.Types.SchemaType;
import flyteidl.core.Types.SchemaType.SchemaColumn.SchemaColumnType;
import flyteidl.core.Types.SimpleType;
import flyteidl.core.Types.StructuredDatasetType;
import flyteidl.core.Types.StructuredDatasetType.DatasetColumn;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.flytebeam.types.LiteralTypes;

/**
 * Whether a value of one Flyte type may be bound to an input of another, by the rules of
 * flytepropeller's compiler (its type-checker of bindings).
 *
 * <p>The rules, by the downstream type: a collection accepts a collection whose element type casts
 * (or of none: an empty list); a map likewise by value type; a union accepts a union each of whose
 * variants casts to one of its variants, or another type that casts to exactly one variant; a
 * structured dataset accepts none, a dataset of the same format (an empty format matches any) whose
 * columns include its columns with casting types, or a schema; a schema accepts a schema or a
 * parquet dataset with the columns it names; none accepts only none; a blob accepts a blob of the
 * same dimensionality and format (an empty format matches any); everything else must be equal,
 * metadata, annotation and structure ignored, except that enums and strings cast both ways and
 * different structure tags never cast. An upstream union of one variant also casts as that variant.
 */
public final class TypeChecks {
  private TypeChecks() {}

  /** Deeper types than this are refused rather than checked. */
  static final int MAX_DEPTH = 200;

  /**
   * Empty when a value of type {@code upstream} may be bound to an input of type {@code
   * downstream}; otherwise why not, in a phrase naming both types.
   */
  public static Optional<String> castProblem(LiteralType upstream, LiteralType downstream) {
    if (castable(upstream, downstream, 0)) {
      return Optional.empty();
    }
    return Optional.of(
        String.format(
            "a value of type [%s] cannot be bound to an input of type [%s]",
            describe(upstream), describe(downstream)));
  }

  /**
   * Whether {@code upstream} casts to {@code downstream} (propeller's {@code AreTypesCastable}).
   */
  public static boolean castable(LiteralType upstream, LiteralType downstream) {
    return castable(upstream, downstream, 0);
  }

  private static String describe(LiteralType type) {
    try {
      return LiteralTypes.describe(type);
    } catch (RuntimeException e) {
      return type.getTypeCase().toString();
    }
  }

  private static boolean castable(LiteralType up, LiteralType down, int depth) {
    if (up.hasUnionType()
        && up.getUnionType().getVariantsCount() == 1
        && castsFrom(down, up.getUnionType().getVariants(0), depth + 1)) {
      return true;
    }
    return castsFrom(down, up, depth + 1);
  }

  private static boolean castsFrom(LiteralType down, LiteralType up, int depth) {
    if (depth > MAX_DEPTH) {
      return false;
    }
    switch (down.getTypeCase()) {
      case COLLECTION_TYPE:
        if (isNone(up.getCollectionType())) {
          return true;
        }
        return up.hasCollectionType()
            && castsFrom(down.getCollectionType(), up.getCollectionType(), depth + 1);
      case MAP_VALUE_TYPE:
        if (isNone(up.getMapValueType())) {
          return true;
        }
        return up.hasMapValueType()
            && castsFrom(down.getMapValueType(), up.getMapValueType(), depth + 1);
      case SCHEMA:
        return schemaCastsFrom(down.getSchema(), up);
      case UNION_TYPE:
        return unionCastsFrom(down, up, depth);
      case STRUCTURED_DATASET_TYPE:
        return datasetCastsFrom(down.getStructuredDatasetType(), up, depth);
      case BLOB:
        return tagsAgree(up, down) && up.hasBlob() && blobCastsFrom(down.getBlob(), up.getBlob());
      default:
        if (isNone(down)) {
          return isNone(up);
        }
        return trivialCastsFrom(down, up);
    }
  }

  private static boolean isNone(LiteralType t) {
    return t.hasSimple() && t.getSimple() == SimpleType.NONE;
  }

  private static boolean tagsAgree(LiteralType up, LiteralType down) {
    String upTag = up.getStructure().getTag();
    return upTag.isEmpty() || upTag.equals(down.getStructure().getTag());
  }

  private static boolean trivialCastsFrom(LiteralType down, LiteralType up) {
    if (up.hasEnumType() && down.hasSimple() && down.getSimple() == SimpleType.STRING) {
      return true;
    }
    if (down.hasEnumType() && up.hasSimple() && up.getSimple() == SimpleType.STRING) {
      return true;
    }
    if (!tagsAgree(up, down)) {
      return false;
    }
    return stripped(up).equals(stripped(down));
  }

  private static LiteralType stripped(LiteralType t) {
    return t.toBuilder().clearStructure().clearMetadata().clearAnnotation().build();
  }

  private static boolean blobCastsFrom(BlobType down, BlobType up) {
    if (up.getDimensionality() != down.getDimensionality()) {
      return false;
    }
    return up.getFormat().isEmpty()
        || down.getFormat().isEmpty()
        || up.getFormat().equals(down.getFormat());
  }

  private static boolean unionCastsFrom(LiteralType down, LiteralType up, int depth) {
    if (up.hasUnionType()) {
      // every upstream variant must find a downstream variant
      for (LiteralType u : up.getUnionType().getVariantsList()) {
        boolean found = false;
        for (LiteralType d : down.getUnionType().getVariantsList()) {
          if (castable(u, d, depth + 1)) {
            found = true;
            break;
          }
        }
        if (!found) {
          return false;
        }
      }
      return true;
    }
    // only when exactly one variant is possible
    int matches = 0;
    for (LiteralType d : down.getUnionType().getVariantsList()) {
      if (castable(up, d, depth + 1)) {
        matches++;
      }
    }
    return matches == 1;
  }

  private static boolean schemaCastsFrom(SchemaType down, LiteralType up) {
    if (up.hasSchema()) {
      return schemaFromSchema(up.getSchema(), down);
    }
    if (!up.hasStructuredDatasetType()) {
      return false;
    }
    StructuredDatasetType sd = up.getStructuredDatasetType();
    // a schema is parquet only
    if (!sd.getFormat().isEmpty() && !sd.getFormat().equalsIgnoreCase("parquet")) {
      return false;
    }
    if (sd.getColumnsCount() == 0 || down.getColumnsCount() == 0) {
      return true;
    }
    Map<String, LiteralType> byName = columnTypes(sd);
    for (SchemaType.SchemaColumn c : down.getColumnsList()) {
      LiteralType t = byName.get(c.getName());
      if (t == null || !columnMatches(c.getType(), t)) {
        return false;
      }
    }
    return true;
  }

  private static boolean schemaFromSchema(SchemaType up, SchemaType down) {
    if (up.getColumnsCount() == 0 || down.getColumnsCount() == 0) {
      return true;
    }
    Map<String, SchemaColumnType> byName = columnTypes(up);
    for (SchemaType.SchemaColumn c : down.getColumnsList()) {
      if (byName.get(c.getName()) != c.getType()) {
        return false;
      }
    }
    return true;
  }

  /** A structured dataset's column types by column name. */
  private static Map<String, LiteralType> columnTypes(StructuredDatasetType dataset) {
    Map<String, LiteralType> byName = new HashMap<>();
    for (DatasetColumn c : dataset.getColumnsList()) {
      byName.put(c.getName(), c.getLiteralType());
    }
    return byName;
  }

  /** A schema's column types by column name. */
  private static Map<String, SchemaColumnType> columnTypes(SchemaType schema) {
    Map<String, SchemaColumnType> byName = new HashMap<>();
    for (SchemaType.SchemaColumn c : schema.getColumnsList()) {
      byName.put(c.getName(), c.getType());
    }
    return byName;
  }

  private static boolean datasetCastsFrom(StructuredDatasetType down, LiteralType up, int depth) {
    if (isNone(up)) {
      return true; // structured datasets are nullable
    }
    if (up.hasSchema()) {
      if (!down.getFormat().isEmpty() && !down.getFormat().equalsIgnoreCase("parquet")) {
        return false;
      }
      SchemaType schema = up.getSchema();
      if (schema.getColumnsCount() == 0 || down.getColumnsCount() == 0) {
        return true;
      }
      Map<String, SchemaColumnType> byName = columnTypes(schema);
      for (DatasetColumn c : down.getColumnsList()) {
        SchemaColumnType t = byName.get(c.getName());
        if (t == null || !columnMatches(t, c.getLiteralType())) {
          return false;
        }
      }
      return true;
    }
    if (!up.hasStructuredDatasetType()) {
      return false;
    }
    StructuredDatasetType sd = up.getStructuredDatasetType();
    if (!sd.getFormat().isEmpty()
        && !down.getFormat().isEmpty()
        && !sd.getFormat().equalsIgnoreCase(down.getFormat())) {
      return false;
    }
    if (sd.getColumnsCount() == 0 || down.getColumnsCount() == 0) {
      return true;
    }
    Map<String, LiteralType> byName = columnTypes(sd);
    for (DatasetColumn c : down.getColumnsList()) {
      LiteralType t = byName.get(c.getName());
      if (t == null || !castsFrom(c.getLiteralType(), t, depth + 1)) {
        return false;
      }
    }
    return true;
  }

  private static boolean columnMatches(SchemaColumnType schema, LiteralType column) {
    if (!column.hasSimple()) {
      return false;
    }
    SimpleType s = column.getSimple();
    switch (schema) {
      case INTEGER:
        return s == SimpleType.INTEGER;
      case FLOAT:
        return s == SimpleType.FLOAT;
      case STRING:
        return s == SimpleType.STRING;
      case BOOLEAN:
        return s == SimpleType.BOOLEAN;
      case DATETIME:
        return s == SimpleType.DATETIME;
      case DURATION:
        return s == SimpleType.DURATION;
      default:
        return false;
    }
  }
}
