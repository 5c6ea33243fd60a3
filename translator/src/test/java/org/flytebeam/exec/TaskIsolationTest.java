package org.flytebeam.exec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import flyteidl.core.IdentifierOuterClass.ResourceType;
import flyteidl.core.Interface.TypedInterface;
import flyteidl.core.Interface.Variable;
import flyteidl.core.Interface.VariableMap;
import flyteidl.core.Literals.Literal;
import flyteidl.core.Literals.LiteralMap;
import flyteidl.core.Security.Secret;
import flyteidl.core.Security.SecurityContext;
import flyteidl.core.Tasks.Container;
import flyteidl.core.Tasks.DataLoadingConfig;
import flyteidl.core.Tasks.TaskMetadata;
import flyteidl.core.Tasks.TaskTemplate;
import flyteidl.core.Types.LiteralType;
import flyteidl.core.Workflow.ArrayNode.DataMode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.UUID;
import org.flytebeam.InvalidDefinitionException;
import org.flytebeam.exec.process.Pids;
import org.flytebeam.spec.MapTaskSpec;
import org.flytebeam.spec.SubTask;
import org.flytebeam.spec.TaskId;
import org.flytebeam.types.Blob;
import org.flytebeam.types.LiteralTypes;
import org.flytebeam.types.Literals;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A container task treated as hostile: paths made from its data stay in their folders, it sees only
 * the environment and secrets meant for it, and its text is escaped.
 */
class TaskIsolationTest {
  @TempDir Path dir;

  private final String runId = UUID.randomUUID().toString();
  private final List<Long> pids = new ArrayList<>();

  @AfterEach
  void cleanUp() {
    Pids.kill(pids);
    RunControl.release(runId);
  }

  private static VariableMap vars(Object... nameAndType) {
    VariableMap.Builder vars = VariableMap.newBuilder();
    for (int i = 0; i < nameAndType.length; i += 2) {
      vars.putVariables(
          (String) nameAndType[i],
          Variable.newBuilder().setType((LiteralType) nameAndType[i + 1]).build());
    }
    return vars.build();
  }

  private static TaskTemplate rawContainer(VariableMap inputs, VariableMap outputs, String script) {
    return TaskTemplate.newBuilder()
        .setId(TaskId.of("hostile").toProto(ResourceType.TASK))
        .setType("raw-container")
        .setMetadata(TaskMetadata.getDefaultInstance())
        .setInterface(TypedInterface.newBuilder().setInputs(inputs).setOutputs(outputs))
        .setContainer(
            Container.newBuilder()
                .addCommand("sh")
                .addCommand("-c")
                .addCommand(script)
                .setDataConfig(
                    DataLoadingConfig.newBuilder()
                        .setEnabled(true)
                        .setInputPath("/var/inputs")
                        .setOutputPath("/var/outputs")
                        .setFormat(DataLoadingConfig.LiteralMapFormat.JSON)))
        .build();
  }

  private InvokerContext context(TaskTemplate template, ProcessSettings settings) throws Exception {
    Path inputs = dir.resolve("run").resolve("inputs.pb");
    Files.createDirectories(inputs.getParent());
    Files.write(inputs, LiteralMap.getDefaultInstance().toByteArray());
    return new InvokerContext(
        SubTask.of(template, template.getInterface(), OptionalInt.empty()),
        MapTaskSpec.Form.ARRAY_NODE,
        DataMode.SINGLE_INPUT_FILE,
        "map_hostile",
        runId,
        dir.resolve("run").toString(),
        inputs.toString(),
        settings);
  }

  private InvokerContext context(TaskTemplate template) throws Exception {
    return context(template, ProcessSettings.defaults());
  }

  private static Literal map(Map<String, Literal> entries) {
    return Literal.newBuilder().setMap(LiteralMap.newBuilder().putAllLiterals(entries)).build();
  }

  private static String text(Literal literal) {
    return literal.getScalar().getPrimitive().getStringValue();
  }

  // --- data paths ---------------------------------------------------------------------------

  @Test
  void shouldFailTheElementWhenAMapKeyWouldWriteOutsideTheInputFolder() throws Exception {
    // given: keys climbing out of data-in/m (6 levels up is this test's folder), and an absolute
    // one
    Path absolute = dir.resolve("abs-target");
    LiteralType mapOfStrings = LiteralTypes.mapOf(LiteralTypes.of(String.class));
    TaskTemplate t = rawContainer(vars("m", mapOfStrings), vars(), "true");
    ElementInvoker invoker = Invokers.create(context(t));

    for (String key : List.of("../../../../../../escaped", absolute.toString(), "..", "")) {
      Map<String, Literal> entries = new LinkedHashMap<>();
      entries.put("fine", Literals.of("a"));
      entries.put(key, Literals.of("pwned"));

      // when / then
      assertThatThrownBy(() -> invoker.invoke(0, 0, Map.of("m", map(entries)), Optional.empty()))
          .isInstanceOfSatisfying(
              AttemptFailedException.class,
              e -> assertThat(e.kind()).isEqualTo(FailureKind.NON_RECOVERABLE))
          .hasMessageContaining("input [m] holds the map key [" + key + "]")
          .hasMessageContaining("cannot be written as a file");
    }
    assertThat(dir.resolve("escaped")).doesNotExist();
    assertThat(absolute).doesNotExist();
  }

  @Test
  void shouldRefuseInputAndOutputNamesThatAreNotPlainFileNamesBeforeTheRun() throws Exception {
    TaskTemplate t =
        rawContainer(
            vars("../x", LiteralTypes.of(String.class)),
            vars("/tmp/y", LiteralTypes.of(String.class)),
            "true");
    assertThatThrownBy(() -> Invokers.checkRunnable(context(t)))
        .isInstanceOf(InvalidDefinitionException.class)
        .hasMessageContaining("input [../x] of sub-task [hostile] cannot be written as a file")
        .hasMessageContaining("output [/tmp/y] of sub-task [hostile] cannot be written as a file");
  }

  @Test
  void shouldRefuseAnOutputThatIsALinkToAFileOutsideTheOutputFolder() throws Exception {
    // given: a task that links its output to a file of the user's
    Path secret = Files.writeString(dir.resolve("id_rsa"), "PRIVATE KEY");
    TaskTemplate t =
        rawContainer(
            vars(),
            vars("y", LiteralTypes.of(String.class)),
            "ln -s " + secret + " /var/outputs/y");

    // when / then
    assertThatThrownBy(() -> Invokers.create(context(t)).invoke(0, 0, Map.of(), Optional.empty()))
        .isInstanceOfSatisfying(
            AttemptFailedException.class,
            e -> assertThat(e.kind()).isEqualTo(FailureKind.NON_RECOVERABLE))
        .hasMessageContaining(
            "output [y] holds the symbolic link [y] to [" + secret.toRealPath() + "]")
        .hasMessageNotContaining("PRIVATE KEY");
  }

  @Test
  void shouldRefuseABlobOutputFolderHoldingALinkOutOfIt() throws Exception {
    Path secret = Files.writeString(dir.resolve("id_rsa"), "PRIVATE KEY");
    TaskTemplate t =
        rawContainer(
            vars(),
            vars("out", LiteralTypes.of(Blob.class)),
            "mkdir /var/outputs/out; echo ok > /var/outputs/out/a;"
                + " ln -s "
                + secret
                + " /var/outputs/out/b");
    assertThatThrownBy(() -> Invokers.create(context(t)).invoke(0, 0, Map.of(), Optional.empty()))
        .isInstanceOf(AttemptFailedException.class)
        .hasMessageContaining("output [out] holds the symbolic link [out/b]");
    try (var files = Files.walk(dir.resolve("run"))) {
      assertThat(files.filter(p -> Files.isRegularFile(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)))
          .noneSatisfy(p -> assertThat(p).hasContent("PRIVATE KEY"));
    }
  }

  @Test
  void shouldNotFollowALinkOutOfALocalFolderCopiedIn() throws Exception {
    // given: a multipart blob input whose folder links to a file outside it
    Path secret = Files.writeString(dir.resolve("id_rsa"), "PRIVATE KEY");
    Path folder = Files.createDirectories(dir.resolve("folder"));
    Files.writeString(folder.resolve("a.txt"), "fine");
    Files.createSymbolicLink(folder.resolve("b.txt"), secret);
    TaskTemplate t =
        rawContainer(vars("in", LiteralTypes.of(Blob.class)), vars(), "cat /var/inputs/in/b.txt");

    // when / then
    assertThatThrownBy(
            () ->
                Invokers.create(context(t))
                    .invoke(
                        0,
                        0,
                        Map.of("in", Literals.of(new Blob(folder.toString(), "", true))),
                        Optional.empty()))
        .isInstanceOfSatisfying(
            AttemptFailedException.class,
            e -> assertThat(e.kind()).isEqualTo(FailureKind.NON_RECOVERABLE))
        .hasMessageContaining("holds the symbolic link [b.txt] to [" + secret.toRealPath() + "]");
  }

  @Test
  void shouldRefuseANegativeOrZeroTimeoutFromTheJavaBuilder() {
    for (java.time.Duration timeout :
        List.of(java.time.Duration.ofSeconds(-5), java.time.Duration.ZERO)) {
      TaskTemplate t = rawContainer(vars(), vars(), "true");
      TaskTemplate timed =
          t.toBuilder()
              .setMetadata(
                  TaskMetadata.newBuilder()
                      .setTimeout(
                          com.google.protobuf.Duration.newBuilder()
                              .setSeconds(timeout.toSeconds())))
              .build();
      assertThatThrownBy(() -> SubTask.of(timed, timed.getInterface(), OptionalInt.empty()))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("timeout [" + timeout + "] of task [hostile] must be > 0");
    }
  }

  // --- secrets --------------------------------------------------------------------------------

  private static TaskTemplate withSecret(TaskTemplate t, Secret secret) {
    return t.toBuilder()
        .setSecurityContext(SecurityContext.newBuilder().addSecrets(secret))
        .build();
  }

  @Test
  void shouldGiveADeclaredSecretAsFlytekitReadsItAndRemoveItsFileAfterTheAttempt()
      throws Exception {
    // given: the secret db/token in a secrets folder, flytekit's layout
    Path secrets = dir.resolve("secrets");
    Files.createDirectories(secrets.resolve("db"));
    Files.writeString(secrets.resolve("db").resolve("token"), "s3cr3t");
    TaskTemplate t =
        withSecret(
            rawContainer(
                vars(),
                vars("y", LiteralTypes.of(String.class)),
                "echo \"$FLYTE_SECRETS_ENV_PREFIX $_FSEC_DB_TOKEN $(cat $FLYTE_SECRETS_DEFAULT_DIR/db/token)\""
                    + " > /var/outputs/y; echo $FLYTE_SECRETS_DEFAULT_DIR > "
                    + dir.resolve("where")),
            Secret.newBuilder().setGroup("db").setKey("token").build());
    ProcessSettings settings = ProcessSettings.defaults().withSecretsDir(secrets.toString());

    // when
    List<String> warnings = Invokers.checkRunnable(context(t, settings));
    List<Literal> out =
        Invokers.create(context(t, settings)).invoke(0, 0, Map.of(), Optional.empty());

    // then
    assertThat(warnings).isNotNull();
    assertThat(text(out.get(0))).isEqualTo("_FSEC_ s3cr3t s3cr3t");
    Path given = Path.of(Files.readString(dir.resolve("where")).strip());
    assertThat(given).doesNotExist();
  }

  @Test
  void shouldGiveAnEnvVarSecretOnlyAsAVariable() throws Exception {
    Path secrets = dir.resolve("secrets");
    Files.createDirectories(secrets.resolve("db"));
    Files.writeString(secrets.resolve("db").resolve("token"), "s3cr3t");
    TaskTemplate t =
        withSecret(
            rawContainer(
                vars(),
                vars("y", LiteralTypes.of(String.class)),
                "echo \"$_FSEC_DB_TOKEN ${FLYTE_SECRETS_DEFAULT_DIR:-nodir}\" > /var/outputs/y"),
            Secret.newBuilder()
                .setGroup("db")
                .setKey("token")
                .setMountRequirement(Secret.MountType.ENV_VAR)
                .build());
    ProcessSettings settings = ProcessSettings.defaults().withSecretsDir(secrets.toString());
    List<Literal> out =
        Invokers.create(context(t, settings)).invoke(0, 0, Map.of(), Optional.empty());
    assertThat(text(out.get(0))).isEqualTo("s3cr3t nodir");
  }

  @Test
  void shouldRefuseTheRunWhenADeclaredSecretIsProvidedNowhere() throws Exception {
    TaskTemplate t =
        withSecret(
            rawContainer(vars(), vars(), "true"),
            Secret.newBuilder().setGroup("vault").setKey("api-key").build());
    ProcessSettings settings =
        ProcessSettings.defaults()
            .withSecretsDir(Files.createDirectories(dir.resolve("secrets")).toString());
    assertThatThrownBy(() -> Invokers.checkRunnable(context(t, settings)))
        .isInstanceOf(InvalidDefinitionException.class)
        .hasMessageContaining(
            "secret [vault/api-key] declared by sub-task [hostile] is not provided")
        .hasMessageContaining("_FSEC_VAULT_API-KEY");
  }

  @Test
  void shouldRefuseABadPassEnvName() throws Exception {
    TaskTemplate t = rawContainer(vars(), vars(), "true");
    ProcessSettings settings = ProcessSettings.defaults().withPassEnv(List.of("A=B"));
    assertThatThrownBy(() -> Invokers.checkRunnable(context(t, settings)))
        .hasMessageContaining("--pass-env [A=B] is not a variable name");
  }

  // --- task text ------------------------------------------------------------------------------

  @Test
  void shouldEscapeControlCharactersOfAFailingTasksStderr() throws Exception {
    TaskTemplate t =
        rawContainer(
            vars("x", LiteralTypes.of(Long.class)),
            vars(),
            "printf '\\033[2J\\033]0;owned\\007bad\\rthing\\n' >&2; exit 1");
    ElementOutcome outcome =
        new ElementRunner(
                Invokers.create(context(t)),
                0,
                Optional.empty(),
                RunControl.forRun(runId, 1, 1, false))
            .run(0, Map.of("x", Literals.of(1L)));
    assertThat(outcome.status()).isEqualTo(ElementStatus.FAILED);
    assertThat(outcome.error())
        .contains("\\u001b[2J\\u001b]0;owned\\u0007bad")
        .doesNotContain("\u001b")
        .doesNotContain("\u0007")
        .doesNotContain("\r");
  }
}
