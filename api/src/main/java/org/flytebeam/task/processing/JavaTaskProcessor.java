package org.flytebeam.task.processing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BooleanSupplier;
import javax.annotation.processing.AbstractProcessor;
import javax.annotation.processing.FilerException;
import javax.annotation.processing.RoundEnvironment;
import javax.annotation.processing.SupportedAnnotationTypes;
import javax.lang.model.SourceVersion;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.Element;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.NestingKind;
import javax.lang.model.element.TypeElement;
import javax.lang.model.type.TypeMirror;
import javax.lang.model.util.ElementFilter;
import javax.tools.Diagnostic;
import javax.tools.FileObject;
import javax.tools.StandardLocation;

/**
 * Registers Java tasks for {@link java.util.ServiceLoader}: writes {@code
 * META-INF/services/org.flytebeam.task.JavaTask} listing every public, concrete, top-level or
 * static nested subclass of {@link org.flytebeam.task.JavaTask} that the compilation holds, merged
 * with the lines the file already has in the class output (an incremental build recompiles only
 * some classes).
 *
 * <p>It runs without being named: {@code javac} (up to Java 22) runs the processors it finds on the
 * class path when no {@code -processorpath} is given, and this jar declares this one in {@code
 * META-INF/services/javax.annotation.processing.Processor}. On Java 23 and later, or when the build
 * names its processors, give this jar as a processor too ({@code -processorpath
 * flyte-beam-api.jar}, Maven's {@code annotationProcessorPaths}).
 *
 * <p>Google's {@code AutoService} processor writes the same file for classes annotated {@code
 * AutoService(JavaTask.class)}; two processors cannot both write it. When that processor is on the
 * same path, this one leaves the file to it and reports as an error each task class that lacks the
 * annotation, since it would not be registered.
 */
@SupportedAnnotationTypes("*")
public final class JavaTaskProcessor extends AbstractProcessor {
  static final String TASK_TYPE = "org.flytebeam.task.JavaTask";
  static final String SERVICES_FILE = "META-INF/services/" + TASK_TYPE;
  private static final String AUTO_SERVICE = "com.google.auto.service.AutoService";
  private static final String AUTO_SERVICE_PROCESSOR =
      "com.google.auto.service.processor.AutoServiceProcessor";

  private final Set<String> tasks = new TreeSet<>();
  private final BooleanSupplier autoServiceRuns;

  /** The processor as {@code javac} makes it (through {@code ServiceLoader}). */
  public JavaTaskProcessor() {
    this(JavaTaskProcessor::autoServiceOnProcessorPath);
  }

  /** For tests: whether Google's AutoService processor runs in the same compilation. */
  JavaTaskProcessor(BooleanSupplier autoServiceRuns) {
    this.autoServiceRuns = autoServiceRuns;
  }

  @Override
  public SourceVersion getSupportedSourceVersion() {
    return SourceVersion.latestSupported();
  }

  @Override
  public boolean process(Set<? extends TypeElement> annotations, RoundEnvironment round) {
    TypeElement taskType = processingEnv.getElementUtils().getTypeElement(TASK_TYPE);
    if (taskType == null) {
      return false;
    }
    if (round.processingOver()) {
      write();
      return false;
    }
    TypeMirror erasedTask = processingEnv.getTypeUtils().erasure(taskType.asType());
    for (TypeElement type : ElementFilter.typesIn(round.getRootElements())) {
      collect(type, erasedTask);
    }
    // Claims nothing: other processors see every annotation.
    return false;
  }

  private void collect(TypeElement type, TypeMirror erasedTask) {
    for (TypeElement nested : ElementFilter.typesIn(type.getEnclosedElements())) {
      collect(nested, erasedTask);
    }
    if (type.getKind() != ElementKind.CLASS
        || type.getModifiers().contains(Modifier.ABSTRACT)
        || !processingEnv
            .getTypeUtils()
            .isAssignable(processingEnv.getTypeUtils().erasure(type.asType()), erasedTask)
        || type.getQualifiedName().contentEquals(TASK_TYPE)) {
      return;
    }
    List<String> problems = new ArrayList<>();
    if (!type.getModifiers().contains(Modifier.PUBLIC)) {
      problems.add("is not public");
    }
    if (type.getNestingKind() == NestingKind.MEMBER
        && !type.getModifiers().contains(Modifier.STATIC)) {
      problems.add("is an inner class (make it static)");
    }
    if (!hasPublicNoArgConstructor(type)) {
      problems.add("has no public no-argument constructor");
    }
    if (!problems.isEmpty()) {
      // A task kept private on purpose (given to FlyteBeam.map directly) needs no registration.
      processingEnv
          .getMessager()
          .printMessage(
              Diagnostic.Kind.NOTE,
              String.format(
                  "Java task class [%s] %s, so it is not listed in %s and cannot be found by name",
                  type.getQualifiedName(), String.join(" and ", problems), SERVICES_FILE),
              type);
      return;
    }
    if (autoServiceRuns.getAsBoolean()) {
      if (!annotatedForAutoService(type)) {
        processingEnv
            .getMessager()
            .printMessage(
                Diagnostic.Kind.ERROR,
                String.format(
                    "Java task class [%s] has no @AutoService(JavaTask.class), and the AutoService"
                        + " processor (which then writes %s) would leave it out: annotate it, or"
                        + " take auto-service off the processor path to register every task",
                    type.getQualifiedName(), SERVICES_FILE),
                type);
      }
      return;
    }
    tasks.add(processingEnv.getElementUtils().getBinaryName(type).toString());
  }

  private static boolean hasPublicNoArgConstructor(TypeElement type) {
    for (ExecutableElement constructor : ElementFilter.constructorsIn(type.getEnclosedElements())) {
      if (constructor.getParameters().isEmpty()
          && constructor.getModifiers().contains(Modifier.PUBLIC)) {
        return true;
      }
    }
    return false;
  }

  private static boolean annotatedForAutoService(Element type) {
    for (AnnotationMirror annotation : type.getAnnotationMirrors()) {
      Element declaration = annotation.getAnnotationType().asElement();
      if (declaration instanceof TypeElement t
          && t.getQualifiedName().contentEquals(AUTO_SERVICE)) {
        return annotation.getElementValues().values().stream()
            .anyMatch(v -> v.toString().contains(TASK_TYPE));
      }
    }
    return false;
  }

  /** Whether Google's AutoService processor is on this processor's path (and so runs too). */
  private static boolean autoServiceOnProcessorPath() {
    try {
      Class.forName(AUTO_SERVICE_PROCESSOR, false, JavaTaskProcessor.class.getClassLoader());
      return true;
    } catch (ClassNotFoundException | LinkageError e) {
      return false;
    }
  }

  private void write() {
    if (tasks.isEmpty()) {
      return;
    }
    Set<String> lines = new TreeSet<>(tasks);
    lines.addAll(existingLines());
    try {
      FileObject file =
          processingEnv.getFiler().createResource(StandardLocation.CLASS_OUTPUT, "", SERVICES_FILE);
      try (Writer out = file.openWriter()) {
        for (String line : lines) {
          out.write(line);
          out.write('\n');
        }
      }
    } catch (FilerException e) {
      processingEnv
          .getMessager()
          .printMessage(
              Diagnostic.Kind.ERROR,
              String.format(
                  "%s was written by another processor in this compilation (%s): list the Java"
                      + " tasks %s there, or run only one processor that writes it",
                  SERVICES_FILE, e.getMessage(), tasks));
    } catch (IOException e) {
      processingEnv
          .getMessager()
          .printMessage(
              Diagnostic.Kind.ERROR,
              String.format("cannot write %s: %s", SERVICES_FILE, e.getMessage()));
    }
  }

  /** The lines an earlier build left in the class output, or none. */
  private List<String> existingLines() {
    List<String> lines = new ArrayList<>();
    try {
      FileObject existing =
          processingEnv.getFiler().getResource(StandardLocation.CLASS_OUTPUT, "", SERVICES_FILE);
      try (BufferedReader in =
          new BufferedReader(
              new InputStreamReader(existing.openInputStream(), StandardCharsets.UTF_8))) {
        String line;
        while ((line = in.readLine()) != null) {
          int comment = line.indexOf('#');
          String name = (comment >= 0 ? line.substring(0, comment) : line).strip();
          if (!name.isEmpty()) {
            lines.add(name);
          }
        }
      }
    } catch (IOException | IllegalArgumentException e) {
      // No earlier file (the usual case): nothing to merge.
    }
    return lines;
  }
}
