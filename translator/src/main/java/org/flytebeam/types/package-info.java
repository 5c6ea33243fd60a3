/**
 * Flyte types and values for Java: {@link org.flytebeam.types.LiteralTypes} derives flyteidl {@code
 * LiteralType}s from Java types, {@link org.flytebeam.types.Literals} builds, describes and checks
 * {@code Literal}s, {@link org.flytebeam.types.JavaLiterals} converts single Java values, {@link
 * org.flytebeam.types.RecordCodec} converts a task's input or output record as a whole (the hot
 * path), and {@link org.flytebeam.types.PlainJson} reads and writes plain JSON as users type it.
 *
 * <p>Supported Java types: {@code long}/{@code int}/{@code short} (int), {@code double}/{@code
 * float} (float), {@code String} (str), {@code boolean} (bool), {@link java.time.Instant}
 * (datetime), {@link java.time.Duration} (duration), {@link Void} (none), {@code Optional<T>} (a
 * union of T and none), {@code List<T>}, {@code Map<String, T>}, {@link com.google.protobuf.Struct}
 * (struct), Java enums (enum) and {@link org.flytebeam.types.Blob} (blob).
 *
 * <p>Optional values are written as plain literals (the value, or a none literal), the form Flyte
 * itself uses for the missing results of a map task; union-wrapped literals as flytekit writes them
 * are accepted everywhere on reading.
 */
package org.flytebeam.types;
