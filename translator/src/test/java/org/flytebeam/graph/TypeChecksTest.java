package org.flytebeam.graph;

import static org.assertj.core.api.Assertions.assertThat;
import static org.flytebeam.types.LiteralTypes.listOf;
import static org.flytebeam.types.LiteralTypes.mapOf;
import static org.flytebeam.types.LiteralTypes.optionalOf;
import static org.flytebeam.types.LiteralTypes.simple;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import flyteidl.core.Types.BlobType;
import flyteidl.core.Types.BlobType.BlobDimensionality;
import flyteidl.core.Types.EnumType;
import flyteidl.core.Types.LiteralType;
import flyteidl.core.Types.SchemaType;
import flyteidl.core.Types.SchemaType.SchemaColumn;
import flyteidl.core.Types.SchemaType.SchemaColumn.SchemaColumnType;
import flyteidl.core.Types.SimpleType;
import flyteidl.core.Types.StructuredDatasetType;
import flyteidl.core.Types.StructuredDatasetType.DatasetColumn;
import flyteidl.core.Types.TypeAnnotation;
import flyteidl.core.Types.TypeStructure;
import flyteidl.core.Types.UnionType;
import org.junit.jupiter.api.Test;

class TypeChecksTest {
  private static final LiteralType INT = simple(SimpleType.INTEGER);
  private static final LiteralType FLOAT = simple(SimpleType.FLOAT);
  private static final LiteralType STR = simple(SimpleType.STRING);
  private static final LiteralType NONE = simple(SimpleType.NONE);
  private static final LiteralType STRUCT = simple(SimpleType.STRUCT);

  private static boolean ok(LiteralType up, LiteralType down) {
    return TypeChecks.castProblem(up, down).isEmpty();
  }

  private static LiteralType union(LiteralType... variants) {
    return LiteralType.newBuilder()
        .setUnionType(UnionType.newBuilder().addAllVariants(java.util.List.of(variants)))
        .build();
  }

  private static LiteralType blob(String format, BlobDimensionality dim) {
    return LiteralType.newBuilder()
        .setBlob(BlobType.newBuilder().setFormat(format).setDimensionality(dim))
        .build();
  }

  private static LiteralType sd(String format, DatasetColumn... columns) {
    return LiteralType.newBuilder()
        .setStructuredDatasetType(
            StructuredDatasetType.newBuilder()
                .setFormat(format)
                .addAllColumns(java.util.List.of(columns)))
        .build();
  }

  private static DatasetColumn col(String name, LiteralType type) {
    return DatasetColumn.newBuilder().setName(name).setLiteralType(type).build();
  }

  private static LiteralType schema(SchemaColumn... columns) {
    return LiteralType.newBuilder()
        .setSchema(SchemaType.newBuilder().addAllColumns(java.util.List.of(columns)))
        .build();
  }

  private static SchemaColumn scol(String name, SchemaColumnType type) {
    return SchemaColumn.newBuilder().setName(name).setType(type).build();
  }

  @Test
  void shouldMatchSimpleTypesExactlyAndNameBothInTheProblem() {
    assertThat(ok(INT, INT)).isTrue();
    assertThat(ok(INT, FLOAT)).isFalse();
    assertThat(TypeChecks.castProblem(INT, STR))
        .contains("a value of type [int] cannot be bound to an input of type [str]");
  }

  @Test
  void shouldCheckCollectionsAndMapsRecursively() {
    assertThat(ok(listOf(listOf(INT)), listOf(listOf(INT)))).isTrue();
    assertThat(ok(listOf(listOf(INT)), listOf(listOf(STR)))).isFalse();
    assertThat(ok(listOf(NONE), listOf(STR))).isTrue(); // an empty list
    assertThat(ok(INT, listOf(INT))).isFalse();
    assertThat(ok(mapOf(INT), mapOf(INT))).isTrue();
    assertThat(ok(mapOf(NONE), mapOf(FLOAT))).isTrue();
    assertThat(ok(mapOf(INT), mapOf(STR))).isFalse();
    assertThat(ok(listOf(INT), mapOf(INT))).isFalse();
    assertThat(TypeChecks.castProblem(listOf(INT), listOf(STR)))
        .contains("a value of type [List[int]] cannot be bound to an input of type [List[str]]");
  }

  @Test
  void shouldCastIntoUnionsOnlyUnambiguously() {
    assertThat(ok(INT, optionalOf(INT))).isTrue();
    assertThat(ok(NONE, optionalOf(INT))).isTrue();
    assertThat(ok(STR, optionalOf(INT))).isFalse();
    // two variants that both accept: ambiguous
    assertThat(ok(INT, union(INT, INT))).isFalse();
    // union into union: every upstream variant must find a home
    assertThat(ok(union(INT, STR), union(STR, INT, FLOAT))).isTrue();
    assertThat(ok(union(INT, STR), union(INT, FLOAT))).isFalse();
    // a union is not a plain type, but a union of one variant casts as that variant
    assertThat(ok(optionalOf(INT), INT)).isFalse();
    assertThat(ok(union(INT), INT)).isTrue();
    assertThat(ok(NONE, INT)).isFalse();
    assertThat(ok(INT, NONE)).isFalse();
    assertThat(ok(NONE, NONE)).isTrue();
  }

  @Test
  void shouldCastEnumsAndStringsBothWays() {
    LiteralType color =
        LiteralType.newBuilder()
            .setEnumType(EnumType.newBuilder().addValues("RED").addValues("GREEN"))
            .build();
    LiteralType other =
        LiteralType.newBuilder().setEnumType(EnumType.newBuilder().addValues("A")).build();
    assertThat(ok(color, STR)).isTrue();
    assertThat(ok(STR, color)).isTrue();
    assertThat(ok(color, color)).isTrue();
    assertThat(ok(color, other)).isFalse();
    assertThat(ok(color, INT)).isFalse();
  }

  @Test
  void shouldCheckBlobDimensionalityAndFormat() {
    assertThat(ok(blob("csv", BlobDimensionality.SINGLE), blob("csv", BlobDimensionality.SINGLE)))
        .isTrue();
    assertThat(ok(blob("", BlobDimensionality.SINGLE), blob("csv", BlobDimensionality.SINGLE)))
        .isTrue();
    assertThat(ok(blob("csv", BlobDimensionality.SINGLE), blob("", BlobDimensionality.SINGLE)))
        .isTrue();
    assertThat(ok(blob("csv", BlobDimensionality.SINGLE), blob("pq", BlobDimensionality.SINGLE)))
        .isFalse();
    assertThat(
            ok(blob("csv", BlobDimensionality.SINGLE), blob("csv", BlobDimensionality.MULTIPART)))
        .isFalse();
    assertThat(ok(STR, blob("", BlobDimensionality.SINGLE))).isFalse();
  }

  @Test
  void shouldCheckStructuredDatasetsColumnsAndFormat() {
    assertThat(ok(sd("parquet", col("a", INT), col("b", STR)), sd("parquet", col("a", INT))))
        .isTrue();
    assertThat(ok(sd("parquet", col("a", INT)), sd("parquet", col("a", STR)))).isFalse();
    assertThat(ok(sd("parquet", col("a", INT)), sd("parquet", col("c", INT)))).isFalse();
    assertThat(ok(sd("parquet"), sd("csv"))).isFalse();
    assertThat(ok(sd("PARQUET"), sd("parquet"))).isTrue();
    assertThat(ok(sd(""), sd("csv", col("a", INT)))).isTrue();
    assertThat(ok(NONE, sd("parquet"))).isTrue();
    assertThat(ok(INT, sd("parquet"))).isFalse();
    // schema into a dataset and back
    assertThat(ok(schema(scol("a", SchemaColumnType.INTEGER)), sd("", col("a", INT)))).isTrue();
    assertThat(ok(schema(scol("a", SchemaColumnType.INTEGER)), sd("", col("a", FLOAT)))).isFalse();
    assertThat(ok(schema(), sd("csv"))).isFalse();
    assertThat(ok(sd("parquet", col("a", INT)), schema(scol("a", SchemaColumnType.INTEGER))))
        .isTrue();
    assertThat(ok(sd("csv"), schema())).isFalse();
    assertThat(
            ok(
                schema(scol("a", SchemaColumnType.INTEGER), scol("b", SchemaColumnType.STRING)),
                schema(scol("b", SchemaColumnType.STRING))))
        .isTrue();
    assertThat(
            ok(
                schema(scol("a", SchemaColumnType.INTEGER)),
                schema(scol("a", SchemaColumnType.FLOAT))))
        .isFalse();
  }

  @Test
  void shouldIgnoreMetadataAnnotationAndStructureButNotStructureTags() {
    Struct schemaA =
        Struct.newBuilder()
            .putFields("title", Value.newBuilder().setStringValue("A").build())
            .build();
    LiteralType structA = STRUCT.toBuilder().setMetadata(schemaA).build();
    LiteralType annotated =
        INT.toBuilder().setAnnotation(TypeAnnotation.newBuilder().setAnnotations(schemaA)).build();
    assertThat(ok(structA, STRUCT)).isTrue();
    assertThat(ok(annotated, INT)).isTrue();
    LiteralType tagged =
        STR.toBuilder().setStructure(TypeStructure.newBuilder().setTag("x")).build();
    LiteralType taggedY =
        STR.toBuilder().setStructure(TypeStructure.newBuilder().setTag("y")).build();
    assertThat(ok(tagged, STR)).isFalse();
    assertThat(ok(STR, tagged)).isTrue();
    assertThat(ok(tagged, taggedY)).isFalse();
    assertThat(ok(tagged, tagged)).isTrue();
  }

  @Test
  void shouldRefuseHostilyDeepTypesWithoutOverflow() {
    LiteralType t = INT;
    for (int i = 0; i < 5_000; i++) {
      t = listOf(t);
    }
    LiteralType deep = t;
    assertThat(TypeChecks.castable(deep, deep)).isFalse();
  }
}
