package org.flytebeam.exec.process;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A JVM for {@link WatchdogTest} to {@code kill -9}: it runs a program that writes its pids and
 * those of its children to a file, then waits to be killed.
 *
 * <p>Arguments: the program's working folder, the file the watchdog's pid goes to, and {@code run}
 * (through {@link ProcessTree#run}) or {@code unattached} (the marker registered, the program
 * started, but its group never registered: this JVM dying in between), then the program's argv.
 */
public final class WatchdogChild {
  private WatchdogChild() {}

  public static void main(String[] args) throws Exception {
    Path work = Path.of(args[0]);
    Path watchdogPidFile = Path.of(args[1]);
    String mode = args[2];
    List<String> argv = List.of(args).subList(3, args.length);
    Files.writeString(watchdogPidFile, Watchdog.pid() + "\n");
    if (mode.equals("run")) {
      ProcessTree.run(
          new ProcessTree.Launch(
              argv, Map.of("PATH", System.getenv("PATH")), work, Optional.empty(), 1024),
          () -> false);
    } else {
      byte[] bytes = new byte[16];
      ThreadLocalRandom.current().nextBytes(bytes);
      String token = HexFormat.of().formatHex(bytes);
      Watchdog.register(token);
      ProcessBuilder builder = new ProcessBuilder(argv).directory(work.toFile());
      builder.environment().put(ProcessTree.TOKEN_VARIABLE, token);
      builder.inheritIO().start();
      Thread.sleep(Long.MAX_VALUE);
    }
  }
}
