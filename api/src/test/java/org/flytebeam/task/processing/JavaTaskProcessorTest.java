package org.flytebeam.task.processing;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.auto.service.processor.AutoServiceProcessor;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.annotation.processing.Processor;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The processor in an in-process {@code javac}, over sources as a user writes them. */
class JavaTaskProcessorTest {
  @TempDir Path dir;

  private static final String HEADER =
      "package p;\nimport org.flytebeam.task.JavaTask;\nimport org.flytebeam.task.TaskContext;\n";

  private static String task(String modifiers, String name, String constructor) {
    return HEADER
        + modifiers
        + " class "
        + name
        + " extends JavaTask<"
        + name
        + ".In, "
        + name
        + ".Out> {\n"
        + "  public record In(long x) {}\n  public record Out(long o0) {}\n"
        + "  "
        + constructor
        + " "
        + name
        + "() { super(\"t_"
        + name.toLowerCase(Locale.ROOT)
        + "\", In.class, Out.class); }\n"
        + "  @Override public Out run(In in, TaskContext c) { return new Out(in.x()); }\n}\n";
  }

  private record Compiled(boolean success, List<String> notes, Path classes) {}

  private Compiled compile(String... sources) throws IOException {
    return compile(List.of(new JavaTaskProcessor(() -> false)), sources);
  }

  private Compiled compile(List<Processor> processors, String... sources) throws IOException {
    Path src = Files.createDirectories(dir.resolve("src/p"));
    Path classes = Files.createDirectories(dir.resolve("classes"));
    List<Path> files = new ArrayList<>();
    for (String source : sources) {
      String name = source.replaceAll("(?s).*?class (\\w+).*", "$1");
      files.add(Files.writeString(src.resolve(name + ".java"), source, StandardCharsets.UTF_8));
    }
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
    try (StandardJavaFileManager fm = javac.getStandardFileManager(diagnostics, null, null)) {
      JavaCompiler.CompilationTask task =
          javac.getTask(
              null,
              fm,
              diagnostics,
              List.of("-d", classes.toString(), "-cp", System.getProperty("java.class.path")),
              null,
              fm.getJavaFileObjectsFromPaths(files));
      task.setProcessors(processors);
      boolean ok = task.call();
      List<String> notes =
          diagnostics.getDiagnostics().stream()
              .filter(
                  d -> d.getKind() == Diagnostic.Kind.NOTE || d.getKind() == Diagnostic.Kind.ERROR)
              .map(d -> d.getMessage(Locale.ROOT))
              .toList();
      return new Compiled(ok, notes, classes);
    }
  }

  private static Path services(Compiled compiled) {
    return compiled.classes().resolve(JavaTaskProcessor.SERVICES_FILE);
  }

  @Test
  void shouldListEveryPublicConcreteTaskWhenTheyAreCompiled() throws IOException {
    Compiled compiled =
        compile(
            task("public final", "Alpha", "public"),
            task("public", "Beta", "public"),
            HEADER
                + "public class Outer {\n"
                + "  public abstract static class Base extends JavaTask<Base.In, Base.Out> {\n"
                + "    public record In(long x) {}\n    public record Out(long o0) {}\n"
                + "    protected Base() { super(\"base\", In.class, Out.class); }\n  }\n"
                + "  public static final class Nested extends Base {\n"
                + "    public Nested() {}\n"
                + "    @Override public Out run(In in, TaskContext c) { return new Out(1); }\n"
                + "  }\n}\n");

    assertThat(compiled.success()).as(compiled.notes().toString()).isTrue();
    assertThat(Files.readAllLines(services(compiled)))
        .containsExactly("p.Alpha", "p.Beta", "p.Outer$Nested");
  }

  @Test
  void shouldLeaveOutAndNameATaskThatServiceLoaderCouldNotMake() throws IOException {
    Compiled compiled =
        compile(
            task("public", "Good", "public"),
            task("final", "Hidden", "public"),
            task("public", "NoDefault", "private"));

    assertThat(compiled.success()).isTrue();
    assertThat(Files.readAllLines(services(compiled))).containsExactly("p.Good");
    assertThat(compiled.notes())
        .anySatisfy(n -> assertThat(n).contains("[p.Hidden] is not public"))
        .anySatisfy(
            n -> assertThat(n).contains("[p.NoDefault] has no public no-argument constructor"));
  }

  @Test
  void shouldKeepTheLinesOfAnEarlierBuildsFile() throws IOException {
    Path earlier = dir.resolve("classes/" + JavaTaskProcessor.SERVICES_FILE);
    Files.createDirectories(earlier.getParent());
    Files.writeString(earlier, "# by hand\np.Older  # kept\n");

    Compiled compiled = compile(task("public", "Newer", "public"));

    assertThat(compiled.success()).isTrue();
    assertThat(Files.readAllLines(services(compiled))).containsExactly("p.Newer", "p.Older");
  }

  /** Both processors in one compilation (a processor instance serves one compilation). */
  private static List<Processor> withAutoService() {
    return List.of(new JavaTaskProcessor(() -> true), new AutoServiceProcessor());
  }

  @Test
  void shouldLeaveTheFileToAutoServiceAndNameATaskItWouldMiss() throws IOException {
    String annotated =
        task("public", "Annotated", "public")
            .replace(
                "public class Annotated",
                "@com.google.auto.service.AutoService(JavaTask.class)\npublic class Annotated");
    List<Processor> both = List.of(new JavaTaskProcessor(() -> true), new AutoServiceProcessor());

    Compiled alone = compile(both, annotated);
    assertThat(alone.success()).as(alone.notes().toString()).isTrue();
    assertThat(Files.readAllLines(services(alone))).containsExactly("p.Annotated");

    Compiled mixed = compile(withAutoService(), annotated, task("public", "Bare", "public"));
    assertThat(mixed.success()).isFalse();
    assertThat(mixed.notes())
        .anySatisfy(
            n ->
                assertThat(n)
                    .contains("[p.Bare] has no @AutoService(JavaTask.class)")
                    .contains("take auto-service off the processor path"));
  }

  @Test
  void shouldWriteNoFileWhenTheCompilationHoldsNoTask() throws IOException {
    Compiled compiled = compile("package p;\npublic class Plain {}\n");

    assertThat(compiled.success()).isTrue();
    assertThat(services(compiled)).doesNotExist();
  }
}
