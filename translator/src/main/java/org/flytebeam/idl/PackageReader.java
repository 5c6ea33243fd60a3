package org.flytebeam.idl;

import static java.util.Objects.requireNonNull;

import com.google.protobuf.Message;
import flyteidl.admin.LaunchPlanOuterClass.LaunchPlan;
import flyteidl.admin.TaskOuterClass.Task;
import flyteidl.admin.TaskOuterClass.TaskSpec;
import flyteidl.admin.WorkflowOuterClass.Workflow;
import flyteidl.admin.WorkflowOuterClass.WorkflowSpec;
import flyteidl.core.Compiler.CompiledTask;
import flyteidl.core.Compiler.CompiledWorkflow;
import flyteidl.core.Compiler.CompiledWorkflowClosure;
import flyteidl.core.Tasks.TaskTemplate;
import flyteidl.core.Workflow.WorkflowTemplate;
import flyteidl.core.WorkflowClosureOuterClass.WorkflowClosure;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.FileVisitOption;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;
import org.flytebeam.InvalidDefinitionException;
import org.flytebeam.exec.UserFolders;
import org.flytebeam.graph.FlytePackage;
import org.flytebeam.graph.LaunchPlanDef;

/**
 * Reads a definition into the {@link FlytePackage} of entities it holds, to choose one to run.
 *
 * <p>A definition is a {@code pyflyte package} archive ({@code .tgz}/{@code .tar.gz}, files at any
 * folder depth), a folder of the same files ({@code pyflyte serialize}), or one file: a core {@code
 * WorkflowClosure}, {@code CompiledWorkflowClosure}, {@code TaskTemplate} or {@code CompiledTask},
 * an admin {@code TaskSpec}, {@code WorkflowSpec} or {@code LaunchPlan} (or flytectl's {@code
 * Workflow}/{@code Task}), as {@code .json}, {@code .yaml}/{@code .yml} or {@code .pb}. In an
 * archive or folder, hidden files (such as {@code .DS_Store}) and files of other extensions are
 * ignored, and the {@code fast*.tar.gz} code bundle is recorded as {@link
 * FlytePackage#fastBundle()}.
 *
 * <p>Every definition is possibly hostile: archive members are read in memory under size caps and
 * their names are never used as paths; a folder is walked without following links.
 */
public final class PackageReader {
  private PackageReader() {}

  /** Largest entity file read, in bytes. */
  static final long MAX_FILE_BYTES = 64L << 20;

  /** Largest total of the entity files of one archive or folder, in bytes. */
  static final long MAX_TOTAL_BYTES = 256L << 20;

  /** Largest code bundle extracted from an archive, in bytes. */
  static final long MAX_BUNDLE_BYTES = 2L << 30;

  /** Most members of an archive or files of a folder looked at. */
  static final int MAX_ENTRIES = 100_000;

  /** Deepest folder walked. */
  static final int MAX_DEPTH = 32;

  private static final Pattern FAST_BUNDLE =
      Pattern.compile("fast.*\\.tar\\.gz", Pattern.CASE_INSENSITIVE);

  /**
   * The entities of the definition {@code name} (a path or URI, already read into {@code bytes}):
   * an archive when the name ends in {@code .tgz}/{@code .tar.gz}, else one entity file.
   */
  public static FlytePackage read(String name, byte[] bytes) {
    requireNonNull(name, "name");
    requireNonNull(bytes, "bytes");
    if (isArchive(name)) {
      return readArchive(name, new ByteArrayInputStream(bytes));
    }
    Collector c = new Collector("[" + name + "]");
    for (Message m : EntityFiles.parse(name, bytes)) {
      c.add(m, "[" + name + "]");
    }
    return c.build();
  }

  /** The entities of a definition on this machine: a folder, an archive or one entity file. */
  public static FlytePackage read(Path path) {
    requireNonNull(path, "path");
    if (Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)) {
      return readFolder(path);
    }
    if (!Files.isRegularFile(path)) {
      throw new InvalidDefinitionException(
          String.format(
              "--definition [%s] is not a readable file or folder: give a package (.tgz), a"
                  + " folder of serialized files or a definition file",
              path));
    }
    try {
      if (isArchive(path.toString())) {
        try (InputStream in = Files.newInputStream(path)) {
          return readArchive(path.toString(), in);
        }
      }
      if (Files.size(path) > MAX_FILE_BYTES) {
        throw tooBig("[" + path + "]", MAX_FILE_BYTES);
      }
      return read(path.toString(), Files.readAllBytes(path));
    } catch (IOException e) {
      throw new InvalidDefinitionException(
          String.format("cannot read --definition [%s]: %s", path, EntityFiles.oneLine(e)), e);
    }
  }

  static boolean isArchive(String name) {
    String n = name.toLowerCase(Locale.ROOT);
    return n.endsWith(".tgz") || n.endsWith(".tar.gz");
  }

  /** The last segment of a member's name, used only to classify it. */
  private static String baseName(String memberName) {
    String n = memberName;
    while (n.endsWith("/")) {
      n = n.substring(0, n.length() - 1);
    }
    int slash = n.lastIndexOf('/');
    return slash < 0 ? n : n.substring(slash + 1);
  }

  private static boolean ignored(String base) {
    return base.isEmpty() || base.startsWith(".");
  }

  private static FlytePackage readArchive(String name, InputStream raw) {
    String source = "[" + name + "]";
    Collector c = new Collector(source);
    long total = 0;
    int entries = 0;
    try (TarArchiveInputStream tar =
        new TarArchiveInputStream(new GzipCompressorInputStream(raw))) {
      TarArchiveEntry entry;
      while ((entry = tar.getNextEntry()) != null) {
        if (++entries > MAX_ENTRIES) {
          throw new InvalidDefinitionException(
              String.format(
                  "%s has more than %d members: give a package of Flyte's serialized files",
                  source, MAX_ENTRIES));
        }
        if (!entry.isFile()) {
          continue; // folders, links and devices carry no entity
        }
        String base = baseName(entry.getName());
        if (ignored(base)) {
          continue;
        }
        String member = source + " member [" + printable(entry.getName()) + "]";
        if (FAST_BUNDLE.matcher(base).matches()) {
          c.fastBundle(extractBundle(tar, member), member);
          continue;
        }
        if (!EntityFiles.Encoding.isEntityFile(base)) {
          continue;
        }
        byte[] bytes = tar.readNBytes((int) MAX_FILE_BYTES + 1);
        if (bytes.length > MAX_FILE_BYTES) {
          throw tooBig(member, MAX_FILE_BYTES);
        }
        total += bytes.length;
        if (total > MAX_TOTAL_BYTES) {
          throw tooBig(source + "'s entity files", MAX_TOTAL_BYTES);
        }
        c.addAll(base, bytes, member);
      }
    } catch (IOException e) {
      throw new InvalidDefinitionException(
          String.format(
              "cannot read %s as a gzip-compressed tar package (pyflyte package): %s",
              source, EntityFiles.oneLine(e)),
          e);
    }
    return c.build();
  }

  /** Member names go into messages only, made printable and short. */
  private static String printable(String name) {
    String p = name.replaceAll("[^\\x20-\\x7E]", "?");
    return p.length() > 200 ? p.substring(0, 200) + "..." : p;
  }

  /** Copies the bundle member to a private temporary file of this user, under a cap. */
  private static String extractBundle(InputStream member, String what) throws IOException {
    Path folder = UserFolders.base().resolve("fast-bundles");
    UserFolders.createPrivate(folder);
    Path file =
        Files.createTempFile(
            folder,
            "fast-",
            ".tar.gz",
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    file.toFile().deleteOnExit();
    long copied = 0;
    byte[] buffer = new byte[64 * 1024];
    try (OutputStream out = Files.newOutputStream(file)) {
      int n;
      while ((n = member.read(buffer)) > 0 && copied <= MAX_BUNDLE_BYTES) {
        copied += n;
        out.write(buffer, 0, n);
      }
    }
    if (copied > MAX_BUNDLE_BYTES) {
      Files.deleteIfExists(file);
      throw tooBig(what, MAX_BUNDLE_BYTES);
    }
    return file.toString();
  }

  private static FlytePackage readFolder(Path root) {
    String source = "[" + root + "]";
    Collector c = new Collector(source);
    long[] total = {0};
    int[] entries = {0};
    int[] entityFiles = {0};
    try {
      Files.walkFileTree(
          root,
          EnumSet.noneOf(FileVisitOption.class),
          MAX_DEPTH,
          new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
              return !dir.equals(root) && ignored(String.valueOf(dir.getFileName()))
                  ? FileVisitResult.SKIP_SUBTREE
                  : FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
                throws IOException {
              if (++entries[0] > MAX_ENTRIES) {
                throw new InvalidDefinitionException(
                    String.format(
                        "%s has more than %d files: give the folder pyflyte serialize wrote",
                        source, MAX_ENTRIES));
              }
              String base = String.valueOf(file.getFileName());
              if (!attrs.isRegularFile() || ignored(base)) {
                return FileVisitResult.CONTINUE;
              }
              String what = "[" + file + "]";
              if (FAST_BUNDLE.matcher(base).matches()) {
                c.fastBundle(file.toAbsolutePath().toString(), what);
                return FileVisitResult.CONTINUE;
              }
              if (!EntityFiles.Encoding.isEntityFile(base)) {
                return FileVisitResult.CONTINUE;
              }
              if (attrs.size() > MAX_FILE_BYTES) {
                throw tooBig(what, MAX_FILE_BYTES);
              }
              byte[] bytes;
              try (InputStream in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS)) {
                bytes = in.readNBytes((int) MAX_FILE_BYTES + 1);
              }
              if (bytes.length > MAX_FILE_BYTES) {
                throw tooBig(what, MAX_FILE_BYTES);
              }
              total[0] += bytes.length;
              if (total[0] > MAX_TOTAL_BYTES) {
                throw tooBig(source + "'s entity files", MAX_TOTAL_BYTES);
              }
              c.addAll(base, bytes, what);
              entityFiles[0]++;
              return FileVisitResult.CONTINUE;
            }
          });
    } catch (IOException e) {
      throw new InvalidDefinitionException(
          String.format("cannot read the folder %s: %s", source, EntityFiles.oneLine(e)), e);
    }
    if (entityFiles[0] == 0) {
      throw new InvalidDefinitionException(
          String.format(
              "%s is a folder with no flyteidl file (.pb, .json, .yaml) in it: give the folder"
                  + " pyflyte serialize wrote, a package archive or a definition file",
              source));
    }
    return c.build();
  }

  /**
   * The entities of a folder of serialized files on a remote file system ({@code s3://B/prefix/},
   * {@code hdfs://...}): the objects under the prefix, listed with Beam's {@link
   * org.apache.beam.sdk.io.FileSystems#match}, classified as {@link #read(Path)} classifies a local
   * folder's files (hidden segments skipped, the {@code fast*.tar.gz} code bundle recorded by its
   * URI, which the workers read where it is), under the same caps.
   *
   * @param folder the folder's URI; a missing trailing slash is added
   */
  public static FlytePackage readRemoteFolder(String folder) {
    requireNonNull(folder, "folder");
    String root = folder.endsWith("/") ? folder : folder + "/";
    String source = "[" + root + "]";
    List<org.apache.beam.sdk.io.fs.MatchResult.Metadata> files;
    try {
      org.apache.beam.sdk.io.fs.MatchResult match =
          org.apache.beam.sdk.io.FileSystems.match(
              root + "**", org.apache.beam.sdk.io.fs.EmptyMatchTreatment.ALLOW);
      files = new ArrayList<>(match.metadata());
    } catch (IOException | IllegalArgumentException e) {
      throw new InvalidDefinitionException(
          String.format("cannot list the folder %s: %s", source, EntityFiles.oneLine(e)), e);
    }
    files.sort(java.util.Comparator.comparing(m -> m.resourceId().toString()));
    if (files.size() > MAX_ENTRIES) {
      throw new InvalidDefinitionException(
          String.format(
              "%s has more than %d files: give the folder pyflyte serialize wrote",
              source, MAX_ENTRIES));
    }
    Collector c = new Collector(source);
    long total = 0;
    int entityFiles = 0;
    for (org.apache.beam.sdk.io.fs.MatchResult.Metadata file : files) {
      String uri = file.resourceId().toString();
      if (!uri.startsWith(root) || file.resourceId().isDirectory()) {
        continue;
      }
      String[] segments = uri.substring(root.length()).split("/", -1);
      if (segments.length > MAX_DEPTH
          || java.util.Arrays.stream(segments).anyMatch(PackageReader::ignored)) {
        continue;
      }
      String base = segments[segments.length - 1];
      String what = "[" + uri + "]";
      if (FAST_BUNDLE.matcher(base).matches()) {
        c.fastBundle(uri, what);
        continue;
      }
      if (!EntityFiles.Encoding.isEntityFile(base)) {
        continue;
      }
      if (file.sizeBytes() > MAX_FILE_BYTES) {
        throw tooBig(what, MAX_FILE_BYTES);
      }
      byte[] bytes;
      try (InputStream in =
          java.nio.channels.Channels.newInputStream(
              org.apache.beam.sdk.io.FileSystems.open(file.resourceId()))) {
        bytes = in.readNBytes((int) MAX_FILE_BYTES + 1);
      } catch (IOException e) {
        throw new InvalidDefinitionException(
            String.format("cannot read %s: %s", what, EntityFiles.oneLine(e)), e);
      }
      if (bytes.length > MAX_FILE_BYTES) {
        throw tooBig(what, MAX_FILE_BYTES);
      }
      total += bytes.length;
      if (total > MAX_TOTAL_BYTES) {
        throw tooBig(source + "'s entity files", MAX_TOTAL_BYTES);
      }
      c.addAll(base, bytes, what);
      entityFiles++;
    }
    if (entityFiles == 0) {
      throw new InvalidDefinitionException(
          String.format(
              "%s is %s: give the folder pyflyte serialize wrote, a package archive or a"
                  + " definition file",
              source,
              files.isEmpty()
                  ? "an empty or missing folder"
                  : "a folder with no flyteidl file (.pb, .json, .yaml) in it"));
    }
    return c.build();
  }

  private static InvalidDefinitionException tooBig(String what, long cap) {
    return new InvalidDefinitionException(
        String.format(
            "%s is larger than %d MiB, more than a Flyte definition holds: give the package"
                + " pyflyte wrote",
            what, cap >> 20));
  }

  /** The entities of a core closure: its workflow and its tasks. */
  public static FlytePackage ofClosure(String source, WorkflowClosure closure) {
    Collector c = new Collector(source);
    c.add(closure, source);
    return c.build();
  }

  /** A package of one task. */
  public static FlytePackage ofTemplate(String source, TaskTemplate template) {
    Collector c = new Collector(source);
    c.add(template, source);
    return c.build();
  }

  /** Gathers entities by resource type and name; the same name twice must be the same entity. */
  private static final class Collector {
    private final String source;
    private final Map<String, TaskTemplate> tasks = new LinkedHashMap<>();
    private final Map<String, WorkflowTemplate> workflows = new LinkedHashMap<>();
    private final Map<String, LaunchPlanDef> launchPlans = new LinkedHashMap<>();
    private final List<String> problems = new ArrayList<>();
    private Optional<String> fastBundle = Optional.empty();
    private String fastBundleFrom = "";

    Collector(String source) {
      this.source = source;
    }

    void fastBundle(String path, String from) {
      if (fastBundle.isPresent()) {
        problems.add(
            String.format(
                "%s holds two code bundles, %s and %s: keep the one pyflyte package wrote",
                source, fastBundleFrom, from));
        return;
      }
      fastBundle = Optional.of(path);
      fastBundleFrom = from;
    }

    void addAll(String fileName, byte[] bytes, String from) {
      try {
        for (Message m : EntityFiles.parse(fileName, from, bytes)) {
          add(m, from);
        }
      } catch (InvalidDefinitionException e) {
        problems.addAll(e.problems().isEmpty() ? List.of(e.getMessage()) : e.problems());
      }
    }

    void add(Message m, String from) {
      if (m instanceof WorkflowClosure c) {
        workflow(c.getWorkflow(), from);
        c.getTasksList().forEach(t -> task(t, from));
      } else if (m instanceof CompiledWorkflowClosure c) {
        compiled(c, from);
      } else if (m instanceof Workflow w) {
        compiled(w.getClosure().getCompiledWorkflow(), from);
      } else if (m instanceof WorkflowSpec s) {
        workflow(s.getTemplate(), from);
        s.getSubWorkflowsList().forEach(w -> workflow(w, from));
      } else if (m instanceof LaunchPlan lp) {
        launchPlan(lp, from);
      } else if (m instanceof Task t) {
        task(t.getClosure().getCompiledTask().getTemplate(), from);
      } else if (m instanceof TaskSpec s) {
        task(s.getTemplate(), from);
      } else if (m instanceof CompiledTask t) {
        task(t.getTemplate(), from);
      } else if (m instanceof TaskTemplate t) {
        task(t, from);
      } else {
        throw new IllegalArgumentException(
            "not an entity: " + m.getDescriptorForType().getFullName());
      }
    }

    private void compiled(CompiledWorkflowClosure c, String from) {
      workflow(c.getPrimary().getTemplate(), from);
      for (CompiledWorkflow w : c.getSubWorkflowsList()) {
        workflow(w.getTemplate(), from);
      }
      for (CompiledTask t : c.getTasksList()) {
        task(t.getTemplate(), from);
      }
    }

    private void task(TaskTemplate t, String from) {
      put(tasks, "task", t.getId().getName(), t, from);
    }

    private void workflow(WorkflowTemplate w, String from) {
      put(workflows, "workflow", w.getId().getName(), w, from);
    }

    private void launchPlan(LaunchPlan lp, String from) {
      LaunchPlanDef def =
          new LaunchPlanDef(
              lp.getId().getName(),
              lp.getSpec().getWorkflowId().getName(),
              lp.getSpec().getDefaultInputs(),
              lp.getSpec().getFixedInputs());
      put(launchPlans, "launch plan", def.name(), def, from);
    }

    private <T> void put(Map<String, T> into, String kind, String name, T value, String from) {
      T old = into.putIfAbsent(name, value);
      if (old != null && !old.equals(value)) {
        problems.add(
            String.format(
                "%s holds two different %ss named [%s] (the second in %s): keep one",
                source, kind, name, from));
      }
    }

    FlytePackage build() {
      if (!problems.isEmpty()) {
        throw new InvalidDefinitionException(problems);
      }
      return new FlytePackage(source, tasks, workflows, launchPlans, fastBundle);
    }
  }
}
