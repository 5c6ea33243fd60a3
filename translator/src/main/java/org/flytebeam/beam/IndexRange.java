package org.flytebeam.beam;

import java.io.Serializable;

/** Elements {@code [start, end)}: the unit of work handed to Beam, each element still run alone. */
public record IndexRange(long start, long end) implements Serializable {
  public IndexRange {
    if (start < 0 || end < start) {
      throw new IllegalArgumentException("bad range [" + start + ", " + end + ")");
    }
  }

  public long length() {
    return end - start;
  }
}
