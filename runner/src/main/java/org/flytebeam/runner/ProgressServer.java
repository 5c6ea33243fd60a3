package org.flytebeam.runner;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.flytebeam.exec.RunProgress;

/**
 * The driver's progress endpoint for executors in other JVMs (a standalone Spark cluster): each
 * posts its counts once per range ({@link RunProgress#flush()}) and they are added to the driver's
 * {@link RunProgress}. Bound to the driver's host on a free port.
 */
final class ProgressServer implements AutoCloseable {
  static final String PATH = "/progress";

  private final HttpServer server;
  private final ExecutorService threads;
  private final String url;

  private ProgressServer(HttpServer server, ExecutorService threads, String url) {
    this.server = server;
    this.threads = threads;
    this.url = url;
  }

  /** Serves on {@code host} (an address every executor can reach) and a free port. */
  static ProgressServer start(String host, RunProgress progress) throws IOException {
    InetAddress address = InetAddress.getByName(host);
    HttpServer server = HttpServer.create(new InetSocketAddress(address, 0), 64);
    server.createContext(PATH, exchange -> handle(exchange, progress));
    ExecutorService threads =
        Executors.newFixedThreadPool(
            2,
            r -> {
              Thread t = new Thread(r, "flyte-beam-progress-server");
              t.setDaemon(true);
              return t;
            });
    server.setExecutor(threads);
    server.start();
    String hostPart =
        address.getHostAddress().contains(":")
            ? "[" + address.getHostAddress() + "]"
            : address.getHostAddress();
    return new ProgressServer(
        server, threads, "http://" + hostPart + ":" + server.getAddress().getPort() + PATH);
  }

  /** The driver's host as executors see it: Spark's {@code spark.driver.host} when set. */
  static String driverHost() throws IOException {
    String host = System.getProperty("spark.driver.host");
    return host != null ? host : InetAddress.getLocalHost().getHostAddress();
  }

  String url() {
    return url;
  }

  private static void handle(HttpExchange exchange, RunProgress progress) throws IOException {
    int status = 204;
    try (InputStream in = exchange.getRequestBody()) {
      if (!"POST".equals(exchange.getRequestMethod())) {
        status = 405;
      } else {
        Map<String, String> form = parse(new String(in.readNBytes(4096), StandardCharsets.UTF_8));
        progress.addRemote(
            form.getOrDefault("worker", "?"),
            number(form, "started"),
            number(form, "succeeded"),
            number(form, "failed"),
            number(form, "aborted"),
            number(form, "running"),
            number(form, "cached"));
      }
    } catch (NumberFormatException e) {
      status = 400;
    }
    exchange.sendResponseHeaders(status, -1);
    exchange.close();
  }

  private static Map<String, String> parse(String body) {
    Map<String, String> form = new HashMap<>();
    for (String pair : body.trim().split("&")) {
      int eq = pair.indexOf('=');
      if (eq > 0) {
        form.put(pair.substring(0, eq), pair.substring(eq + 1));
      }
    }
    return form;
  }

  private static long number(Map<String, String> form, String key) {
    String value = form.get(key);
    return value == null ? 0 : Long.parseLong(value);
  }

  @Override
  public void close() {
    server.stop(0);
    threads.shutdownNow();
  }
}
