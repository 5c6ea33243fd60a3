package org.flytebeam.exec.process;

import static java.util.Objects.requireNonNull;

import flyteidl.core.Literals.Literal;
import flyteidl.core.Literals.Primitive;
import flyteidl.core.Literals.Scalar;
import flyteidl.core.Types.LiteralType;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Flyte's command-line templates, as flytepropeller renders a container's arguments: {@code
 * {{.input}}}, {@code {{.inputs.NAME}}}, {@code {{.inputPrefix}}}, {@code {{.outputPrefix}}},
 * {@code {{.rawOutputDataPrefix}}}, {@code {{.checkpointOutputPrefix}}}, {@code
 * {{.prevCheckpointPrefix}}}, {@code {{.perRetryUniqueKey}}} and {@code {{.taskTemplatePath}}}; and
 * the two that fast registration leaves in a {@code pyflyte package} archive for the registering
 * tool to fill in, {@code {{ .remote_package_path }}} (the code bundle) and {@code {{ .dest_dir }}}
 * (where {@code pyflyte-fast-execute} unpacks it), which flyte-beam fills in per attempt. Matched
 * as flytepropeller matches them: case-insensitive, spaces allowed inside the braces, a leading
 * {@code .} or {@code $} ({@code {{ .Inputs.x }}}). Input names are case-sensitive.
 *
 * <p>Unlike flytepropeller, which leaves a placeholder it does not know as it is, an unknown one is
 * an error here, found before anything runs; and each argument is rendered in one pass, so a value
 * that happens to hold {@code {{...}}} is never rendered again.
 *
 * <pre>{@code
 * Template t = Templates.parse("--x={{ .Inputs.x }}");
 * String arg = t.render(values); // --x=42
 * }</pre>
 */
public final class Templates {
  /**
   * Anything that looks like a Go template field reference: {@code {{ .Name }}}, {@code {{$a.b}}}.
   */
  private static final Pattern PLACEHOLDER =
      Pattern.compile("\\{\\{\\s*[.$]([A-Za-z_][A-Za-z0-9_]*)(?:\\.([^}\\s]+))?\\s*}}");

  /** The placeholders, as the error message lists them. */
  public static final String KNOWN =
      "{{.input}}, {{.inputs.NAME}}, {{.inputPrefix}}, {{.outputPrefix}}, {{.rawOutputDataPrefix}},"
          + " {{.checkpointOutputPrefix}}, {{.prevCheckpointPrefix}}, {{.perRetryUniqueKey}},"
          + " {{.taskTemplatePath}}, {{ .remote_package_path }}, {{ .dest_dir }}";

  private Templates() {}

  /** What a part of an argument stands for. */
  public enum Kind {
    TEXT,
    INPUT,
    INPUT_PREFIX,
    OUTPUT_PREFIX,
    RAW_OUTPUT_DATA_PREFIX,
    CHECKPOINT_OUTPUT_PREFIX,
    PREV_CHECKPOINT_PREFIX,
    PER_RETRY_UNIQUE_KEY,
    TASK_TEMPLATE_PATH,
    /**
     * {@code {{ .remote_package_path }}}: the fast-registered code bundle ({@code fast*.tar.gz}).
     */
    REMOTE_PACKAGE_PATH,
    /** {@code {{ .dest_dir }}}: the folder the code bundle is unpacked into. */
    DEST_DIR,
    /** {@code {{.inputs.NAME}}}: the value of one input. */
    INPUT_VALUE,
    /**
     * A raw container's {@code data_config.input_path}, standing for the attempt's input folder.
     */
    DATA_INPUT_PATH,
    /** A raw container's {@code data_config.output_path}, standing for its output folder. */
    DATA_OUTPUT_PATH
  }

  /**
   * One piece of an argument.
   *
   * @param kind what it stands for
   * @param text the literal text for {@link Kind#TEXT}, the input name for {@link
   *     Kind#INPUT_VALUE}, else the placeholder as written
   */
  public record Part(Kind kind, String text) {
    public Part {
      requireNonNull(kind, "kind");
      requireNonNull(text, "text");
    }
  }

  /** The paths and values one attempt's arguments are rendered with. */
  public record Values(
      String input,
      String inputPrefix,
      String outputPrefix,
      String rawOutputDataPrefix,
      String checkpointOutputPrefix,
      String prevCheckpointPrefix,
      String perRetryUniqueKey,
      String taskTemplatePath,
      String remotePackagePath,
      String destDir,
      String dataInputPath,
      String dataOutputPath,
      Map<String, Literal> inputs) {}

  /** An argument whose value is not known until an attempt runs. */
  public static final class RenderException extends Exception {
    private static final long serialVersionUID = 1L;

    RenderException(String message) {
      super(message);
    }
  }

  /** One argument, cut into text and placeholders. */
  public record Template(String source, List<Part> parts) {
    public Template {
      requireNonNull(source, "source");
      parts = List.copyOf(parts);
    }

    public boolean hasPlaceholders() {
      return parts.stream().anyMatch(p -> p.kind() != Kind.TEXT);
    }

    /** Whether some part of this argument stands for {@code kind}. */
    public boolean uses(Kind kind) {
      return parts.stream().anyMatch(p -> p.kind() == kind);
    }

    /** The names used in {@code {{.inputs.NAME}}}. */
    public Set<String> inputNames() {
      Set<String> names = new LinkedHashSet<>();
      for (Part p : parts) {
        if (p.kind() == Kind.INPUT_VALUE) {
          names.add(p.text());
        }
      }
      return names;
    }

    /**
     * The same template with every occurrence of {@code literal} in its text (not in its
     * placeholders) standing for {@code kind}: how a raw container's data paths, written into a
     * script such as {@code echo 1 > /var/outputs/y}, are pointed at the attempt's folders.
     */
    public Template mark(String literal, Kind kind) {
      if (literal.isEmpty()) {
        return this;
      }
      List<Part> marked = new ArrayList<>(parts.size());
      for (Part p : parts) {
        if (p.kind() != Kind.TEXT) {
          marked.add(p);
          continue;
        }
        String text = p.text();
        int from = 0;
        int at;
        while ((at = text.indexOf(literal, from)) >= 0) {
          if (at > from) {
            marked.add(new Part(Kind.TEXT, text.substring(from, at)));
          }
          marked.add(new Part(kind, literal));
          from = at + literal.length();
        }
        if (from < text.length() || text.isEmpty()) {
          marked.add(new Part(Kind.TEXT, text.substring(from)));
        }
      }
      return new Template(source, marked);
    }

    /** The argument for one attempt. */
    public String render(Values values) throws RenderException {
      if (parts.size() == 1 && parts.get(0).kind() == Kind.TEXT) {
        return parts.get(0).text();
      }
      StringBuilder out = new StringBuilder();
      for (Part p : parts) {
        out.append(value(p, values));
      }
      return out.toString();
    }

    private static String value(Part p, Values v) throws RenderException {
      switch (p.kind()) {
        case TEXT:
          return p.text();
        case INPUT:
          return v.input();
        case INPUT_PREFIX:
          return v.inputPrefix();
        case OUTPUT_PREFIX:
          return v.outputPrefix();
        case RAW_OUTPUT_DATA_PREFIX:
          return v.rawOutputDataPrefix();
        case CHECKPOINT_OUTPUT_PREFIX:
          return v.checkpointOutputPrefix();
        case PREV_CHECKPOINT_PREFIX:
          return v.prevCheckpointPrefix();
        case PER_RETRY_UNIQUE_KEY:
          return v.perRetryUniqueKey();
        case TASK_TEMPLATE_PATH:
          return v.taskTemplatePath();
        case REMOTE_PACKAGE_PATH:
          return v.remotePackagePath();
        case DEST_DIR:
          return v.destDir();
        case DATA_INPUT_PATH:
          return v.dataInputPath();
        case DATA_OUTPUT_PATH:
          return v.dataOutputPath();
        case INPUT_VALUE:
          {
            Literal literal = v.inputs().get(p.text());
            if (literal == null) {
              throw new RenderException(
                  String.format(
                      "{{.inputs.%s}}: the task has no input [%s] (inputs: %s)",
                      p.text(), p.text(), v.inputs().keySet()));
            }
            try {
              return goValue(literal);
            } catch (IllegalArgumentException e) {
              throw new RenderException(
                  String.format("{{.inputs.%s}}: %s", p.text(), e.getMessage()));
            }
          }
        default:
          throw new AssertionError(p.kind());
      }
    }
  }

  /**
   * Cuts an argument into text and placeholders.
   *
   * @throws IllegalArgumentException for a placeholder Flyte does not know, e.g. {@code
   *     {{.outputs}}}
   */
  public static Template parse(String arg) {
    requireNonNull(arg, "arg");
    List<Part> parts = new ArrayList<>();
    Matcher m = PLACEHOLDER.matcher(arg);
    int last = 0;
    while (m.find()) {
      if (m.start() > last) {
        parts.add(new Part(Kind.TEXT, arg.substring(last, m.start())));
      }
      parts.add(placeholder(m.group(), m.group(1), m.group(2)));
      last = m.end();
    }
    if (last < arg.length() || parts.isEmpty()) {
      parts.add(new Part(Kind.TEXT, arg.substring(last)));
    }
    return new Template(arg, parts);
  }

  private static Part placeholder(String written, String name, String suffix) {
    String key = name.toLowerCase(Locale.ROOT);
    if (suffix != null) {
      if (key.equals("inputs")) {
        return new Part(Kind.INPUT_VALUE, suffix);
      }
      throw unknown(written);
    }
    switch (key) {
      case "input":
        return new Part(Kind.INPUT, written);
      case "inputprefix":
        return new Part(Kind.INPUT_PREFIX, written);
      case "outputprefix":
        return new Part(Kind.OUTPUT_PREFIX, written);
      case "rawoutputdataprefix":
        return new Part(Kind.RAW_OUTPUT_DATA_PREFIX, written);
      case "checkpointoutputprefix":
        return new Part(Kind.CHECKPOINT_OUTPUT_PREFIX, written);
      case "prevcheckpointprefix":
        return new Part(Kind.PREV_CHECKPOINT_PREFIX, written);
      case "perretryuniquekey":
        return new Part(Kind.PER_RETRY_UNIQUE_KEY, written);
      case "tasktemplatepath":
        return new Part(Kind.TASK_TEMPLATE_PATH, written);
      case "remote_package_path":
        return new Part(Kind.REMOTE_PACKAGE_PATH, written);
      case "dest_dir":
        return new Part(Kind.DEST_DIR, written);
      default:
        throw unknown(written);
    }
  }

  private static IllegalArgumentException unknown(String written) {
    return new IllegalArgumentException(
        String.format("the placeholder [%s] is not one Flyte knows: use %s", written, KNOWN));
  }

  /**
   * A value as flytepropeller puts it into a command line: ints and bools as Go's {@code %v}
   * ({@code 42}, {@code true}), floats as {@code %v} ({@code 1}, {@code 0.5}, {@code 1e+06}),
   * strings as they are, datetimes in RFC 3339 ({@code 2024-01-31T12:00:00Z}), durations as their
   * proto text ({@code seconds:90}), blobs and schemas as their URI, lists as {@code [a,b,c]}. A
   * union holding one of these renders as its value (flytepropeller refuses unions).
   *
   * @throws IllegalArgumentException for a none, a map, a struct and other values Flyte cannot
   *     render
   */
  public static String goValue(Literal literal) {
    switch (literal.getValueCase()) {
      case COLLECTION:
        {
          StringBuilder s = new StringBuilder("[");
          List<Literal> items = literal.getCollection().getLiteralsList();
          for (int i = 0; i < items.size(); i++) {
            if (i > 0) {
              s.append(',');
            }
            s.append(goValue(items.get(i)));
          }
          return s.append(']').toString();
        }
      case SCALAR:
        return goValue(literal.getScalar());
      case MAP:
      case OFFLOADED_METADATA:
      case VALUE_NOT_SET:
      default:
        throw new IllegalArgumentException(
            "a " + describe(literal) + " value cannot be put into a command line");
    }
  }

  private static String goValue(Scalar scalar) {
    switch (scalar.getValueCase()) {
      case PRIMITIVE:
        return goValue(scalar.getPrimitive());
      case BLOB:
        return scalar.getBlob().getUri();
      case SCHEMA:
        return scalar.getSchema().getUri();
      case UNION:
        return goValue(scalar.getUnion().getValue());
      case NONE_TYPE:
      case BINARY:
      case ERROR:
      case GENERIC:
      case STRUCTURED_DATASET:
      case VALUE_NOT_SET:
      default:
        throw new IllegalArgumentException(
            "a "
                + scalar.getValueCase().name().toLowerCase(Locale.ROOT)
                + " value cannot be put into a command line");
    }
  }

  private static String goValue(Primitive p) {
    switch (p.getValueCase()) {
      case INTEGER:
        return Long.toString(p.getInteger());
      case FLOAT_VALUE:
        return GoText.formatFloatV(p.getFloatValue());
      case STRING_VALUE:
        return p.getStringValue();
      case BOOLEAN:
        return Boolean.toString(p.getBoolean());
      case DATETIME:
        return GoText.formatTimestamp(p.getDatetime());
      case DURATION:
        return GoText.formatDurationProto(p.getDuration());
      case VALUE_NOT_SET:
      default:
        throw new IllegalArgumentException("an empty primitive cannot be put into a command line");
    }
  }

  private static String describe(Literal literal) {
    return literal.getValueCase().name().toLowerCase(Locale.ROOT);
  }

  /**
   * Whether values of {@code type} can ever be put into a command line: primitives, enums, blobs,
   * schemas, lists of these, and unions with such a variant.
   */
  public static boolean renderable(LiteralType type) {
    switch (type.getTypeCase()) {
      case SIMPLE:
        switch (type.getSimple()) {
          case INTEGER:
          case FLOAT:
          case STRING:
          case BOOLEAN:
          case DATETIME:
          case DURATION:
            return true;
          default:
            return false;
        }
      case ENUM_TYPE:
      case BLOB:
      case SCHEMA:
        return true;
      case COLLECTION_TYPE:
        return renderable(type.getCollectionType());
      case UNION_TYPE:
        return type.getUnionType().getVariantsList().stream().anyMatch(Templates::renderable);
      default:
        return false;
    }
  }
}
