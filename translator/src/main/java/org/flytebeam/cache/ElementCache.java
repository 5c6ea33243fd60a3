package org.flytebeam.cache;

import static java.util.Objects.requireNonNull;

import flyteidl.core.Literals.Literal;
import flyteidl.core.Literals.LiteralMap;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.flytebeam.exec.ElementOutcome;
import org.flytebeam.exec.ElementRunner;
import org.flytebeam.exec.ElementStatus;
import org.flytebeam.spec.SubTask;

/**
 * Runs elements through a worker's element cache: a hit is a success with the stored outputs and no
 * attempt; a miss runs the element and stores its outputs as soon as it succeeds, before the next
 * element starts, so a run killed at any point loses at most the elements that were running.
 * Failed, timed-out and aborted elements are never stored. An entry that cannot be read is a miss
 * (the element runs and its entry is written anew); an entry that cannot be written costs only the
 * caching. Both are counted ({@link #takeProblems}), never failures.
 *
 * <p>One per worker DoFn instance (not thread-safe), like the runner it wraps.
 */
public final class ElementCache {
  private final CacheSettings settings;
  private final Optional<CacheKeys> keys;
  private final List<String> outputNames;
  private long unreadable;
  private long unwritten;
  private String firstProblem = "";

  private ElementCache(CacheSettings settings, Optional<CacheKeys> keys, List<String> outputNames) {
    this.settings = settings;
    this.keys = keys;
    this.outputNames = outputNames;
  }

  /** The cache of {@code subTask}'s elements; inactive when disabled or the task not cacheable. */
  public static ElementCache open(CacheSettings settings, SubTask subTask) {
    requireNonNull(settings, "settings");
    Optional<CacheKeys> keys =
        settings.enabled() ? CacheKeys.of(subTask) : Optional.<CacheKeys>empty();
    return new ElementCache(
        settings,
        keys,
        List.copyOf(subTask.scalarInterface().getOutputs().getVariablesMap().keySet()));
  }

  /** Whether elements are looked up or stored at all. */
  public boolean active() {
    return keys.isPresent();
  }

  /** Element {@code index}: from the cache, or run by {@code runner} and then stored. */
  public ElementOutcome run(long index, Map<String, Literal> inputs, ElementRunner runner) {
    if (keys.isEmpty()) {
      return runner.run(index, inputs);
    }
    long startMillis = System.currentTimeMillis();
    long startNanos = System.nanoTime();
    CacheKey key = keys.get().keyOf(inputs);
    if (settings.mode().reads()) {
      CacheEntries.Lookup found = CacheEntries.read(settings.dir(), key);
      switch (found.status()) {
        case HIT:
          Optional<List<Literal>> outputs = inOrder(found.outputs());
          if (outputs.isPresent()) {
            long millis = (System.nanoTime() - startNanos) / 1_000_000;
            return new ElementOutcome(
                index, ElementStatus.SUCCEEDED, 0, startMillis, millis, "", outputs.get(), true);
          }
          problem(
              true,
              "cache entry ["
                  + key.entryPath(settings.dir())
                  + "] lacks outputs of "
                  + outputNames);
          break;
        case UNREADABLE:
          problem(true, found.problem());
          break;
        case MISS:
          break;
        default:
          throw new AssertionError(found.status());
      }
    }
    ElementOutcome outcome = runner.run(index, inputs);
    if (outcome.status() == ElementStatus.SUCCEEDED
        && outcome.outputs().size() == outputNames.size()) {
      store(key, outcome.outputs());
    }
    return outcome;
  }

  private Optional<List<Literal>> inOrder(LiteralMap stored) {
    List<Literal> outputs = new ArrayList<>(outputNames.size());
    for (String name : outputNames) {
      Literal value = stored.getLiteralsMap().get(name);
      if (value == null) {
        return Optional.empty();
      }
      outputs.add(value);
    }
    return Optional.of(outputs);
  }

  private void store(CacheKey key, List<Literal> outputs) {
    LiteralMap.Builder byName = LiteralMap.newBuilder();
    for (int k = 0; k < outputNames.size(); k++) {
      byName.putLiterals(outputNames.get(k), outputs.get(k));
    }
    try {
      CacheEntries.write(settings.dir(), key, byName.build());
    } catch (IOException | RuntimeException e) {
      String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
      problem(
          false,
          "cannot write cache entry ["
              + key.entryPath(settings.dir())
              + "]: "
              + message.lines().findFirst().orElse(""));
    }
  }

  private void problem(boolean read, String text) {
    if (read) {
      unreadable++;
    } else {
      unwritten++;
    }
    if (firstProblem.isEmpty()) {
      firstProblem = text;
    }
  }

  /** The entries that could not be read or written since the last call; resets them. */
  public CacheCounts takeProblems() {
    CacheCounts counts = new CacheCounts(0, unreadable, unwritten, firstProblem);
    unreadable = 0;
    unwritten = 0;
    firstProblem = "";
    return counts;
  }
}
