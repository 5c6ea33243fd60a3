package org.flytebeam.runner;

import java.lang.ref.WeakReference;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import org.apache.beam.runners.direct.DirectOptions;
import org.apache.beam.runners.direct.DirectRunner;
import org.apache.beam.sdk.options.PipelineOptionsFactory;

/**
 * The DirectRunner's Beam options, one object for the same Beam arguments and class loader, kept
 * from one run to the next in a JVM (as a user's tests call {@code FlyteBeam.run} again and again).
 *
 * <p>Why: Beam registers every file system again whenever it is handed options it has not seen
 * ({@code FileSystems.setDefaultPipelineOptions}, which every {@code Pipeline.create} and {@code
 * run} calls, compares the options' id and revision). With Beam's S3 module on the class path
 * (unshaded, as in a user's Maven project) each registration builds an S3 client builder, and each
 * new options object looks up its AWS region and credentials, which without a configured region
 * asks the EC2 instance metadata service: most of a warm call's time (docs/performance.md, "The
 * Java API in a warm JVM"). Options Beam has seen, unchanged, are not registered again, and the
 * defaults they looked up stay bound in them.
 *
 * <p>What a run owns (its id, its folder, its plan and outputs) is not in these options, and
 * flyte-beam changes an object here neither after making it nor during a run; what the user gives
 * (the Beam arguments, the jars by their class loader) is the key, so a run with other arguments
 * gets other options. Beam's own defaults, such as the job name, are those of the shared object.
 */
final class DirectRunnerOptions {
  /** How many option sets are kept: a test suite that alternates a few finds each again. */
  static final int KEPT = 8;

  private record Entry(
      List<String> args,
      int parallelism,
      WeakReference<ClassLoader> loader,
      DirectOptions options) {
    boolean matches(List<String> args, int parallelism, ClassLoader loader) {
      return this.args.equals(args)
          && this.parallelism == parallelism
          && this.loader.get() == loader;
    }
  }

  private static final Deque<Entry> KEPT_ENTRIES = new ArrayDeque<>();

  private DirectRunnerOptions() {}

  /**
   * The options for {@code args} under the current thread's context class loader (where Beam looks
   * for registrars): the kept object when there is one, else a new one, kept.
   *
   * @throws IllegalArgumentException when Beam refuses {@code args}
   */
  static DirectOptions of(List<String> args) {
    List<String> key = List.copyOf(args);
    int parallelism = Math.max(2, Runtime.getRuntime().availableProcessors());
    ClassLoader loader = Thread.currentThread().getContextClassLoader();
    synchronized (KEPT_ENTRIES) {
      for (Iterator<Entry> it = KEPT_ENTRIES.iterator(); it.hasNext(); ) {
        Entry e = it.next();
        if (e.loader().get() == null && loader != null) {
          it.remove();
        } else if (e.matches(key, parallelism, loader)) {
          it.remove();
          KEPT_ENTRIES.addFirst(e);
          return e.options();
        }
      }
    }
    DirectOptions made = make(key, parallelism);
    synchronized (KEPT_ENTRIES) {
      KEPT_ENTRIES.addFirst(new Entry(key, parallelism, new WeakReference<>(loader), made));
      while (KEPT_ENTRIES.size() > KEPT) {
        KEPT_ENTRIES.removeLast();
      }
    }
    return made;
  }

  private static DirectOptions make(List<String> args, int parallelism) {
    DirectOptions direct =
        PipelineOptionsFactory.fromArgs(args.toArray(new String[0])).as(DirectOptions.class);
    direct.setRunner(DirectRunner.class);
    direct.setBlockOnRun(true);
    direct.setTargetParallelism(parallelism);
    return direct;
  }
}
