package org.flytebeam.cache;

import static java.util.Objects.requireNonNull;

import java.io.Serializable;

/**
 * What the element cache did over some elements: hits, and the entries it could not use or write.
 *
 * @param hits elements whose outputs came from the cache (not run)
 * @param unreadable entries found but truncated, corrupt or unreadable: their elements ran again
 * @param unwritten succeeded elements whose entry could not be written
 * @param firstProblem the first such problem, in words; empty when there was none
 */
public record CacheCounts(long hits, long unreadable, long unwritten, String firstProblem)
    implements Serializable {
  private static final long serialVersionUID = 1L;

  public CacheCounts {
    requireNonNull(firstProblem, "firstProblem");
  }

  public static CacheCounts none() {
    return new CacheCounts(0, 0, 0, "");
  }

  /**
   * These counts with {@code other}'s added; the first problem stays this one's when it has one.
   */
  public CacheCounts plus(CacheCounts other) {
    return new CacheCounts(
        hits + other.hits,
        unreadable + other.unreadable,
        unwritten + other.unwritten,
        firstProblem.isEmpty() ? other.firstProblem : firstProblem);
  }

  /** These counts with {@code hits} hits. */
  public CacheCounts withHits(long hits) {
    return new CacheCounts(hits, unreadable, unwritten, firstProblem);
  }

  /** One line for the user when entries could not be used or written, else empty. */
  public String warning() {
    if (unreadable == 0 && unwritten == 0) {
      return "";
    }
    StringBuilder w = new StringBuilder("cache: ");
    if (unreadable > 0) {
      w.append(unreadable)
          .append(unreadable == 1 ? " entry was" : " entries were")
          .append(" unreadable or corrupt, so ")
          .append(unreadable == 1 ? "its element" : "their elements")
          .append(" ran again");
    }
    if (unwritten > 0) {
      w.append(unreadable > 0 ? "; " : "")
          .append(unwritten)
          .append(unwritten == 1 ? " element's outputs" : " elements' outputs")
          .append(" could not be stored");
    }
    return w.append(" (first: ").append(firstProblem).append(')').toString();
  }
}
