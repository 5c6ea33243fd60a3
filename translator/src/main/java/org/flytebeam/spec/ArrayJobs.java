package org.flytebeam.spec;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Struct;
import com.google.protobuf.util.JsonFormat;
import flyteidl.plugins.ArrayJobOuterClass.ArrayJob;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import org.flytebeam.InvalidDefinitionException;

/**
 * The {@code custom} struct of a legacy {@code container_array} template: an {@code ArrayJob} in
 * its JSON form, as flytekit writes it ({@code {"parallelism": "99", "minSuccessRatio": 1.0}};
 * parallelism 0 is left out, and means unlimited).
 */
public final class ArrayJobs {
  private ArrayJobs() {}

  /**
   * The ArrayJob of a legacy map: {@code min_successes} when set (it wins), else the ratio when
   * set.
   */
  public static ArrayJob of(
      OptionalInt parallelism, OptionalLong minSuccesses, Optional<Float> minSuccessRatio) {
    ArrayJob.Builder job = ArrayJob.newBuilder().setParallelism(parallelism.orElse(0));
    if (minSuccesses.isPresent()) {
      job.setMinSuccesses(minSuccesses.getAsLong());
    } else {
      minSuccessRatio.ifPresent(job::setMinSuccessRatio);
    }
    return job.build();
  }

  /** The ArrayJob as the JSON struct flytekit puts in {@code custom}. */
  public static Struct toStruct(ArrayJob job) {
    try {
      Struct.Builder struct = Struct.newBuilder();
      JsonFormat.parser().merge(JsonFormat.printer().print(job), struct);
      return struct.build();
    } catch (InvalidProtocolBufferException e) {
      throw new AssertionError("an ArrayJob always prints as a JSON object", e);
    }
  }

  /**
   * The ArrayJob a {@code custom} struct holds.
   *
   * @param where names the template, for the message
   * @throws InvalidDefinitionException when the struct is not an ArrayJob
   */
  public static ArrayJob fromStruct(Struct custom, String where) {
    try {
      ArrayJob.Builder job = ArrayJob.newBuilder();
      JsonFormat.parser().merge(JsonFormat.printer().print(custom), job);
      return job.build();
    } catch (InvalidProtocolBufferException | IllegalArgumentException e) {
      // IllegalArgumentException: a number beyond a double (1e400) read as Infinity, which
      // protobuf's JSON cannot print back.
      throw new InvalidDefinitionException(
          String.format(
              "custom of %s is not an ArrayJob (%s): write it as flytekit does, e.g."
                  + " {\"parallelism\": \"2\", \"minSuccessRatio\": 1.0}",
              where, oneLine(e.getMessage())));
    }
  }

  /** The ArrayJob JSON in one line, e.g. {@code {"parallelism":"99","minSuccessRatio":1.0}}. */
  public static String toJson(ArrayJob job) {
    try {
      return JsonFormat.printer().omittingInsignificantWhitespace().print(job);
    } catch (InvalidProtocolBufferException e) {
      throw new AssertionError("an ArrayJob always prints", e);
    }
  }

  static String oneLine(String message) {
    return message == null ? "" : message.replaceAll("\\s*\\R\\s*", " ").trim();
  }
}
