package org.flytebeam.exec.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import flyteidl.core.Literals.Literal;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.flytebeam.exec.process.Templates.Kind;
import org.flytebeam.exec.process.Templates.Template;
import org.flytebeam.types.Blob;
import org.flytebeam.types.LiteralTypes;
import org.flytebeam.types.Literals;
import org.junit.jupiter.api.Test;

class TemplatesTest {

  private static Templates.Values values(Map<String, Literal> inputs) {
    return new Templates.Values(
        "/in/inputs.pb",
        "/in",
        "/out",
        "/raw",
        "/ckpt",
        "\"\"",
        "key_1",
        "/task.pb",
        "/bundle/fast123.tar.gz",
        "/attempt/dest",
        "/data/in",
        "/data/out",
        inputs);
  }

  private static String render(String arg, Map<String, Literal> inputs) throws Exception {
    return Templates.parse(arg).render(values(inputs));
  }

  @Test
  void shouldMatchPlaceholdersAsFlytepropellerDoes() throws Exception {
    assertThat(render("{{.input}}", Map.of())).isEqualTo("/in/inputs.pb");
    assertThat(render("{{ .Input }}", Map.of())).isEqualTo("/in/inputs.pb");
    assertThat(render("{{$input}}", Map.of())).isEqualTo("/in/inputs.pb");
    assertThat(render("--p={{.OUTPUTPREFIX}}/x", Map.of())).isEqualTo("--p=/out/x");
    assertThat(render("{{.inputPrefix}}", Map.of())).isEqualTo("/in");
    assertThat(render("{{.rawOutputDataPrefix}}", Map.of())).isEqualTo("/raw");
    assertThat(render("{{.checkpointOutputPrefix}}", Map.of())).isEqualTo("/ckpt");
    assertThat(render("{{.prevCheckpointPrefix}}", Map.of())).isEqualTo("\"\"");
    assertThat(render("{{.perRetryUniqueKey}}", Map.of())).isEqualTo("key_1");
    assertThat(render("{{.taskTemplatePath}}", Map.of())).isEqualTo("/task.pb");
    assertThat(render("{{ .Inputs.x }}-{{.inputs.x}}", Map.of("x", Literals.of(7L))))
        .isEqualTo("7-7");
  }

  @Test
  void shouldRenderFastRegistrationPlaceholdersAsWrittenByPyflytePackage() throws Exception {
    // As flytekit's translator writes them, with the spaces, each a whole argument.
    Template bundle = Templates.parse("{{ .remote_package_path }}");
    Template dest = Templates.parse("{{ .dest_dir }}");
    assertThat(bundle.uses(Kind.REMOTE_PACKAGE_PATH)).isTrue();
    assertThat(dest.uses(Kind.DEST_DIR)).isTrue();
    assertThat(bundle.uses(Kind.DEST_DIR)).isFalse();
    assertThat(bundle.render(values(Map.of()))).isEqualTo("/bundle/fast123.tar.gz");
    assertThat(dest.render(values(Map.of()))).isEqualTo("/attempt/dest");
    assertThat(render("--d={{.dest_dir}}", Map.of())).isEqualTo("--d=/attempt/dest");
  }

  @Test
  void shouldPassAlreadyRenderedFastArgumentsAsTheyAre() throws Exception {
    // What flytectl or pyflyte register leave after filling the placeholders in.
    for (String arg : List.of("s3://my-bucket/fast/script_mode.tar.gz", "/root", ".")) {
      Template t = Templates.parse(arg);
      assertThat(t.hasPlaceholders()).isFalse();
      assertThat(t.render(values(Map.of()))).isEqualTo(arg);
    }
  }

  @Test
  void shouldLeaveTextThatIsNoPlaceholderAlone() throws Exception {
    assertThat(render("{{ foo }} ${x} {x} {{", Map.of())).isEqualTo("{{ foo }} ${x} {x} {{");
    assertThat(Templates.parse("plain").hasPlaceholders()).isFalse();
  }

  @Test
  void shouldRefuseUnknownPlaceholders() {
    for (String unknown : List.of("{{.outputs}}", "{{.inputs}}", "{{.input.x}}", "{{ .Foo }}")) {
      assertThatThrownBy(() -> Templates.parse("a" + unknown))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("[" + unknown + "] is not one Flyte knows")
          .hasMessageContaining("{{.inputs.NAME}}");
    }
  }

  @Test
  void shouldRenderValuesAsGoDoes() {
    assertThat(Templates.goValue(Literals.of(42L))).isEqualTo("42");
    assertThat(Templates.goValue(Literals.of(1.0))).isEqualTo("1");
    assertThat(Templates.goValue(Literals.of(0.25))).isEqualTo("0.25");
    assertThat(Templates.goValue(Literals.of(true))).isEqualTo("true");
    assertThat(Templates.goValue(Literals.of("a b; $(rm -rf /)"))).isEqualTo("a b; $(rm -rf /)");
    assertThat(Templates.goValue(Literals.of(Instant.parse("2024-01-31T12:00:00.250Z"))))
        .isEqualTo("2024-01-31T12:00:00.25Z");
    assertThat(Templates.goValue(Literals.of(java.time.Duration.ofSeconds(90))))
        .isEqualTo("seconds:90");
    assertThat(Templates.goValue(Literals.collection(List.of(Literals.of(1L), Literals.of(2L)))))
        .isEqualTo("[1,2]");
    assertThat(
            Templates.goValue(Literals.collection(List.of(Literals.of("a"), Literals.of("b c")))))
        .isEqualTo("[a,b c]");
    assertThat(Templates.goValue(Literals.collection(List.of()))).isEqualTo("[]");
    assertThat(Templates.goValue(Literals.of(Blob.of("s3://b/k")))).isEqualTo("s3://b/k");
  }

  @Test
  void shouldRefuseValuesGoCannotRender() {
    assertThatThrownBy(() -> Templates.goValue(Literals.none()))
        .hasMessageContaining("none_type value cannot be put into a command line");
    assertThatThrownBy(() -> Templates.goValue(Literals.map(Map.of("a", Literals.of(1L)))))
        .hasMessageContaining("map value cannot be put into a command line");
  }

  @Test
  void shouldFailRenderingAnInputItDoesNotHave() {
    assertThatThrownBy(() -> render("{{.inputs.y}}", Map.of("x", Literals.of(1L))))
        .isInstanceOf(Templates.RenderException.class)
        .hasMessageContaining("no input [y]");
  }

  @Test
  void shouldSayWhichTypesCanBeRendered() {
    assertThat(Templates.renderable(LiteralTypes.of(Long.class))).isTrue();
    assertThat(Templates.renderable(LiteralTypes.listOf(LiteralTypes.of(String.class)))).isTrue();
    assertThat(Templates.renderable(LiteralTypes.optionalOf(LiteralTypes.of(Long.class)))).isTrue();
    assertThat(Templates.renderable(LiteralTypes.mapOf(LiteralTypes.of(Long.class)))).isFalse();
  }

  @Test
  void shouldMarkDataFoldersInTextButNotInPlaceholders() throws Exception {
    // given: a flytekit ContainerTask script
    Template t =
        Templates.parse("echo $(( {{.inputs.x}} * 2 )) > /var/outputs/y; cat /var/outputs/y")
            .mark("/var/outputs", Kind.DATA_OUTPUT_PATH)
            .mark("/var/inputs", Kind.DATA_INPUT_PATH);
    Map<String, Literal> inputs = new LinkedHashMap<>();
    inputs.put("x", Literals.of(21L));

    // then
    assertThat(t.render(values(inputs)))
        .isEqualTo("echo $(( 21 * 2 )) > /data/out/y; cat /data/out/y");
  }
}
