package org.flytebeam.idl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;
import flyteidl.admin.LaunchPlanOuterClass.LaunchPlan;
import flyteidl.admin.TaskOuterClass.TaskSpec;
import flyteidl.admin.WorkflowOuterClass.WorkflowSpec;
import flyteidl.core.Compiler.CompiledTask;
import flyteidl.core.Compiler.CompiledWorkflow;
import flyteidl.core.Compiler.CompiledWorkflowClosure;
import flyteidl.core.Tasks.TaskTemplate;
import flyteidl.core.WorkflowClosureOuterClass.WorkflowClosure;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;
import org.flytebeam.InvalidDefinitionException;
import org.flytebeam.graph.FlytePackage;
import org.flytebeam.graph.FlytePackage.Entity;
import org.flytebeam.graph.FlytePackage.LaunchPlanEntity;
import org.flytebeam.graph.FlytePackage.TaskEntity;
import org.flytebeam.graph.FlytePackage.WorkflowEntity;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reads the public Flyte artifacts under {@code flyte-public/} (see the README there). */
class PackageReaderTest {
  private static final String MAP_WF = "core.control_flow.map_task.my_map_workflow";

  @TempDir Path tmp;

  static Path fixture(String name) {
    try {
      return Path.of(PackageReaderTest.class.getResource("/flyte-public/" + name).toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  static byte[] bytes(Path p) {
    try {
      return Files.readAllBytes(p);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Test
  void pyflytePackageArchiveRunsItsOnlyLaunchPlan() {
    FlytePackage pkg = PackageReader.read(fixture("valid-package.tgz"));
    assertThat(pkg.tasks())
        .containsOnlyKeys("example.example.generate_normal_df", "example.example.compute_stats");
    assertThat(pkg.workflows()).containsOnlyKeys("example.example.wf");
    assertThat(pkg.launchPlans()).containsOnlyKeys("example.example.wf");
    Entity e = pkg.select(Optional.empty());
    assertThat(e).isInstanceOf(LaunchPlanEntity.class);
    assertThat(((LaunchPlanEntity) e).launchPlan().workflowName()).isEqualTo("example.example.wf");
    assertThat(pkg.fastBundle()).isEmpty();
  }

  @Test
  void readByNameAndBytesReadsTheSameArchive() {
    Path p = fixture("valid-package.tgz");
    FlytePackage pkg = PackageReader.read(p.toString(), bytes(p));
    assertThat(pkg.workflows()).containsOnlyKeys("example.example.wf");
  }

  @Test
  void flytesnacksPackageRunsItsMapWorkflowDespiteOtherTaskKinds() {
    FlytePackage pkg = PackageReader.read(fixture("flytesnacks-core.tgz"));
    assertThat(pkg.workflows()).containsKey(MAP_WF);
    Entity e = pkg.select(Optional.of(MAP_WF));
    assertThat(e).isInstanceOf(LaunchPlanEntity.class);
    assertThat(e.name()).isEqualTo(MAP_WF);
    // the package also holds sqlite and sensor tasks: they do not stop the map workflow
    assertThat(pkg.tasks().values().stream().map(TaskTemplate::getType))
        .contains("sqlite", "object-store-sensor", "container_array");
  }

  @Test
  void manyEntitiesWithoutWorkflowIsOneLineListingTheNames() {
    FlytePackage pkg = PackageReader.read(fixture("flytesnacks-core.tgz"));
    assertThatThrownBy(() -> pkg.select(Optional.empty()))
        .isInstanceOf(InvalidDefinitionException.class)
        .hasMessageContaining("--workflow NAME")
        .hasMessageContaining(MAP_WF)
        .hasMessageNotContaining("\n");
    assertThatThrownBy(() -> pkg.select(Optional.of("core.nope")))
        .isInstanceOf(InvalidDefinitionException.class)
        .hasMessageContaining("[core.nope]")
        .hasMessageContaining(MAP_WF)
        .hasMessageNotContaining("\n");
  }

  @Test
  void fastBundleOfAnArchiveIsExtractedToAPrivateFile() throws IOException {
    FlytePackage pkg = PackageReader.read(fixture("valid-fast-register.tgz"));
    assertThat(pkg.fastBundle()).isPresent();
    Path bundle = Path.of(pkg.fastBundle().get());
    assertThat(bundle).isRegularFile();
    assertThat(bundle.getFileName().toString()).startsWith("fast-").endsWith(".tar.gz");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(bundle)))
        .isEqualTo("rw-------");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(bundle.getParent())))
        .isEqualTo("rwx------");
    // the extracted bundle is itself a readable gzip
    byte[] head = Files.readAllBytes(bundle);
    assertThat(head.length).isGreaterThan(2);
    assertThat(head[0] & 0xff).isEqualTo(0x1f);
    assertThat(head[1] & 0xff).isEqualTo(0x8b);
  }

  @Test
  void launchPlanInAWorkflowIsResolved() {
    FlytePackage pkg = PackageReader.read(fixture("launchplan-in-wf.tgz"));
    assertThat(pkg.launchPlans()).containsKey("name_override");
    Entity e = pkg.select(Optional.of("workflows.wf.outer_workflow"));
    assertThat(e).isInstanceOf(LaunchPlanEntity.class);
  }

  @Test
  void folderWithoutEntityFilesSaysSo() throws IOException {
    Path dir = Files.createDirectories(tmp.resolve("empty.json"));
    Files.writeString(dir.resolve("notes.txt"), "not a definition");

    assertThatThrownBy(() -> PackageReader.read(dir))
        .isInstanceOf(InvalidDefinitionException.class)
        .hasMessageContaining("[" + dir + "] is a folder with no flyteidl file")
        .hasMessageContaining("give the folder pyflyte serialize wrote");
  }

  @Test
  void packageOfLaunchPlansWithOneTaskIsAmbiguousWithoutAName() {
    // three launch plans, two workflows and one task: not a run of the only task
    FlytePackage pkg = PackageReader.read(fixture("launchplan-in-wf.tgz"));
    assertThat(pkg.tasks()).hasSize(1);

    assertThatThrownBy(() -> pkg.select(Optional.empty()))
        .isInstanceOf(InvalidDefinitionException.class)
        .hasMessageContaining("choose one with --workflow NAME")
        .hasMessageContaining("name_override")
        .hasMessageContaining("workflows.wf.outer_workflow");
  }

  @Test
  void flytectlInvalidWorkflowPackageNamesItsMember() {
    // flytectl's own bad package: its _2.pb member is no WorkflowSpec
    assertThatThrownBy(() -> PackageReader.read(fixture("invalidworkflow.tgz")))
        .isInstanceOf(InvalidDefinitionException.class)
        .hasMessageContaining("member [invalidtask/my_bad_workflow_2.pb]")
        .hasMessageContaining("none of the known types");
  }

  @Test
  void launchPlanWithoutItsWorkflowIsNamed() throws IOException {
    byte[] lp =
        bytes(fixture("snacks-core/003_core.containerization.multi_images.my_workflow_3.pb"));
    FlytePackage pkg = PackageReader.read("lp_3.pb", lp);
    assertThatThrownBy(() -> pkg.checkReferences(pkg.select(Optional.empty())))
        .isInstanceOf(InvalidDefinitionException.class)
        .hasMessageContaining("launch plan [core.containerization.multi_images.my_workflow]")
        .hasMessageContaining("launches the workflow");
  }

  @Test
  void serializeFolderWithNestingAndJunk() throws IOException {
    Path dir = tmp.resolve("out");
    Path nested = Files.createDirectories(dir.resolve("a/b"));
    try (Stream<Path> files = Files.list(fixture("snacks-core"))) {
      for (Path f : files.toList()) {
        Files.copy(f, nested.resolve(f.getFileName()));
      }
    }
    Files.writeString(dir.resolve(".DS_Store"), "junk");
    Files.writeString(nested.resolve("README.md"), "junk");
    Files.writeString(nested.resolve("._x_1.pb"), "junk");
    FlytePackage pkg = PackageReader.read(dir);
    assertThat(pkg.workflows())
        .containsOnlyKeys(
            "core.containerization.multi_images.my_workflow",
            "core.containerization.raw_container.wf");
    assertThat(pkg.launchPlans()).hasSize(2);
    // raw_container.wf's tasks (004-008) were left out: one line per missing task, naming
    // the node that refers to it; the other workflow, complete, still runs
    assertThatThrownBy(
            () ->
                pkg.checkReferences(
                    pkg.select(Optional.of("core.containerization.raw_container.wf"))))
        .isInstanceOf(InvalidDefinitionException.class)
        .satisfies(
            e -> {
              List<String> problems = ((InvalidDefinitionException) e).problems();
              assertThat(problems).hasSize(5);
              assertThat(problems.get(0))
                  .contains("the task [ellipse-area-metadata-shell]")
                  .contains("node [n0] of the workflow [core.containerization.raw_container.wf]");
            });
    // a launch plan wins over a workflow of the same name, and each resolves its references
    assertThat(pkg.select(Optional.of("core.containerization.multi_images.my_workflow")).name())
        .isEqualTo("core.containerization.multi_images.my_workflow");
  }

  @Test
  void folderFastBundleIsItsPath() throws IOException {
    Path dir = Files.createDirectories(tmp.resolve("pkg"));
    Files.copy(
        fixture("snacks-core/000_core.containerization.multi_images.svm_trainer_1.pb"),
        dir.resolve("000_t_1.pb"));
    Path bundle = Files.write(dir.resolve("fastabc.tar.gz"), new byte[] {1, 2});
    FlytePackage pkg = PackageReader.read(dir);
    assertThat(pkg.fastBundle()).contains(bundle.toAbsolutePath().toString());
    assertThat(pkg.select(Optional.empty())).isInstanceOf(TaskEntity.class);
  }

  /** A gzip-compressed tar of the given members, in order. */
  static byte[] tgz(Map<String, byte[]> members) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (TarArchiveOutputStream tar =
        new TarArchiveOutputStream(new GzipCompressorOutputStream(out))) {
      tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
      tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
      for (Map.Entry<String, byte[]> m : members.entrySet()) {
        TarArchiveEntry e = new TarArchiveEntry(m.getKey(), true);
        e.setSize(m.getValue().length);
        tar.putArchiveEntry(e);
        tar.write(m.getValue());
        tar.closeArchiveEntry();
      }
    }
    return out.toByteArray();
  }

  @Test
  void archiveWithNestedFoldersJunkAndHostileNames() throws IOException {
    byte[] task =
        bytes(fixture("snacks-core/000_core.containerization.multi_images.svm_trainer_1.pb"));
    Map<String, byte[]> members = new LinkedHashMap<>();
    members.put("x/y/z/.DS_Store", "junk".getBytes(StandardCharsets.UTF_8));
    members.put("x/y/._0_t_1.pb", "junk".getBytes(StandardCharsets.UTF_8));
    members.put("../../../../" + tmp.getFileName() + "-evil_1.pb", task);
    members.put("/abs/deep/a/b/c/d/0_t_1.pb", task);
    members.put("x/notes.txt", "junk".getBytes(StandardCharsets.UTF_8));
    FlytePackage pkg = PackageReader.read("p.tgz", tgz(members));
    assertThat(pkg.tasks()).containsOnlyKeys("core.containerization.multi_images.svm_trainer");
    assertThat(tmp.getParent().resolve(tmp.getFileName() + "-evil_1.pb")).doesNotExist();
    assertThat(Path.of("/abs")).doesNotExist();
  }

  @Test
  void archiveBombIsRefusedWithoutReadingItAll() throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    long size = PackageReader.MAX_FILE_BYTES + 1024;
    try (TarArchiveOutputStream tar =
        new TarArchiveOutputStream(new GzipCompressorOutputStream(out))) {
      TarArchiveEntry e = new TarArchiveEntry("bomb_1.pb", true);
      e.setSize(size);
      tar.putArchiveEntry(e);
      byte[] zeros = new byte[1 << 20];
      for (long left = size; left > 0; left -= zeros.length) {
        tar.write(zeros, 0, (int) Math.min(zeros.length, left));
      }
      tar.closeArchiveEntry();
    }
    byte[] archive = out.toByteArray();
    assertThat(archive.length).isLessThan(1 << 20);
    assertThatThrownBy(() -> PackageReader.read("bomb.tgz", archive))
        .isInstanceOf(InvalidDefinitionException.class)
        .hasMessageContaining("bomb_1.pb")
        .hasMessageContaining("larger than");
  }

  @Test
  void notAnArchiveIsOneLine() {
    assertThatThrownBy(
            () -> PackageReader.read("p.tgz", "not gzip".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(InvalidDefinitionException.class)
        .hasMessageContaining("gzip-compressed tar");
  }

  @Test
  void garbageMemberIsNamed() throws IOException {
    byte[] archive = tgz(Map.of("d/9_x_1.pb", new byte[] {(byte) 0xff, 1, 2, 3}));
    assertThatThrownBy(() -> PackageReader.read("p.tgz", archive))
        .isInstanceOf(InvalidDefinitionException.class)
        .hasMessageContaining("member [d/9_x_1.pb]")
        .hasMessageContaining("none of the known types");
  }

  /** Writes {@code m} as JSON, YAML and binary and reads each back: every form × encoding. */
  private FlytePackage readAs(Message m, String encoding) throws IOException {
    String json = JsonFormat.printer().print(m);
    byte[] bytes =
        switch (encoding) {
          case "json" -> json.getBytes(StandardCharsets.UTF_8);
          case "yaml" -> new YAMLMapper().writeValueAsBytes(new ObjectMapper().readTree(json));
          default -> m.toByteArray();
        };
    return PackageReader.read("entity." + encoding, bytes);
  }

  @Test
  void everyFormInEveryEncoding() throws IOException {
    TaskSpec taskSpec =
        TaskSpec.parseFrom(
            bytes(fixture("snacks-core/000_core.containerization.multi_images.svm_trainer_1.pb")));
    WorkflowSpec wfSpec =
        WorkflowSpec.parseFrom(
            bytes(fixture("snacks-core/010_core.containerization.raw_container.wf_2.pb")));
    LaunchPlan lp =
        LaunchPlan.parseFrom(
            bytes(fixture("snacks-core/011_core.containerization.raw_container.wf_3.pb")));
    TaskTemplate template = taskSpec.getTemplate();
    CompiledWorkflowClosure compiled =
        CompiledWorkflowClosure.newBuilder()
            .setPrimary(CompiledWorkflow.newBuilder().setTemplate(wfSpec.getTemplate()))
            .addTasks(CompiledTask.newBuilder().setTemplate(template))
            .build();
    WorkflowClosure core =
        WorkflowClosure.newBuilder().setWorkflow(wfSpec.getTemplate()).addTasks(template).build();
    String task = template.getId().getName();
    String wf = wfSpec.getTemplate().getId().getName();
    for (String enc : List.of("json", "yaml", "pb")) {
      assertThat(readAs(taskSpec, enc).tasks()).as(enc).containsOnlyKeys(task);
      assertThat(readAs(template, enc).tasks()).as(enc).containsOnlyKeys(task);
      assertThat(readAs(CompiledTask.newBuilder().setTemplate(template).build(), enc).tasks())
          .as(enc)
          .containsOnlyKeys(task);
      FlytePackage w = readAs(wfSpec, enc);
      assertThat(w.workflows()).as(enc).containsOnlyKeys(wf);
      assertThat(w.tasks()).as(enc).isEmpty();
      FlytePackage l = readAs(lp, enc);
      assertThat(l.launchPlans()).as(enc).containsOnlyKeys(wf);
      assertThat(l.launchPlans().get(wf).workflowName()).isEqualTo(wf);
      FlytePackage c = readAs(compiled, enc);
      assertThat(c.workflows()).as(enc).containsOnlyKeys(wf);
      assertThat(c.tasks()).as(enc).containsOnlyKeys(task);
      FlytePackage k = readAs(core, enc);
      assertThat(k.workflows()).as(enc).containsOnlyKeys(wf);
      assertThat(k.tasks()).as(enc).containsOnlyKeys(task);
    }
  }

  @Test
  void kubectlFlyteGoldensInEveryEncoding() {
    for (String enc : List.of("json", "pb", "yaml")) {
      byte[] b = bytes(fixture("workflow." + enc + ".golden"));
      FlytePackage pkg = PackageReader.read("workflow." + enc, b);
      assertThat(pkg.workflows()).as(enc).containsOnlyKeys("workflow-id-123");
      assertThat(pkg.tasks()).as(enc).containsOnlyKeys("task-1", "task-2");
      assertThat(pkg.select(Optional.empty())).as(enc).isInstanceOf(WorkflowEntity.class);
    }
  }

  @Test
  void flyteAdminCompiledWorkflowClosureJson() {
    FlytePackage pkg = PackageReader.read("workflow.json", bytes(fixture("workflow.json")));
    assertThat(pkg.workflows())
        .containsOnlyKeys("tests-flytekit-common-workflows-python-python-tasks-workflow");
    assertThat(pkg.tasks()).isNotEmpty();
    assertThat(pkg.select(Optional.empty())).isInstanceOf(WorkflowEntity.class);
  }

  @Test
  void flytectlGetYamlShapeIsRead() throws IOException {
    // what `flytectl get workflow NAME -o yaml` prints: an admin Workflow with its compiled closure
    WorkflowSpec wfSpec =
        WorkflowSpec.parseFrom(
            bytes(fixture("snacks-core/010_core.containerization.raw_container.wf_2.pb")));
    String yaml =
        "id:\n  resourceType: WORKFLOW\n  project: p\n  domain: d\n  name: w\n  version: v\n"
            + "closure:\n  createdAt: \"2021-01-01T00:00:00Z\"\n  compiledWorkflow:\n"
            + "    primary:\n      template:\n"
            + indent(
                new YAMLMapper()
                    .writeValueAsString(
                        new ObjectMapper()
                            .readTree(JsonFormat.printer().print(wfSpec.getTemplate())))
                    .replaceFirst("^---\\n", ""),
                8);
    FlytePackage pkg = PackageReader.read("w.yaml", yaml.getBytes(StandardCharsets.UTF_8));
    assertThat(pkg.workflows()).containsOnlyKeys(wfSpec.getTemplate().getId().getName());
  }

  private static String indent(String s, int n) {
    String pad = " ".repeat(n);
    return pad + s.replace("\n", "\n" + pad).stripTrailing() + "\n";
  }

  @Test
  void unknownFieldsAreRefused() {
    String json = "{\"workflow\": {\"id\": {\"name\": \"w\"}}, \"bogus\": 1}";
    assertThatThrownBy(() -> PackageReader.read("w.json", json.getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(InvalidDefinitionException.class)
        .hasMessageContaining("[w.json]")
        .hasMessageContaining("bogus");
  }

  @Test
  void unsupportedExtensionIsOneLine() {
    assertThatThrownBy(() -> PackageReader.read("w.txt", new byte[] {1}))
        .isInstanceOf(InvalidDefinitionException.class)
        .hasMessageContaining(".yaml");
  }

  @Test
  void folderLinksAreNotFollowed() throws IOException {
    Path outside = Files.createDirectories(tmp.resolve("outside"));
    Files.copy(
        fixture("snacks-core/000_core.containerization.multi_images.svm_trainer_1.pb"),
        outside.resolve("0_t_1.pb"));
    Path dir = Files.createDirectories(tmp.resolve("pkg"));
    Files.copy(
        fixture("snacks-core/001_core.containerization.multi_images.svm_predictor_1.pb"),
        dir.resolve("1_p_1.pb"));
    Files.createSymbolicLink(dir.resolve("linked"), outside);
    Files.createSymbolicLink(dir.resolve("2_l_1.pb"), outside.resolve("0_t_1.pb"));
    FlytePackage pkg = PackageReader.read(dir);
    assertThat(pkg.tasks()).containsOnlyKeys("core.containerization.multi_images.svm_predictor");
  }

  @Test
  void yamlAliasBombIsRefused() {
    StringBuilder yaml = new StringBuilder("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
    char prev = 'a';
    for (char c = 'b'; c <= 'k'; c++) {
      yaml.append(c).append(": &").append(c).append(" [");
      for (int i = 0; i < 10; i++) {
        yaml.append(i > 0 ? ", " : "").append('*').append(prev);
      }
      yaml.append("]\n");
      prev = c;
    }
    assertThatThrownBy(
            () -> PackageReader.read("b.yaml", yaml.toString().getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(InvalidDefinitionException.class)
        .hasMessageContaining("[b.yaml]");
  }
}
