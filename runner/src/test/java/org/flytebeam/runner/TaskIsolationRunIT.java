package org.flytebeam.runner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.flytebeam.runner.Containers.outputs;
import static org.flytebeam.runner.Containers.vars;

import flyteidl.core.Security.Secret;
import flyteidl.core.Security.SecurityContext;
import flyteidl.core.Tasks.TaskTemplate;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.flytebeam.types.LiteralTypes;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code flyte-beam run} against hostile tasks and careless inputs: what a task process can reach
 * (environment, secrets, files, detached children), what of its text reaches the user, and inputs
 * refused before the run.
 */
class TaskIsolationRunIT {
  @TempDir Path dir;

  private final List<Long> pids = new ArrayList<>();
  private final List<Process> drivers = new ArrayList<>();

  @AfterEach
  void killEverythingStarted() throws InterruptedException {
    for (Process driver : drivers) {
      driver.destroyForcibly();
      driver.waitFor(10, TimeUnit.SECONDS);
    }
    pids.forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
  }

  private Cli run(Path definition, Path inputs, String... more) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "run",
                "--definition",
                definition.toString(),
                "--inputs",
                inputs.toString(),
                "--outputs",
                dir.resolve("out.pb").toString()));
    args.addAll(List.of(more));
    return Cli.run(args.toArray(new String[0]));
  }

  /** The CLI in a JVM of its own whose environment is {@code env} on top of this one's. */
  private int runDriver(Map<String, String> env, Path definition, Path inputs, String... more)
      throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> command =
        new ArrayList<>(
            List.of(
                java,
                "-cp",
                System.getProperty("java.class.path"),
                "org.flytebeam.runner.Main",
                "run",
                "--definition",
                definition.toString(),
                "--inputs",
                inputs.toString(),
                "--outputs",
                dir.resolve("out.pb").toString(),
                "--quiet"));
    command.addAll(List.of(more));
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("driver.log").toFile());
    builder.environment().putAll(env);
    Process driver = builder.start();
    drivers.add(driver);
    assertThat(driver.waitFor(120, TimeUnit.SECONDS)).as("the driver finished").isTrue();
    return driver.exitValue();
  }

  private String driverLog() throws IOException {
    return Files.readString(dir.resolve("driver.log"));
  }

  private List<Object> plain(String output) throws Exception {
    return Inputs.plain(outputs(dir.resolve("out.pb")), output);
  }

  private static TaskTemplate echoVariables(String... names) {
    StringBuilder script = new StringBuilder("echo \"");
    for (int i = 0; i < names.length; i++) {
      script.append(i == 0 ? "" : " ").append("${").append(names[i]).append(":-unset}");
    }
    script.append("\" > /var/outputs/y");
    return Containers.rawContainer(
        "leaky",
        vars("x", LiteralTypes.of(Long.class)),
        vars("y", LiteralTypes.of(String.class)),
        script.toString());
  }

  private static TaskTemplate withSecret(TaskTemplate t, String group, String key) {
    return t.toBuilder()
        .setSecurityContext(
            SecurityContext.newBuilder()
                .addSecrets(Secret.newBuilder().setGroup(group).setKey(key)))
        .build();
  }

  // --- environment and secrets ----------------------------------------------------------------

  @Test
  void shouldNotShowTheDriversEnvironmentToATaskUnlessPassedOn() throws Exception {
    // given: a secret in the driver's environment, and a task printing it
    Path def = Containers.mapOver(dir, "leaky.def.json", echoVariables("SECRET_TOKEN", "HOME"));
    Path in = Cli.write(dir, "in.json", "{\"x\": [1]}");
    Map<String, String> env = Map.of("SECRET_TOKEN", "hunter2");

    // when / then: not visible by default; HOME (allow-listed) is
    assertThat(runDriver(env, def, in)).as(driverLog()).isZero();
    assertThat(plain("y"))
        .singleElement()
        .asString()
        .startsWith("unset ")
        .doesNotContain("unset unset");

    // when / then: visible when passed on
    assertThat(runDriver(env, def, in, "--pass-env", "SECRET_TOKEN")).as(driverLog()).isZero();
    assertThat(plain("y")).singleElement().asString().startsWith("hunter2 ");
  }

  @Test
  void shouldGiveADeclaredSecretFromTheDriversEnvironmentAsFlytekitReadsIt() throws Exception {
    // given: a task declaring db/token; the secret set for the driver under flytekit's name
    Path def =
        Containers.mapOver(
            dir,
            "secret.def.json",
            withSecret(echoVariables("_FSEC_DB_TOKEN", "FLYTE_SECRETS_ENV_PREFIX"), "db", "token"));
    Path in = Cli.write(dir, "in.json", "{\"x\": [1, 2]}");

    // when
    int exit = runDriver(Map.of("_FSEC_DB_TOKEN", "s3cr3t"), def, in);

    // then
    assertThat(exit).as(driverLog()).isZero();
    assertThat(plain("y")).containsExactly("s3cr3t _FSEC_", "s3cr3t _FSEC_");
  }

  @Test
  void shouldGiveADeclaredSecretFromTheSecretsFolderAsAFileAndAVariable() throws Exception {
    // given
    Path secrets = Files.createDirectories(dir.resolve("secrets").resolve("db"));
    Files.writeString(secrets.resolve("token"), "from-file");
    TaskTemplate t =
        withSecret(
            Containers.rawContainer(
                "secret",
                vars("x", LiteralTypes.of(Long.class)),
                vars("y", LiteralTypes.of(String.class)),
                "echo \"$_FSEC_DB_TOKEN $(cat \"$FLYTE_SECRETS_DEFAULT_DIR/db/token\")\""
                    + " > /var/outputs/y"),
            "db",
            "token");
    Path def = Containers.mapOver(dir, "secret.def.json", t);
    Path in = Cli.write(dir, "in.json", "{\"x\": [1]}");

    // when
    Cli cli = run(def, in, "--secrets-dir", dir.resolve("secrets").toString());

    // then
    assertThat(cli.exitCode()).as(cli.err()).isZero();
    assertThat(plain("y")).containsExactly("from-file from-file");
  }

  @Test
  void shouldRefuseTheRunWhenADeclaredSecretIsMissing() throws Exception {
    Path marker = dir.resolve("ran");
    TaskTemplate t =
        withSecret(
            Containers.rawContainer(
                "secret", vars("x", LiteralTypes.of(Long.class)), vars(), "touch " + marker),
            "vault",
            "api_key");
    Path def = Containers.mapOver(dir, "secret.def.json", t);
    Path in = Cli.write(dir, "in.json", "{\"x\": [1]}");

    Cli cli = run(def, in, "--secrets-dir", Files.createDirectories(dir.resolve("s")).toString());

    assertThat(cli.exitCode()).isEqualTo(2);
    assertThat(cli.err())
        .contains("error: ")
        .contains("secret [vault/api_key] declared by sub-task [secret] is not provided")
        .contains("_FSEC_VAULT_API_KEY");
    assertThat(marker).doesNotExist();
  }

  // --- data paths -----------------------------------------------------------------------------

  @Test
  void shouldFailAnElementWhoseMapKeysWouldWriteOutsideItsFolder() throws Exception {
    // given: map keys climbing out of the task's input folder, and an absolute one
    Path absolute = dir.resolve("abs-target");
    TaskTemplate t =
        Containers.rawContainer(
            "keys",
            vars("m", LiteralTypes.mapOf(LiteralTypes.of(String.class))),
            vars("y", LiteralTypes.of(String.class)),
            "ls /var/inputs/m > /var/outputs/y");
    Path def = Containers.mapOver(dir, "keys.def.json", t);
    String climb = "../".repeat(12) + dir.resolve("climbed").toString().substring(1);
    Path in =
        Cli.write(
            dir,
            "in.json",
            "{\"m\": [{\"ok\": \"a\"}, {\""
                + climb
                + "\": \"pwned\"}, {\""
                + absolute
                + "\": \"pwned\"}]}");

    // when
    Cli cli = run(def, in, "--work-dir", dir.resolve("work").toString());

    // then
    assertThat(cli.exitCode()).as(cli.err()).isNotZero();
    assertThat(cli.err())
        .contains("map key [" + climb + "]")
        .contains("map key [" + absolute + "]");
    assertThat(dir.resolve("climbed")).doesNotExist();
    assertThat(absolute).doesNotExist();
  }

  // --- detached children ----------------------------------------------------------------------

  /** The pids a test program wrote, one a line. */
  private static List<Long> readPids(Path file) throws IOException {
    List<Long> found = new ArrayList<>();
    for (String line : Files.readAllLines(file)) {
      if (!line.isBlank()) {
        found.add(Long.parseLong(line.strip()));
      }
    }
    return found;
  }

  /** Alive and not a zombie (killed, waiting for init to reap it). */
  private static boolean running(long pid) {
    if (!ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
      return false;
    }
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
      int end = stat.lastIndexOf(')');
      return end < 0 || end + 2 >= stat.length() || stat.charAt(end + 2) != 'Z';
    } catch (IOException e) {
      return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }
  }

  @Test
  void shouldKillAChildThatCalledSetsidWhenItsElementEnds() throws Exception {
    // given: an element that leaves a child in a session of its own, holding its pipes, and exits
    Path pidFile = dir.resolve("pids");
    TaskTemplate t =
        Containers.rawContainer(
            "detach",
            vars("x", LiteralTypes.of(Long.class)),
            vars("y", LiteralTypes.of(Long.class)),
            "setsid sh -c 'echo $$ > "
                + pidFile
                + "; exec sleep 300' & while [ ! -s "
                + pidFile
                + " ]; do sleep 0.05; done; echo {{.inputs.x}} > /var/outputs/y");
    Path def = Containers.mapOver(dir, "detach.def.json", t);
    Path in = Cli.write(dir, "in.json", "{\"x\": [7]}");

    // when
    Cli cli = run(def, in);
    List<Long> detached = readPids(pidFile);
    pids.addAll(detached);

    // then: the run is done and so is the detached child, a moment for the kill to land at most
    assertThat(cli.exitCode()).as(cli.err()).isZero();
    assertThat(plain("y")).containsExactly(7L);
    assertThat(detached).hasSize(1);
    long deadline = System.nanoTime() + Duration.ofSeconds(1).toNanos();
    while (running(detached.get(0)) && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertThat(running(detached.get(0))).as("the detached child still runs").isFalse();
  }

  // --- task text ------------------------------------------------------------------------------

  @Test
  void shouldEscapeTerminalSequencesATaskWritesToStderr() throws Exception {
    TaskTemplate t =
        Containers.rawContainer(
            "noisy",
            vars("x", LiteralTypes.of(Long.class)),
            vars("y", LiteralTypes.of(Long.class)),
            "printf '\\033[2J\\033[1;1Herror: all good\\007\\n' >&2; exit 1");
    Path def = Containers.mapOver(dir, "noisy.def.json", t);
    Path in = Cli.write(dir, "in.json", "{\"x\": [1]}");

    Cli cli = run(def, in, "--report", dir.resolve("report.html").toString());

    assertThat(cli.exitCode()).isNotZero();
    assertThat(cli.err()).contains("\\u001b[2J\\u001b[1;1Herror: all good\\u0007");
    assertThat(cli.err() + cli.out()).doesNotContain("\u001b").doesNotContain("\u0007");
    if (Files.exists(dir.resolve("report.html"))) {
      assertThat(Files.readString(dir.resolve("report.html"))).doesNotContain("\u001b");
    }
  }

  // --- inputs refused before the run ----------------------------------------------------------

  @Test
  void shouldRefuseAFloatThatOverflowsNamingIt() throws Exception {
    TaskTemplate t =
        Containers.rawContainer("f", vars("x", LiteralTypes.of(Double.class)), vars(), "true");
    Path def = Containers.mapOver(dir, "f.def.json", t);
    Path in = Cli.write(dir, "in.json", "{\"x\": [1.5, 1e400]}");

    Cli cli = run(def, in);

    assertThat(cli.exitCode()).isEqualTo(2);
    assertThat(cli.err()).contains("error: ").contains("[1e400] at [/x/1]");
  }

  @Test
  void shouldSayAFolderGivenAsInputsOrDefinitionIsAFolder() throws Exception {
    TaskTemplate t =
        Containers.rawContainer("f", vars("x", LiteralTypes.of(Long.class)), vars(), "true");
    Path def = Containers.mapOver(dir, "f.def.json", t);
    Path folder = Files.createDirectories(dir.resolve("folder.json"));

    Cli inputs = run(def, folder);
    assertThat(inputs.exitCode()).isEqualTo(2);
    assertThat(inputs.err())
        .contains("--inputs file [" + folder + "] is a folder")
        .doesNotContain("does not exist");

    Cli definition = run(folder, Cli.write(dir, "in.json", "{\"x\": [1]}"));
    assertThat(definition.exitCode()).isEqualTo(2);
    assertThat(definition.err()).contains("is a folder").doesNotContain("does not exist");
  }

  @Test
  void shouldSayAnUnreadableInputsFileCannotBeRead() throws Exception {
    TaskTemplate t =
        Containers.rawContainer("f", vars("x", LiteralTypes.of(Long.class)), vars(), "true");
    Path def = Containers.mapOver(dir, "f.def.json", t);
    Path in = Cli.write(dir, "in.json", "{\"x\": [1]}");
    Files.setPosixFilePermissions(in, PosixFilePermissions.fromString("---------"));
    org.junit.jupiter.api.Assumptions.assumeFalse(
        Files.isReadable(in), "the user reads every file (root)");

    Cli cli = run(def, in);

    assertThat(cli.exitCode()).isEqualTo(2);
    assertThat(cli.err())
        .contains("cannot be read")
        .contains("permission denied")
        .doesNotContain("does not exist");
  }

  @Test
  void shouldRefuseANegativeOrZeroTimeoutBeforeTheRun() throws Exception {
    // given: definitions written with a valid timeout, then edited as a careless user would
    for (String timeout : List.of("-5s", "0s")) {
      Path marker = dir.resolve("ran");
      TaskTemplate t =
          Containers.withTimeout(
              Containers.rawContainer(
                  "slow", vars("x", LiteralTypes.of(Long.class)), vars(), "touch " + marker),
              Duration.ofSeconds(7));
      Path valid = Containers.mapOver(dir, "slow.def.json", t);
      String json = Files.readString(valid);
      assertThat(json).contains("\"7s\"");
      Path def = Cli.write(dir, "slow.def.json", json.replace("\"7s\"", "\"" + timeout + "\""));
      Path in = Cli.write(dir, "in.json", "{\"x\": [1]}");

      Cli cli = run(def, in);

      assertThat(cli.exitCode()).as(cli.err()).isEqualTo(2);
      assertThat(cli.err()).contains("timeout [").contains("must be > 0");
      assertThat(marker).doesNotExist();
    }
  }
}
