package org.flytebeam.exec.process;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TaskTextTest {
  @Test
  void shouldEscapeTerminalControlSequences() {
    assertThat(TaskText.escape("\u001b[2J\u001b]0;t\u0007x\ry\nz\u009b1m\u202eevil"))
        .isEqualTo("\\u001b[2J\\u001b]0;t\\u0007x\\ry\\nz\\u009b1m\\u202eevil");
  }

  @Test
  void shouldKeepPrintableTextAndLinesWhereAsked() {
    assertThat(TaskText.escape("héllo wörld 日本 [x] | y")).isEqualTo("héllo wörld 日本 [x] | y");
    assertThat(TaskText.escapeKeepingLines("a\n\tb\u001bc")).isEqualTo("a\n\tb\\u001bc");
  }

  @Test
  void shouldChangeNothingWhenEscapedAgain() {
    String once = TaskText.escape("\u001b[31mred\u0000");
    assertThat(TaskText.escape(once)).isEqualTo(once);
  }
}
