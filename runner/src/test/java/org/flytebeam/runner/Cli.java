package org.flytebeam.runner;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

/** Runs the CLI in-process and captures what it printed. */
record Cli(int exitCode, String out, String err) {

  static Cli run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.execute(args, new PrintWriter(out, true), new PrintWriter(err, true));
    return new Cli(code, out.toString(), err.toString());
  }

  /**
   * What was printed on stderr but the progress lines, which a run slower than the progress
   * interval (a loaded machine) prints before its outcome.
   */
  String errWithoutProgress() {
    return err.lines()
        .filter(line -> !line.startsWith("progress: "))
        .map(line -> line + "\n")
        .collect(java.util.stream.Collectors.joining());
  }

  static Path write(Path dir, String name, String text) throws java.io.IOException {
    Path file = dir.resolve(name);
    Files.writeString(file, text);
    return file;
  }
}
