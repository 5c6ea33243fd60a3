package org.flytebeam.exec.process;

import flyteidl.core.Tasks.TaskTemplate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * Fast registration as {@code pyflyte package} writes it: a task's container runs {@code
 * pyflyte-fast-execute --additional-distribution {{ .remote_package_path }} --dest-dir {{ .dest_dir
 * }} -- <the task's command>}, and the archive holds the code bundle ({@code fast*.tar.gz}) that
 * the registering tool uploads and puts in place of {@code {{ .remote_package_path }}}. Here the
 * bundle is given to the run instead (the archive's own, or {@code --fast-bundle}), and both
 * placeholders are filled in per attempt (see {@link Templates.Kind#REMOTE_PACKAGE_PATH}).
 *
 * <p>{@code pyflyte-fast-execute} copies the distribution into the destination folder, which must
 * exist, and unpacks it there only when its name ends in {@code .tar.gz}; then it runs the rest of
 * the command with that folder added to {@code PYTHONPATH}.
 */
public final class FastRegistration {
  /** The suffix flytekit's {@code pyflyte-fast-execute} unpacks. */
  public static final String BUNDLE_SUFFIX = ".tar.gz";

  private FastRegistration() {}

  /**
   * Whether the task's container arguments (or command) use {@code {{ .remote_package_path }}}, so
   * that it cannot run without a code bundle. Arguments Flyte does not know are left to the
   * container's own checks.
   */
  public static boolean needsBundle(TaskTemplate template) {
    if (!template.hasContainer()) {
      return false;
    }
    List<String> args = new ArrayList<>(template.getContainer().getCommandList());
    args.addAll(template.getContainer().getArgsList());
    for (String arg : args) {
      try {
        if (Templates.parse(arg).uses(Templates.Kind.REMOTE_PACKAGE_PATH)) {
          return true;
        }
      } catch (IllegalArgumentException e) {
        // An unknown placeholder: the container's own check names it.
      }
    }
    return false;
  }

  /**
   * The one problem of fast-registered tasks run without a code bundle, naming the first of them.
   *
   * @param tasks the names of the tasks that need one, in the order met; empty: no problem
   */
  public static Optional<String> missingBundle(Collection<String> tasks) {
    if (tasks.isEmpty()) {
      return Optional.empty();
    }
    String first = tasks.iterator().next();
    String more = tasks.size() > 1 ? " (and " + (tasks.size() - 1) + " more)" : "";
    return Optional.of(
        String.format(
            "task [%s]%s is fast-registered (its container reads its code from {{"
                + " .remote_package_path }}) but no code bundle is given: pass --fast-bundle"
                + " FILE|URI (the fast*.tar.gz of pyflyte package), or run the package archive"
                + " that holds it",
            first, more));
  }

  /**
   * What is wrong with {@code bundle} as a code bundle's name, if anything: flytekit unpacks only a
   * {@code .tar.gz} (in lower case).
   */
  public static Optional<String> nameProblem(String bundle) {
    String name = bundle.substring(bundle.lastIndexOf('/') + 1);
    if (!name.endsWith(BUNDLE_SUFFIX)) {
      return Optional.of(
          String.format(
              "--fast-bundle [%s] does not end in %s: pyflyte-fast-execute unpacks only a"
                  + " gzip-compressed tar; give the fast*.tar.gz that pyflyte package wrote",
              bundle, BUNDLE_SUFFIX));
    }
    return Optional.empty();
  }
}
