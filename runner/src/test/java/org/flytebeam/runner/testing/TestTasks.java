package org.flytebeam.runner.testing;

import com.google.auto.service.AutoService;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.flytebeam.task.JavaTask;
import org.flytebeam.task.RecoverableException;
import org.flytebeam.task.TaskContext;

/**
 * Tasks the runner tests map over. Each records what it saw in static state, which every worker
 * shares on the DirectRunner and on Spark {@code local[N]} (one JVM).
 */
public final class TestTasks {
  private TestTasks() {}

  /** Invocations per task name and per index: to prove what ran and how often. */
  public static final Map<String, Map<Long, AtomicInteger>> CALLS = new ConcurrentHashMap<>();

  /** Start and end nanos of each invocation of {@code timed}. */
  public static final List<long[]> INTERVALS = new CopyOnWriteArrayList<>();

  /** Setups and teardowns of {@code test_setup} workers. */
  public static final AtomicInteger SETUPS = new AtomicInteger();

  public static final AtomicInteger TEARDOWNS = new AtomicInteger();

  public static void reset() {
    CALLS.clear();
    INTERVALS.clear();
    SETUPS.set(0);
    TEARDOWNS.set(0);
  }

  public static int calls(String task) {
    return CALLS.getOrDefault(task, Map.of()).values().stream().mapToInt(AtomicInteger::get).sum();
  }

  public static int calls(String task, long index) {
    AtomicInteger n = CALLS.getOrDefault(task, Map.of()).get(index);
    return n == null ? 0 : n.get();
  }

  static void count(String task, long index) {
    CALLS
        .computeIfAbsent(task, t -> new ConcurrentHashMap<>())
        .computeIfAbsent(index, i -> new AtomicInteger())
        .incrementAndGet();
  }

  public record X(long x) {}

  public record Y(long o0) {}

  /** Where {@code test_rendezvous} invocations meet: two of them must run at the same time. */
  public static final java.util.concurrent.CyclicBarrier RENDEZVOUS =
      new java.util.concurrent.CyclicBarrier(2);

  /** Start and end nanos of each invocation of {@code test_rendezvous}, by its input. */
  public static final Map<Long, long[]> MEETINGS = new ConcurrentHashMap<>();

  /**
   * Records its start, waits (up to two minutes) until another invocation waits too, records its
   * end: it succeeds only when another one runs at the same time.
   */
  @SuppressWarnings("rawtypes") // ServiceLoader registers the raw JavaTask interface.
  @AutoService(JavaTask.class)
  public static final class Rendezvous extends JavaTask<X, Y> {
    private static final long serialVersionUID = 1L;

    public Rendezvous() {
      super("test_rendezvous", X.class, Y.class);
    }

    @Override
    public Y run(X input, TaskContext context) throws Exception {
      long start = System.nanoTime();
      try {
        RENDEZVOUS.await(2, java.util.concurrent.TimeUnit.MINUTES);
      } catch (java.util.concurrent.TimeoutException e) {
        throw new IllegalStateException("no other invocation ran beside it", e);
      }
      MEETINGS.put(input.x(), new long[] {start, System.nanoTime()});
      return new Y(input.x());
    }
  }

  /** Fails recoverably on its first attempt, succeeds on the next; retries 2. */
  @SuppressWarnings("rawtypes") // ServiceLoader registers the raw JavaTask interface.
  @AutoService(JavaTask.class)
  public static final class Flaky extends JavaTask<X, Y> {
    private static final long serialVersionUID = 1L;

    public Flaky() {
      super("test_flaky", X.class, Y.class);
    }

    @Override
    public int retries() {
      return 2;
    }

    @Override
    public Y run(X input, TaskContext context) {
      count(name(), context.arrayIndex());
      if (context.attemptNumber() == 0) {
        throw new RecoverableException("try again");
      }
      return new Y(input.x());
    }
  }

  /** Sleeps {@code x} milliseconds; timeout 300 ms, retries 1. */
  @SuppressWarnings("rawtypes") // ServiceLoader registers the raw JavaTask interface.
  @AutoService(JavaTask.class)
  public static final class Sleepy extends JavaTask<X, Y> {
    private static final long serialVersionUID = 1L;

    public Sleepy() {
      super("test_sleepy", X.class, Y.class);
    }

    @Override
    public int retries() {
      return 1;
    }

    @Override
    public Optional<Duration> timeout() {
      return Optional.of(Duration.ofMillis(300));
    }

    @Override
    public Y run(X input, TaskContext context) throws InterruptedException {
      count(name(), context.arrayIndex());
      Thread.sleep(input.x());
      return new Y(input.x());
    }
  }

  public record Where(long index, long attempt) {}

  /** Returns its array index and attempt number; fails recoverably on attempt 0 of odd indices. */
  @SuppressWarnings("rawtypes") // ServiceLoader registers the raw JavaTask interface.
  @AutoService(JavaTask.class)
  public static final class WhereAmI extends JavaTask<X, Where> {
    private static final long serialVersionUID = 1L;

    public WhereAmI() {
      super("test_where_am_i", X.class, Where.class);
    }

    @Override
    public int retries() {
      return 1;
    }

    @Override
    public Where run(X input, TaskContext context) {
      if (context.arrayIndex() % 2 == 1 && context.attemptNumber() == 0) {
        throw new RecoverableException("odd index, first attempt");
      }
      return new Where(context.arrayIndex(), context.attemptNumber());
    }
  }

  /** Records its start and end, sleeping {@code x} ms in between. */
  @SuppressWarnings("rawtypes") // ServiceLoader registers the raw JavaTask interface.
  @AutoService(JavaTask.class)
  public static final class Timed extends JavaTask<X, Y> {
    private static final long serialVersionUID = 1L;

    public Timed() {
      super("test_timed", X.class, Y.class);
    }

    @Override
    public Y run(X input, TaskContext context) throws InterruptedException {
      long start = System.nanoTime();
      Thread.sleep(input.x());
      INTERVALS.add(new long[] {start, System.nanoTime()});
      return new Y(input.x());
    }
  }

  /** Opened by a test: {@link Gated} elements wait for it. */
  public static volatile java.util.concurrent.CountDownLatch gate =
      new java.util.concurrent.CountDownLatch(0);

  /** Counted down as each {@link Gated} element starts. */
  public static volatile java.util.concurrent.CountDownLatch gateEntered =
      new java.util.concurrent.CountDownLatch(0);

  /** Returns {@code x * 10} once the test opens {@link #gate} (at most 60 s later). */
  @SuppressWarnings("rawtypes") // ServiceLoader registers the raw JavaTask interface.
  @AutoService(JavaTask.class)
  public static final class Gated extends JavaTask<X, Y> {
    private static final long serialVersionUID = 1L;

    public Gated() {
      super("test_gated", X.class, Y.class);
    }

    @Override
    public Y run(X input, TaskContext context) throws InterruptedException {
      count(name(), context.arrayIndex());
      gateEntered.countDown();
      if (!gate.await(60, java.util.concurrent.TimeUnit.SECONDS)) {
        throw new IllegalStateException("the test never opened the gate");
      }
      return new Y(input.x() * 10);
    }
  }

  /** Counts its calls; fails non-recoverably when {@code x} is negative. */
  @SuppressWarnings("rawtypes") // ServiceLoader registers the raw JavaTask interface.
  @AutoService(JavaTask.class)
  public static final class Counted extends JavaTask<X, Y> {
    private static final long serialVersionUID = 1L;

    public Counted() {
      super("test_counted", X.class, Y.class);
    }

    @Override
    public Y run(X input, TaskContext context) {
      count(name(), context.arrayIndex());
      if (input.x() < 0) {
        throw new IllegalStateException("negative: " + input.x());
      }
      return new Y(input.x() * 10);
    }
  }

  /**
   * The inputs of {@link CacheMarked}: {@code x} mapped; {@code offset} bound (part of the cache
   * key); {@code markers} and {@code delayMillis} bound and left out of the key.
   */
  public record Marked(long x, long offset, String markers, long delayMillis) {}

  /**
   * Cacheable (version "1"): returns {@code x * 10 + offset} after {@code delayMillis}; fails
   * non-recoverably when {@code x} is negative. Every invocation leaves files in the folder {@code
   * markers}, so a test counts real executions, also across processes: {@code
   * start-<index>-<pid>-*} as it starts, {@code done-<index>-<pid>-*} as it returns its outputs.
   */
  @SuppressWarnings("rawtypes") // ServiceLoader registers the raw JavaTask interface.
  @AutoService(JavaTask.class)
  public static final class CacheMarked extends JavaTask<Marked, Y> {
    private static final long serialVersionUID = 1L;

    public CacheMarked() {
      super("test_cache_marked", Marked.class, Y.class);
    }

    @Override
    public Optional<String> cacheVersion() {
      return Optional.of("1");
    }

    @Override
    public List<String> cacheIgnoreInputVars() {
      return List.of("markers", "delayMillis");
    }

    @Override
    public Y run(Marked input, TaskContext context) throws Exception {
      mark(input.markers(), "start", context.arrayIndex());
      Thread.sleep(input.delayMillis());
      if (input.x() < 0) {
        throw new IllegalStateException("negative: " + input.x());
      }
      mark(input.markers(), "done", context.arrayIndex());
      return new Y(input.x() * 10 + input.offset());
    }

    private static void mark(String folder, String what, long index) throws java.io.IOException {
      java.nio.file.Path dir = java.nio.file.Files.createDirectories(java.nio.file.Path.of(folder));
      java.nio.file.Files.createFile(
          dir.resolve(
              what
                  + "-"
                  + index
                  + "-"
                  + ProcessHandle.current().pid()
                  + "-"
                  + java.util.UUID.randomUUID()));
    }
  }

  public record Text(String o0) {}

  /** A 64-character output for a number: outputs much bigger than their inputs. */
  @SuppressWarnings("rawtypes") // ServiceLoader registers the raw JavaTask interface.
  @AutoService(JavaTask.class)
  public static final class Padded extends JavaTask<X, Text> {
    private static final long serialVersionUID = 1L;

    public Padded() {
      super("test_padded", X.class, Text.class);
    }

    @Override
    public Text run(X input, TaskContext context) {
      return new Text(String.format("%064d", input.x()));
    }
  }

  public record Pair(long twice, String label) {}

  /** Two outputs per element; fails non-recoverably when {@code x} is negative. */
  @SuppressWarnings("rawtypes") // ServiceLoader registers the raw JavaTask interface.
  @AutoService(JavaTask.class)
  public static final class Paired extends JavaTask<X, Pair> {
    private static final long serialVersionUID = 1L;

    public Paired() {
      super("test_paired", X.class, Pair.class);
    }

    @Override
    public Pair run(X input, TaskContext context) {
      count(name(), context.arrayIndex());
      if (input.x() < 0) {
        throw new IllegalStateException("negative: " + input.x());
      }
      return new Pair(input.x() * 2, "n" + input.x());
    }
  }

  public record File(org.flytebeam.types.Blob f) {}

  /** The size in bytes of the file it is given, read from its local path. */
  @SuppressWarnings("rawtypes") // ServiceLoader registers the raw JavaTask interface.
  @AutoService(JavaTask.class)
  public static final class FileSize extends JavaTask<File, Y> {
    private static final long serialVersionUID = 1L;

    public FileSize() {
      super("test_file_size", File.class, Y.class);
    }

    @Override
    public Y run(File input, TaskContext context) {
      try {
        return new Y(java.nio.file.Files.size(java.nio.file.Path.of(input.f().uri())));
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }
  }

  public record Nothing() {}

  /** Outputs nothing; fails unless {@code x} is its own index (the items arrive in order). */
  @SuppressWarnings("rawtypes") // ServiceLoader registers the raw JavaTask interface.
  @AutoService(JavaTask.class)
  public static final class IndexCheck extends JavaTask<X, Nothing> {
    private static final long serialVersionUID = 1L;

    public IndexCheck() {
      super("test_index_check", X.class, Nothing.class);
    }

    @Override
    public Nothing run(X input, TaskContext context) {
      if (input.x() != context.arrayIndex()) {
        throw new IllegalStateException("item " + input.x() + " at index " + context.arrayIndex());
      }
      return new Nothing();
    }
  }

  /** Most elements running at once in {@link #INTERVALS}. */
  public static int maxOverlap() {
    List<long[]> events = new java.util.ArrayList<>();
    for (long[] interval : INTERVALS) {
      events.add(new long[] {interval[0], 1});
      events.add(new long[] {interval[1], -1});
    }
    events.sort((a, b) -> a[0] != b[0] ? Long.compare(a[0], b[0]) : Long.compare(a[1], b[1]));
    int running = 0;
    int max = 0;
    for (long[] e : events) {
      running += (int) e[1];
      max = Math.max(max, running);
    }
    return max;
  }

  /**
   * Fails non-recoverably on every multiple of 7 with a message naming its input, from a helper
   * method (so its stack trace has a frame of its own to find); returns {@code x} otherwise.
   */
  @SuppressWarnings("rawtypes") // ServiceLoader registers the raw JavaTask interface.
  @AutoService(JavaTask.class)
  public static final class BadInput extends JavaTask<X, Y> {
    private static final long serialVersionUID = 1L;

    public BadInput() {
      super("test_bad_input", X.class, Y.class);
    }

    @Override
    public Y run(X input, TaskContext context) {
      return new Y(checked(input.x()));
    }

    private static long checked(long x) {
      if (x % 7 == 0) {
        throw new IllegalArgumentException("bad input " + x);
      }
      return x;
    }
  }

  /**
   * Loads its "model" (an offset of 1000) once per worker in setup; every element adds it to x, so
   * an element that ran without setup would return x alone.
   */
  @AutoService(JavaTask.class)
  @SuppressWarnings("rawtypes") // ServiceLoader names the raw JavaTask type.
  public static final class WithSetup extends JavaTask<X, Y> {
    private static final long serialVersionUID = 1L;

    private transient long offset;

    public WithSetup() {
      super("test_setup", X.class, Y.class);
    }

    @Override
    public void setup() {
      SETUPS.incrementAndGet();
      offset = 1000;
    }

    @Override
    public Y run(X input, TaskContext context) {
      count(name(), context.arrayIndex());
      return new Y(input.x() + offset);
    }

    @Override
    public void teardown() {
      TEARDOWNS.incrementAndGet();
      offset = 0;
    }
  }

  /** Its setup fails: no element of its workers can run. */
  @AutoService(JavaTask.class)
  @SuppressWarnings("rawtypes") // ServiceLoader names the raw JavaTask type.
  public static final class FailingSetup extends JavaTask<X, Y> {
    private static final long serialVersionUID = 1L;

    public FailingSetup() {
      super("test_failing_setup", X.class, Y.class);
    }

    @Override
    public void setup() {
      throw new IllegalStateException("model file /models/m.bin is missing");
    }

    @Override
    public Y run(X input, TaskContext context) {
      count(name(), context.arrayIndex());
      return new Y(input.x());
    }
  }
}
