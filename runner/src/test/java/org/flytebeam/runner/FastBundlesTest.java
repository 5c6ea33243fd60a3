package org.flytebeam.runner;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.flytebeam.cache.CacheMode;
import org.flytebeam.exec.ProcessSettings;
import org.flytebeam.graph.FlytePackage;
import org.flytebeam.idl.PackageReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fast registration refused or prepared before anything runs: no bundle, a missing or wrong one, an
 * unknown task for {@code define --from}, the bundle's place for the workers (see {@link
 * FastPackages}; the runs themselves are {@link FastRegistrationRunIT}).
 */
class FastBundlesTest {
  @TempDir Path dir;

  @Test
  void shouldRefuseFastRegisteredTasksWithoutABundleBeforeTheRun() throws Exception {
    Path bin = Containers.fakeFlytekit(dir);
    Path log = dir.resolve("fake.log");
    Path pkg = FastPackages.pkg(dir, bin, log, false);
    Path in = Cli.write(dir, "in.json", "{\"a\": 50, \"b\": \"hello\"}");

    Cli cli =
        Cli.run(
            "run",
            "--definition",
            pkg.toString(),
            "--workflow",
            FastPackages.BASIC_WF,
            "--inputs",
            in.toString());

    assertThat(cli.exitCode()).isEqualTo(2);
    assertThat(cli.errWithoutProgress())
        .isEqualTo(
            "error: task [core.flyte_basics.basic_workflow.t1] (and 1 more) is fast-registered"
                + " (its container reads its code from {{ .remote_package_path }}) but no code"
                + " bundle is given: pass --fast-bundle FILE|URI (the fast*.tar.gz of pyflyte"
                + " package), or run the package archive that holds it\n");
    assertThat(log).doesNotExist();
  }

  @Test
  void shouldRefuseABundleThatIsMissingOrNotATarGz() throws Exception {
    Path bin = Containers.fakeFlytekit(dir);
    Path log = dir.resolve("fake.log");
    Path pkg = FastPackages.pkg(dir, bin, log, false);
    Path in = Cli.write(dir, "in.json", "{\"a\": 50, \"b\": \"hello\"}");
    Path zip = Files.write(dir.resolve("code.zip"), new byte[] {1});

    Cli missing =
        Cli.run(
            "run",
            "--definition",
            pkg.toString(),
            "--workflow",
            FastPackages.BASIC_WF,
            "--inputs",
            in.toString(),
            "--fast-bundle",
            dir.resolve("nope.tar.gz").toString());
    Cli notTar =
        Cli.run(
            "run",
            "--definition",
            pkg.toString(),
            "--workflow",
            FastPackages.BASIC_WF,
            "--inputs",
            in.toString(),
            "--fast-bundle",
            zip.toString());

    assertThat(missing.exitCode()).isEqualTo(2);
    assertThat(missing.errWithoutProgress())
        .startsWith("error: --fast-bundle [" + dir.resolve("nope.tar.gz") + "] is not a file");
    assertThat(notTar.exitCode()).isEqualTo(2);
    assertThat(notTar.errWithoutProgress())
        .startsWith("error: --fast-bundle [" + zip + "] does not end in .tar.gz");
    assertThat(log).doesNotExist();
  }

  @Test
  void shouldNameThePackagesTasksWhenDefineIsGivenAnUnknownOne() throws Exception {
    Cli cli =
        Cli.run(
            "define",
            "--from",
            FastPackages.fixture().toString(),
            "--task",
            "core.nope",
            "--out",
            dir.resolve("x.json").toString());

    assertThat(cli.exitCode()).isEqualTo(2);
    assertThat(cli.err())
        .startsWith("error: --task [core.nope] is not a task of ")
        .contains(FastPackages.MAPPABLE)
        .contains("core.flyte_basics.task.square");
    assertThat(dir.resolve("x.json")).doesNotExist();
  }

  @Test
  void shouldCopyALocalBundleIntoTheRunFolderWhenTheWorkersAreElsewhere() throws Exception {
    Path bundle = FastPackages.bundle(dir);
    RunOptions options = RunOptions.defaults().withFastBundle(bundle.toString());
    Path runFolder = Files.createDirectories(dir.resolve("run-1"));

    RunOptions cluster = FastBundles.place(options, false, runFolder.toString());
    RunOptions local = FastBundles.place(options, true, runFolder.toString());

    Path placed = runFolder.resolve("fast-bundle").resolve(bundle.getFileName());
    assertThat(cluster.fastBundle()).contains(placed.toString());
    assertThat(Files.readAllBytes(placed)).isEqualTo(Files.readAllBytes(bundle));
    assertThat(local.fastBundle()).contains(bundle.toString());
  }

  @Test
  void shouldTakeThePackagesBundleUnlessOneIsGiven() throws Exception {
    FlytePackage pkg = PackageReader.read(FastPackages.fixture());
    RunOptions none = RunOptions.defaults();
    RunOptions given = RunOptions.defaults().withFastBundle(dir.resolve("x.tar.gz").toString());

    assertThat(FastBundles.withPackageBundle(none, pkg).fastBundle())
        .isEqualTo(pkg.fastBundle().map(RunOptions::absolute));
    assertThat(FastBundles.withPackageBundle(given, pkg).fastBundle())
        .contains(dir.resolve("x.tar.gz").toString());
    // The bundle survives the options' own normalization (raw output prefix made absolute).
    RunOptions rebuilt =
        new RunOptions(
            RunnerKind.DirectRunner,
            "local[*]",
            Optional.empty(),
            List.of(),
            new ProcessSettings("raw", 0, List.of(), "", "rel/fast.tar.gz"),
            List.of(),
            Optional.empty(),
            CacheMode.ENABLED,
            Optional.empty(),
            false);
    assertThat(rebuilt.fastBundle())
        .contains(Path.of("rel/fast.tar.gz").toAbsolutePath().toString());
    assertThat(rebuilt.process().rawOutputPrefix())
        .isEqualTo(Path.of("raw").toAbsolutePath().toString());
  }
}
