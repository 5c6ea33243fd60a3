package org.flytebeam.runner;

import flyteidl.admin.TaskOuterClass.TaskSpec;
import flyteidl.core.Literals.KeyValuePair;
import flyteidl.core.Tasks.TaskTemplate;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;

/**
 * flytectl's {@code valid-fast-register.tgz} (public test data, a {@code pyflyte package} of
 * flytesnacks' {@code core} with its code bundle) made runnable here: its tasks' containers pointed
 * at the python3 stand-ins of {@code pyflyte-fast-execute}, {@code pyflyte-execute} and {@code
 * pyflyte-map-execute} (see {@link Containers#fakeFlytekit}), which unpack the real bundle and
 * import the real task modules from it.
 */
final class FastPackages {
  static final String BASIC_WF = "core.flyte_basics.basic_workflow.my_wf";
  static final String MAPPABLE = "core.control_flow.map_task.a_mappable_task";

  private FastPackages() {}

  static Path fixture() {
    return Path.of(DescribePackageTest.fixture("valid-fast-register.tgz"));
  }

  /**
   * The fixture with every task's container given {@code PATH} (the stand-ins first) and {@code
   * FAKE_LOG}, and the tasks that are not fast-registered, whose code Flyte takes from the image,
   * {@code PYTHONPATH} = the project unpacked in {@code dir/image} (what a worker would have
   * installed); every other member copied as it is, the code bundle too unless {@code withBundle}
   * is false.
   */
  static Path pkg(Path dir, Path bin, Path log, boolean withBundle) throws IOException {
    Path image = unpackedProject(dir.resolve("image"));
    Path out = dir.resolve(withBundle ? "pkg.tgz" : "pkg-without-bundle.tgz");
    try (TarArchiveInputStream in =
            new TarArchiveInputStream(
                new GzipCompressorInputStream(Files.newInputStream(fixture())));
        TarArchiveOutputStream tar =
            new TarArchiveOutputStream(
                new GzipCompressorOutputStream(Files.newOutputStream(out)))) {
      TarArchiveEntry entry;
      while ((entry = in.getNextEntry()) != null) {
        if (!entry.isFile()) {
          continue;
        }
        String name = entry.getName();
        byte[] bytes = in.readAllBytes();
        String base = name.substring(name.lastIndexOf('/') + 1);
        if (base.startsWith("fast") && base.endsWith(".tar.gz") && !withBundle) {
          continue;
        }
        if (base.endsWith("_1.pb") && !base.startsWith(".")) {
          TaskSpec spec = TaskSpec.parseFrom(bytes);
          bytes =
              spec.toBuilder()
                  .setTemplate(withStandIns(spec.getTemplate(), bin, log, image))
                  .build()
                  .toByteArray();
        }
        TarArchiveEntry copy = new TarArchiveEntry(name);
        copy.setSize(bytes.length);
        tar.putArchiveEntry(copy);
        tar.write(bytes);
        tar.closeArchiveEntry();
      }
    }
    return out;
  }

  static TaskTemplate withStandIns(TaskTemplate t, Path bin, Path log, Path image) {
    if (!t.hasContainer()) {
      return t;
    }
    var container =
        t.getContainer().toBuilder()
            .addEnv(KeyValuePair.newBuilder().setKey("PATH").setValue(Containers.pathWith(bin)))
            .addEnv(KeyValuePair.newBuilder().setKey("FAKE_LOG").setValue(log.toString()));
    if (!t.getContainer().getArgsList().contains("pyflyte-fast-execute")) {
      container.addEnv(KeyValuePair.newBuilder().setKey("PYTHONPATH").setValue(image.toString()));
    }
    return t.toBuilder().setContainer(container).build();
  }

  /** The fixture's code bundle unpacked into {@code target}: its regular files, nothing else. */
  static Path unpackedProject(Path target) throws IOException {
    Files.createDirectories(target);
    try (TarArchiveInputStream in =
        new TarArchiveInputStream(
            new GzipCompressorInputStream(Files.newInputStream(bundleIn())))) {
      TarArchiveEntry entry;
      while ((entry = in.getNextEntry()) != null) {
        String name = entry.getName().replaceFirst("^/+", "");
        if (!entry.isFile() || name.isEmpty() || name.contains("..")) {
          continue;
        }
        Path file = target.resolve(name).normalize();
        if (!file.startsWith(target)) {
          continue;
        }
        Files.createDirectories(file.getParent());
        Files.write(file, in.readAllBytes());
      }
    }
    return target;
  }

  /** The package's code bundle ({@code fast*.tar.gz}), copied out into {@code dir}. */
  static Path bundle(Path dir) throws IOException {
    Path source = bundleIn();
    return Files.copy(source, dir.resolve(source.getFileName().toString()));
  }

  private static Path extracted;

  /** The fixture's code bundle, extracted once into a temporary file of this test JVM. */
  private static synchronized Path bundleIn() throws IOException {
    if (extracted != null) {
      return extracted;
    }
    try (TarArchiveInputStream in =
        new TarArchiveInputStream(new GzipCompressorInputStream(Files.newInputStream(fixture())))) {
      TarArchiveEntry entry;
      while ((entry = in.getNextEntry()) != null) {
        String base = entry.getName().substring(entry.getName().lastIndexOf('/') + 1);
        if (base.startsWith("fast") && base.endsWith(".tar.gz")) {
          Path file = Files.createTempDirectory("fast-fixture").resolve(base);
          Files.write(file, in.readAllBytes());
          file.toFile().deleteOnExit();
          file.getParent().toFile().deleteOnExit();
          extracted = file;
          return file;
        }
      }
    }
    throw new AssertionError("the fixture holds no code bundle");
  }

  /** A code bundle of our own: {@code files} (path to Python source) in a gzip-compressed tar. */
  static Path bundleOf(Path dir, String name, Map<String, String> files) throws IOException {
    Path file = dir.resolve(name);
    try (OutputStream raw = Files.newOutputStream(file);
        TarArchiveOutputStream tar =
            new TarArchiveOutputStream(new GzipCompressorOutputStream(raw))) {
      for (Map.Entry<String, String> f : files.entrySet()) {
        byte[] bytes = f.getValue().getBytes(StandardCharsets.UTF_8);
        TarArchiveEntry entry = new TarArchiveEntry(f.getKey());
        entry.setSize(bytes.length);
        tar.putArchiveEntry(entry);
        tar.write(bytes);
        tar.closeArchiveEntry();
      }
    }
    return file;
  }

  /** FAKE_LOG's lines of one kind ({@code fast}, {@code execute}), split on spaces. */
  static List<String[]> logged(Path log, String kind) throws IOException {
    List<String[]> lines = new ArrayList<>();
    if (!Files.exists(log)) {
      return lines;
    }
    for (String line : Files.readAllLines(log)) {
      if (line.startsWith(kind + " ")) {
        lines.add(line.split(" "));
      }
    }
    return lines;
  }
}
