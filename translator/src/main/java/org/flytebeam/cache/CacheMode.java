package org.flytebeam.cache;

/** What a run does with the element cache of a cacheable sub-task. */
public enum CacheMode {
  /** Look each element up first; store what succeeds. */
  ENABLED,
  /** Neither look up nor store ({@code --no-cache}). */
  DISABLED,
  /** Run every element and replace its entry with the new outputs ({@code --overwrite-cache}). */
  OVERWRITE;

  /** Whether entries are read before an element runs. */
  public boolean reads() {
    return this == ENABLED;
  }

  /** Whether a succeeded element's outputs are stored. */
  public boolean writes() {
    return this != DISABLED;
  }
}
