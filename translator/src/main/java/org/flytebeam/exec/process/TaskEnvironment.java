package org.flytebeam.exec.process;

import static java.util.Objects.requireNonNull;

import flyteidl.core.Security.Secret;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * What a task process gets of the environment it runs in: not the worker's whole environment (which
 * may hold the user's credentials), only {@link #ALLOWED} (and {@code LC_*}), the names the user
 * passes on ({@code --pass-env}), and the secrets the task declares in its {@code
 * security_context}, each as flytekit reads it.
 *
 * <p>Secrets: a declared secret (group, optional group version, key) is looked up in the secrets
 * folder ({@code --secrets-dir}), as the file {@code <dir>/<group>/[<group_version>/]<key>} (lower
 * case, flytekit's layout of {@code FLYTE_SECRETS_DEFAULT_DIR}), else in the environment, as {@code
 * _FSEC_<GROUP>_[<GROUP_VERSION>_]<KEY>} (upper case, flytekit's name). It reaches the task as
 * flytekit reads it: the variable {@code _FSEC_...} (mount requirement {@code ENV_VAR} or {@code
 * ANY}) and a file under a private per-attempt folder named by {@code FLYTE_SECRETS_DEFAULT_DIR}
 * ({@code FILE} or {@code ANY}); {@code FLYTE_SECRETS_ENV_PREFIX} is set to {@code _FSEC_}. A
 * secret's {@code env_var}, when given, also names a variable holding the value ({@code ENV_VAR},
 * {@code ANY}) or the file's path ({@code FILE}).
 */
public final class TaskEnvironment {
  /** Variables of the worker's environment every task process gets, when they are set. */
  public static final List<String> ALLOWED =
      List.of("PATH", "HOME", "USER", "LOGNAME", "LANG", "LANGUAGE", "TMPDIR", "TZ");

  /** Locale variables ({@code LC_ALL}, {@code LC_CTYPE}...) are passed on too. */
  public static final String LOCALE_PREFIX = "LC_";

  /** flytekit's default prefix of secret variables. */
  public static final String SECRETS_ENV_PREFIX = "_FSEC_";

  public static final String ENV_PREFIX_VARIABLE = "FLYTE_SECRETS_ENV_PREFIX";
  public static final String DIR_VARIABLE = "FLYTE_SECRETS_DEFAULT_DIR";

  private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
  private static final Pattern SECRET_PART = Pattern.compile("[A-Za-z0-9_.\\-]+");
  private static final long MAX_SECRET_BYTES = 1L << 20;

  private TaskEnvironment() {}

  /** A declared secret is found nowhere; the message names it and says where to put it. */
  public static final class MissingSecretException extends IOException {
    private static final long serialVersionUID = 1L;

    public MissingSecretException(String message) {
      super(message);
    }
  }

  /** Why {@code name} cannot be a {@code --pass-env} name, or empty when it can. */
  public static Optional<String> passEnvProblem(String name) {
    if (!NAME.matcher(name).matches()) {
      return Optional.of(
          "--pass-env ["
              + TaskText.escape(name)
              + "] is not a variable name: give a name of letters, digits and _, e.g. --pass-env"
              + " AWS_PROFILE");
    }
    return Optional.empty();
  }

  /**
   * The part of {@code worker} a task process inherits: the allow-list, {@code LC_*} and {@code
   * passEnv}, those that are set.
   */
  public static Map<String, String> inherited(Map<String, String> worker, List<String> passEnv) {
    Map<String, String> env = new LinkedHashMap<>();
    worker.forEach(
        (name, value) -> {
          if (ALLOWED.contains(name) || name.startsWith(LOCALE_PREFIX) || passEnv.contains(name)) {
            env.put(name, value);
          }
        });
    return env;
  }

  /**
   * A secret a task declares.
   *
   * @param envVar the variable flytekit's {@code Secret(env_var=...)} names, or empty
   */
  public record SecretRef(
      String group, String groupVersion, String key, Secret.MountType mount, String envVar) {
    public SecretRef {
      requireNonNull(group, "group");
      requireNonNull(groupVersion, "groupVersion");
      requireNonNull(key, "key");
      requireNonNull(mount, "mount");
      requireNonNull(envVar, "envVar");
    }

    public static SecretRef of(Secret secret) {
      return new SecretRef(
          secret.getGroup(),
          secret.getGroupVersion(),
          secret.getKey(),
          secret.getMountRequirement() == Secret.MountType.UNRECOGNIZED
              ? Secret.MountType.ANY
              : secret.getMountRequirement(),
          secret.getEnvVar());
    }

    private List<String> parts() {
      List<String> parts = new ArrayList<>(3);
      for (String p : List.of(group, groupVersion, key)) {
        if (!p.isEmpty()) {
          parts.add(p);
        }
      }
      return parts;
    }

    /** {@code group/key} (with the version between when there is one), for messages. */
    public String describe() {
      return String.join("/", parts());
    }

    /** flytekit's variable for it: {@code _FSEC_GROUP_KEY}. */
    public String variable() {
      return SECRETS_ENV_PREFIX + String.join("_", parts()).toUpperCase(Locale.ROOT);
    }

    /** Its file under a secrets folder, flytekit's layout: {@code group/key}, lower case. */
    public List<String> fileParts() {
      return parts().stream().map(p -> p.toLowerCase(Locale.ROOT)).toList();
    }

    boolean asVariable() {
      return mount != Secret.MountType.FILE;
    }

    boolean asFile() {
      return mount != Secret.MountType.ENV_VAR;
    }
  }

  /** Why a declared secret cannot be used at all (a bad name), or empty. */
  public static Optional<String> secretProblem(SecretRef secret, String task) {
    if (secret.key().isEmpty() && secret.group().isEmpty()) {
      return Optional.of(
          String.format(
              "a secret of sub-task [%s] has neither group nor key: give both in its"
                  + " security_context",
              task));
    }
    for (String part : secret.parts()) {
      if (SafePaths.problem(part) != null || !SECRET_PART.matcher(part).matches()) {
        return Optional.of(
            String.format(
                "secret [%s] of sub-task [%s] has a name that is not a plain file name: use letters,"
                    + " digits, ., - and _",
                TaskText.escape(secret.describe()), task));
      }
    }
    if (!secret.envVar().isEmpty() && !NAME.matcher(secret.envVar()).matches()) {
      return Optional.of(
          String.format(
              "secret [%s] of sub-task [%s] names the variable [%s], which is not a variable name",
              secret.describe(), task, TaskText.escape(secret.envVar())));
    }
    return Optional.empty();
  }

  /**
   * The value of {@code secret}: the file under {@code secretsDir}, else the variable in {@code
   * env}; empty when neither holds it.
   */
  public static Optional<byte[]> lookup(
      SecretRef secret, Optional<Path> secretsDir, Map<String, String> env) throws IOException {
    if (secretsDir.isPresent()) {
      Path file = secretsDir.get();
      for (String part : secret.fileParts()) {
        file = file.resolve(part);
      }
      if (Files.isRegularFile(file)) {
        if (Files.size(file) > MAX_SECRET_BYTES) {
          throw new IOException(
              "the secret file [" + file + "] holds more than " + MAX_SECRET_BYTES + " bytes");
        }
        return Optional.of(Files.readAllBytes(file));
      }
    }
    String value = env.get(secret.variable());
    return value == null ? Optional.empty() : Optional.of(value.getBytes(StandardCharsets.UTF_8));
  }

  /** The message of a declared secret found nowhere. */
  public static String missing(SecretRef secret, String task, Optional<Path> secretsDir) {
    String file = String.join("/", secret.fileParts());
    return String.format(
        "secret [%s] declared by sub-task [%s] is not provided: %s or set %s in the environment",
        secret.describe(),
        task,
        secretsDir
            .map(d -> "write it to [" + d.resolve(file) + "]")
            .orElse("give --secrets-dir DIR holding the file <DIR>/" + file),
        secret.variable());
  }

  /**
   * Adds the secrets to a task's environment {@code env}, writing the file ones under {@code
   * folder} (created private to this user).
   *
   * @throws MissingSecretException when a secret is found nowhere (the message names it)
   * @throws IOException when a secret cannot be read or written
   */
  public static void addSecrets(
      List<SecretRef> secrets,
      String task,
      Optional<Path> secretsDir,
      Map<String, String> worker,
      Path folder,
      Map<String, String> env)
      throws IOException {
    if (secrets.isEmpty()) {
      return;
    }
    env.put(ENV_PREFIX_VARIABLE, SECRETS_ENV_PREFIX);
    boolean files = secrets.stream().anyMatch(SecretRef::asFile);
    if (files) {
      createPrivateFolder(folder);
      env.put(DIR_VARIABLE, folder.toString());
    }
    for (SecretRef secret : secrets) {
      byte[] value =
          lookup(secret, secretsDir, worker)
              .orElseThrow(() -> new MissingSecretException(missing(secret, task, secretsDir)));
      String text = new String(value, StandardCharsets.UTF_8);
      if (secret.asVariable()) {
        env.put(secret.variable(), text);
        if (!secret.envVar().isEmpty()) {
          env.put(secret.envVar(), text);
        }
      }
      if (secret.asFile()) {
        Path file = folder;
        for (String part : secret.fileParts()) {
          file = file.resolve(part);
        }
        createPrivateFolder(file.getParent());
        Files.write(file, value);
        if (secret.mount() == Secret.MountType.FILE && !secret.envVar().isEmpty()) {
          env.put(secret.envVar(), file.toString());
        }
      }
    }
  }

  private static void createPrivateFolder(Path folder) throws IOException {
    Files.createDirectories(folder);
    if (folder.getFileSystem().supportedFileAttributeViews().contains("posix")) {
      Files.setPosixFilePermissions(folder, PosixFilePermissions.fromString("rwx------"));
    }
  }
}
