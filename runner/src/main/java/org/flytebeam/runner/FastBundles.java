package org.flytebeam.runner;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.fs.MatchResult;
import org.apache.beam.sdk.util.MimeTypes;
import org.flytebeam.InvalidDefinitionException;
import org.flytebeam.exec.process.FastRegistration;
import org.flytebeam.exec.process.LocalFiles;
import org.flytebeam.graph.FlytePackage;
import org.flytebeam.spec.MapTaskSpec;

/**
 * Puts the code bundle of fast-registered tasks where every worker reads it, once per run: a local
 * file stays where it is when the workers run on this machine (the DirectRunner, Spark {@code
 * local[N]}) and is copied into the run folder, which every worker reaches, when they do not; a URI
 * (any Beam FileSystems scheme) is read by the workers where it is. Each worker then renders {@code
 * {{ .remote_package_path }}} to a local copy (see the container invoker).
 */
final class FastBundles {
  /** The run folder's sub-folder holding the bundle on a cluster. */
  static final String FOLDER = "fast-bundle";

  private FastBundles() {}

  /**
   * The bundle to use: {@code --fast-bundle} when given, else the package's own ({@code
   * fast*.tar.gz} in a {@code pyflyte package} archive).
   */
  static RunOptions withPackageBundle(RunOptions options, FlytePackage pkg) {
    if (options.fastBundle().isPresent() || pkg.fastBundle().isEmpty()) {
      return options;
    }
    return options.withFastBundle(pkg.fastBundle().get());
  }

  /**
   * Fails before the run when a task of {@code specs} is fast-registered and no bundle is given:
   * one line naming the first such task and the fix.
   */
  static void requireBundle(RunOptions options, Map<String, MapTaskSpec> specs) {
    if (options.fastBundle().isPresent()) {
      return;
    }
    List<String> needing = new ArrayList<>();
    for (MapTaskSpec spec : specs.values()) {
      String name = spec.subTask().id().name();
      if (FastRegistration.needsBundle(spec.subTask().template()) && !needing.contains(name)) {
        needing.add(name);
      }
    }
    Optional<String> problem = FastRegistration.missingBundle(needing);
    if (problem.isPresent()) {
      throw new InvalidDefinitionException(problem.get());
    }
  }

  /**
   * Checks the bundle (its name and that it exists) and places it for this run's workers.
   *
   * @param localWorkers whether every worker runs on this machine
   * @param runFolder the run folder, which every worker reaches
   * @return {@code options} with the bundle where the workers read it
   * @throws InvalidDefinitionException when the bundle is not a {@code .tar.gz} or does not exist
   */
  static RunOptions place(RunOptions options, boolean localWorkers, String runFolder) {
    if (options.fastBundle().isEmpty()) {
      return options;
    }
    String bundle = options.fastBundle().get();
    FastRegistration.nameProblem(bundle)
        .ifPresent(
            p -> {
              throw new InvalidDefinitionException(p);
            });
    if (!LocalFiles.isLocal(bundle)) {
      requireRemote(bundle);
      return options;
    }
    Path file = LocalFiles.toPath(bundle);
    if (!Files.isRegularFile(file)) {
      throw new InvalidDefinitionException(
          "--fast-bundle ["
              + bundle
              + "] is not a file: give the fast*.tar.gz that pyflyte package wrote (or run the"
              + " package archive, which holds it)");
    }
    if (localWorkers) {
      return options;
    }
    String target =
        LocalFiles.join(LocalFiles.join(runFolder, FOLDER), file.getFileName().toString());
    try (InputStream in = Files.newInputStream(file);
        OutputStream out =
            Channels.newOutputStream(
                FileSystems.create(
                    FileSystems.matchNewResource(target, false), MimeTypes.BINARY))) {
      in.transferTo(out);
    } catch (IOException e) {
      throw new InfrastructureException(
          "cannot copy the code bundle [" + bundle + "] into the run folder [" + target + "]: " + e,
          e);
    }
    return options.withFastBundle(target);
  }

  private static void requireRemote(String bundle) {
    MatchResult match;
    try {
      match = FileSystems.match(bundle);
    } catch (IOException | IllegalArgumentException e) {
      throw new InvalidDefinitionException(
          "--fast-bundle [" + bundle + "] cannot be read: " + e.getMessage(), e);
    }
    if (match.status() != MatchResult.Status.OK) {
      throw new InvalidDefinitionException(
          "--fast-bundle ["
              + bundle
              + "] does not exist ("
              + match.status()
              + "): give the URI of the fast*.tar.gz that pyflyte package wrote");
    }
  }
}
