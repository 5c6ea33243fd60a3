package org.flytebeam.runner;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Headless Chromium (Debian's {@code chromium}) for tests: the DOM after scripts ran, screenshots.
 */
final class Chromium {
  static final Path BINARY = Path.of("/usr/bin/chromium");
  private static final long TIMEOUT_SECONDS = 90;

  private Chromium() {}

  static boolean available() {
    return Files.isExecutable(BINARY);
  }

  /** The rendered page's DOM, as serialized after its scripts ran. */
  static String dumpDom(Path page, Path work) throws IOException, InterruptedException {
    Path out = work.resolve("dom.html");
    run(work, out, "--dump-dom", page.toUri().toString());
    return Files.readString(out, StandardCharsets.UTF_8);
  }

  /** As above, for a URL of the page with a fragment, e.g. {@code report.html#log}. */
  static String dumpDom(Path page, String fragment, Path work)
      throws IOException, InterruptedException {
    Path out = work.resolve("dom-" + fragment + ".html");
    run(work, out, "--dump-dom", page.toUri() + "#" + fragment);
    return Files.readString(out, StandardCharsets.UTF_8);
  }

  static void screenshot(Path page, Path png, Path work) throws IOException, InterruptedException {
    run(
        work,
        work.resolve("screenshot.log"),
        "--screenshot=" + png,
        "--window-size=1280,2000",
        page.toUri().toString());
  }

  private static void run(Path work, Path stdout, String... args)
      throws IOException, InterruptedException {
    Path profile = Files.createTempDirectory(work, "chromium-profile-");
    List<String> command =
        new ArrayList<>(
            List.of(
                BINARY.toString(),
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
                "--user-data-dir=" + profile));
    command.addAll(List.of(args));
    Process p =
        new ProcessBuilder(command)
            .redirectOutput(stdout.toFile())
            .redirectError(work.resolve("chromium-stderr-" + System.nanoTime() + ".log").toFile())
            .start();
    if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
      // Hung: kill this chromium and its helpers by pid.
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
      throw new AssertionError(
          "chromium did not finish within " + TIMEOUT_SECONDS + "s: " + command);
    }
    if (p.exitValue() != 0) {
      throw new AssertionError("chromium exited with " + p.exitValue() + ": " + command);
    }
  }
}
