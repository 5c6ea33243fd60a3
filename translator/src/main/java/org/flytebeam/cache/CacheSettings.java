package org.flytebeam.cache;

import static java.util.Objects.requireNonNull;

import java.io.Serializable;

/**
 * Where a run's element cache is and how it is used; what the workers get in the run plan.
 *
 * @param dir the cache folder, on any path Beam's FileSystems opens from every worker; empty when
 *     the mode is {@link CacheMode#DISABLED}
 * @param mode look up and store, only store (overwrite), or neither
 */
public record CacheSettings(String dir, CacheMode mode) implements Serializable {
  private static final long serialVersionUID = 1L;

  public CacheSettings {
    requireNonNull(dir, "dir");
    requireNonNull(mode, "mode");
    if (mode != CacheMode.DISABLED && dir.isEmpty()) {
      throw new IllegalArgumentException("a cache in mode [" + mode + "] needs a folder");
    }
  }

  /** No cache: every element runs, nothing is stored. */
  public static CacheSettings disabled() {
    return new CacheSettings("", CacheMode.DISABLED);
  }

  public boolean enabled() {
    return mode != CacheMode.DISABLED;
  }
}
