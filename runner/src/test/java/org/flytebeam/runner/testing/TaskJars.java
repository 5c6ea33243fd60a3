package org.flytebeam.runner.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.flytebeam.task.JavaTask;

/**
 * A user's task jar, made by the test itself: Java tasks compiled with the JDK's compiler,
 * registered in {@code META-INF/services/org.flytebeam.task.JavaTask}. Nothing of it is on any
 * class path until a run is given the jar ({@code --jars}).
 */
public final class TaskJars {
  /** {@code it_cube(x: int) -> x * x * x}. */
  public static final String CUBE =
      """
      package usertasks;

      import org.flytebeam.task.JavaTask;
      import org.flytebeam.task.TaskContext;

      public final class Cube extends JavaTask<Cube.In, Cube.Out> {
        private static final long serialVersionUID = 1L;

        public record In(long x) {}

        public record Out(long o0) {}

        public Cube() {
          super("it_cube", In.class, Out.class);
        }

        @Override
        public Out run(In input, TaskContext context) {
          return new Out(input.x() * input.x() * input.x());
        }
      }
      """;

  private TaskJars() {}

  /**
   * Compiles {@code sources} (each a public class in package {@code usertasks}) into {@code jar}.
   */
  public static Path build(Path dir, String jarName, String... sources) {
    return build(dir, jarName, true, sources);
  }

  /**
   * As {@link #build(Path, String, String...)}, with no services file when {@code registered} is
   * false: what {@code javac} and {@code jar} make of a task when the annotation processor of
   * {@code flyte-beam-api} does not run ({@code -proc:none}, or a processor path without it).
   */
  public static Path build(Path dir, String jarName, boolean registered, String... sources) {
    try {
      Path src = Files.createDirectories(dir.resolve(jarName + "-src/usertasks"));
      Path classes = Files.createDirectories(dir.resolve(jarName + "-classes"));
      List<String> args =
          new ArrayList<>(
              // -proc:none: this class writes the services file itself (or, to test the refusal,
              // leaves it out); flyte-beam-api's processor, on the class path, would write it.
              List.of("-proc:none", "-d", classes.toString(), "-classpath", translatorClasspath()));
      List<String> services = new ArrayList<>();
      for (String source : sources) {
        String name = className(source);
        Path file = src.resolve(name + ".java");
        Files.writeString(file, source, StandardCharsets.UTF_8);
        args.add(file.toString());
        services.add("usertasks." + name);
      }
      JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
      ByteArrayOutputStream errors = new ByteArrayOutputStream();
      int code =
          compiler.run(null, OutputStream.nullOutputStream(), errors, args.toArray(new String[0]));
      if (code != 0) {
        throw new IllegalStateException(
            "the test's task sources do not compile:\n" + errors.toString(StandardCharsets.UTF_8));
      }
      Path jar = dir.resolve(jarName);
      try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar));
          Stream<Path> files = Files.walk(classes)) {
        for (Path file : files.filter(Files::isRegularFile).sorted().toList()) {
          out.putNextEntry(new JarEntry(classes.relativize(file).toString().replace('\\', '/')));
          out.write(Files.readAllBytes(file));
          out.closeEntry();
        }
        if (registered) {
          out.putNextEntry(new JarEntry("META-INF/services/" + JavaTask.class.getName()));
          out.write((String.join("\n", services) + "\n").getBytes(StandardCharsets.UTF_8));
          out.closeEntry();
        }
      }
      return jar;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String className(String source) {
    int at = source.indexOf("public final class ") + "public final class ".length();
    return source.substring(at, source.indexOf(' ', at));
  }

  /** Where {@link JavaTask} comes from: all a task needs to compile. */
  private static String translatorClasspath() {
    try {
      return Path.of(JavaTask.class.getProtectionDomain().getCodeSource().getLocation().toURI())
          .toString();
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }
}
