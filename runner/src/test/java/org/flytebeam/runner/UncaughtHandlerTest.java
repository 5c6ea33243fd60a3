package org.flytebeam.runner;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import org.junit.jupiter.api.Test;

/** What the command line prints for an exception no thread caught. */
class UncaughtHandlerTest {

  private static String uncaught(Throwable e) throws InterruptedException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    PrintStream err = new PrintStream(bytes, true, UTF_8);
    Thread thread =
        new Thread(
            () -> {
              if (e instanceof RuntimeException r) {
                throw r;
              }
              throw (Error) e;
            },
            "Keep-Alive-Timer");
    thread.setUncaughtExceptionHandler(Main.quietOutOfMemory(err));
    thread.start();
    thread.join();
    return bytes.toString(UTF_8);
  }

  @Test
  void shouldLeaveABackgroundThreadsOutOfMemoryToTheRunsOwnErrorLine() throws Exception {
    assertThat(uncaught(new OutOfMemoryError("Java heap space"))).isEmpty();
  }

  @Test
  void shouldPrintAnyOtherUncaughtExceptionAsTheJvmDoes() throws Exception {
    String printed = uncaught(new IllegalStateException("boom"));

    assertThat(printed)
        .startsWith(
            "Exception in thread \"Keep-Alive-Timer\" java.lang.IllegalStateException: boom")
        .contains("\tat ");
  }
}
