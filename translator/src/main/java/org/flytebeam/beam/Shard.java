package org.flytebeam.beam;

import java.io.Serializable;
import java.util.List;

/**
 * A lane of work: its ranges run one after the other, one element at a time. With a parallelism
 * bound of N the map has at most N lanes, which bounds the elements running at once across the
 * whole job, whatever the number of workers.
 */
public record Shard(int id, List<IndexRange> ranges) implements Serializable {
  public Shard {
    ranges = List.copyOf(ranges);
  }
}
