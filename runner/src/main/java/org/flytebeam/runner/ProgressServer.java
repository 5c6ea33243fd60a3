package org.flytebeam.runner;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.flytebeam.exec.RunProgress;

/**
 * The driver's progress endpoint for executors in other JVMs (a standalone Spark cluster): each
 * posts its counts once per range ({@link RunProgress#flush()}) and they are added to the driver's
 * {@link RunProgress}. Bound to the driver's host on a free port, served only while a cluster run
 * runs.
 *
 * <p>Anyone who reaches the port may connect, so nothing a client sends is trusted: a post must
 * carry the run's secret ({@code Authorization: Bearer <secret>}, compared in constant time), which
 * reaches the executors inside the run's plan (Spark's own channel, under {@code
 * spark.authenticate} when the cluster uses it), never through the run folder. Bodies are bounded
 * ({@link #MAX_BODY}), as are headers, the time a connection may take ({@link #READ_TIMEOUT_MILLIS}
 * per read, {@link #REQUEST_DEADLINE_MILLIS} in all) and the connections served at once; counts are
 * non-negative and no more than the map's size; the number of workers remembered is bounded by
 * {@link RunProgress#MAX_REMOTE_WORKERS}. The endpoint answers no question: it only takes counts,
 * so it exposes nothing of the run.
 */
final class ProgressServer implements AutoCloseable {
  static final String PATH = "/progress";

  /** Largest body taken: a post is a few numbers and a worker id, well under this. */
  static final int MAX_BODY = 1024;

  /** Largest request line and header block. */
  static final int MAX_HEADERS = 8192;

  /** A connection silent for longer than this is closed. */
  static final int READ_TIMEOUT_MILLIS = 2_000;

  /** A connection still sending its request after this is closed, however slowly it trickles. */
  static final int REQUEST_DEADLINE_MILLIS = 5_000;

  /** Connections served at once; more are closed at once (progress is display only). */
  static final int MAX_CONNECTIONS = 32;

  private static final Pattern WORKER = Pattern.compile("[A-Za-z0-9-]{1,64}");
  private static final Pattern COUNT = Pattern.compile("[0-9]{1,19}");

  private final ServerSocket socket;
  private final ThreadPoolExecutor threads;
  private final Thread acceptor;
  private final RunProgress progress;
  private final byte[] secret;
  private final long maxCount;
  private final String url;

  private ProgressServer(
      ServerSocket socket, RunProgress progress, String secret, long maxCount, String url) {
    this.socket = socket;
    this.progress = progress;
    this.secret = secret.getBytes(StandardCharsets.UTF_8);
    this.maxCount = maxCount;
    this.url = url;
    this.threads =
        new ThreadPoolExecutor(
            0,
            MAX_CONNECTIONS,
            10,
            TimeUnit.SECONDS,
            new SynchronousQueue<>(),
            r -> {
              Thread t = new Thread(r, "flyte-beam-progress-server");
              t.setDaemon(true);
              return t;
            });
    this.acceptor = new Thread(this::accept, "flyte-beam-progress-accept");
    acceptor.setDaemon(true);
  }

  /**
   * Serves on {@code host} (an address every executor can reach) and a free port; posts must carry
   * {@code secret}, and no count may exceed {@code maxCount} (the map's size).
   */
  static ProgressServer start(String host, RunProgress progress, String secret, long maxCount)
      throws IOException {
    if (secret.length() < 16) {
      throw new IllegalArgumentException("the progress secret must be at least 16 characters");
    }
    InetAddress address = InetAddress.getByName(host);
    ServerSocket socket = new ServerSocket();
    socket.bind(new InetSocketAddress(address, 0), 64);
    String hostPart =
        address.getHostAddress().contains(":")
            ? "[" + address.getHostAddress() + "]"
            : address.getHostAddress();
    ProgressServer server =
        new ProgressServer(
            socket,
            progress,
            secret,
            maxCount,
            "http://" + hostPart + ":" + socket.getLocalPort() + PATH);
    server.acceptor.start();
    return server;
  }

  /** The driver's host as executors see it: Spark's {@code spark.driver.host} when set. */
  static String driverHost() throws IOException {
    String host = System.getProperty("spark.driver.host");
    return host != null ? host : InetAddress.getLocalHost().getHostAddress();
  }

  String url() {
    return url;
  }

  private void accept() {
    while (!socket.isClosed()) {
      Socket connection;
      try {
        connection = socket.accept();
      } catch (IOException e) {
        return; // closed
      }
      try {
        threads.execute(() -> serve(connection));
      } catch (RejectedExecutionException e) {
        closeQuietly(connection);
      }
    }
  }

  private void serve(Socket connection) {
    try (Socket c = connection) {
      c.setSoTimeout(READ_TIMEOUT_MILLIS);
      long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(REQUEST_DEADLINE_MILLIS);
      int status;
      try {
        status = handle(new DeadlineInput(c.getInputStream(), deadline));
      } catch (SocketTimeoutException e) {
        return; // stalled: closed without an answer
      } catch (RequestException e) {
        status = e.status;
      }
      OutputStream out = c.getOutputStream();
      out.write(
          String.format(
                  Locale.ROOT,
                  "HTTP/1.1 %d %s\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
                  status,
                  reason(status))
              .getBytes(StandardCharsets.US_ASCII));
      out.flush();
    } catch (IOException e) {
      // The client went away: nothing to answer.
    }
  }

  /** Reads one request and adds its counts; the HTTP status to answer. */
  private int handle(InputStream in) throws IOException {
    String head = readHead(in);
    String[] lines = head.split("\r\n");
    String[] request = lines[0].split(" ");
    if (request.length != 3 || !request[2].startsWith("HTTP/1.")) {
      throw new RequestException(400);
    }
    if (!request[1].equals(PATH)) {
      throw new RequestException(404);
    }
    if (!request[0].equals("POST")) {
      throw new RequestException(405);
    }
    Map<String, String> headers = new HashMap<>();
    for (int i = 1; i < lines.length; i++) {
      int colon = lines[i].indexOf(':');
      if (colon <= 0) {
        throw new RequestException(400);
      }
      headers.put(
          lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT),
          lines[i].substring(colon + 1).trim());
    }
    // The secret before anything else is read: a stranger's body is never looked at.
    if (!authorized(headers.get("authorization"))) {
      throw new RequestException(401);
    }
    if (headers.containsKey("transfer-encoding")) {
      throw new RequestException(411);
    }
    String length = headers.get("content-length");
    if (length == null || !COUNT.matcher(length).matches()) {
      throw new RequestException(411);
    }
    long n = Long.parseLong(length);
    if (n > MAX_BODY) {
      throw new RequestException(413);
    }
    byte[] body = in.readNBytes((int) n);
    if (body.length != n) {
      throw new RequestException(400);
    }
    return add(parse(new String(body, StandardCharsets.UTF_8)));
  }

  private boolean authorized(String header) {
    if (header == null || !header.startsWith("Bearer ")) {
      return false;
    }
    byte[] given = header.substring("Bearer ".length()).getBytes(StandardCharsets.UTF_8);
    return MessageDigest.isEqual(given, secret);
  }

  private int add(Map<String, String> form) {
    String worker = form.get("worker");
    if (worker == null || !WORKER.matcher(worker).matches()) {
      return 400;
    }
    long[] counts = new long[6];
    String[] keys = {"started", "succeeded", "failed", "aborted", "running", "cached"};
    for (int i = 0; i < keys.length; i++) {
      String value = form.getOrDefault(keys[i], "0");
      if (!COUNT.matcher(value).matches()) {
        return 400; // negative, fractional, or longer than any long
      }
      try {
        counts[i] = Long.parseLong(value);
      } catch (NumberFormatException e) {
        return 400; // overflows a long
      }
      if (counts[i] > maxCount) {
        return 400; // more elements than the map has
      }
    }
    boolean taken =
        progress.addRemote(
            worker, counts[0], counts[1], counts[2], counts[3], counts[4], counts[5]);
    return taken ? 204 : 429;
  }

  private static String readHead(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    int matched = 0;
    byte[] end = {'\r', '\n', '\r', '\n'};
    while (matched < end.length) {
      int b = in.read();
      if (b < 0) {
        throw new RequestException(400);
      }
      if (head.size() >= MAX_HEADERS) {
        throw new RequestException(431);
      }
      head.write(b);
      matched = b == end[matched] ? matched + 1 : (b == '\r' ? 1 : 0);
    }
    String text = head.toString(StandardCharsets.ISO_8859_1);
    return text.substring(0, text.length() - end.length);
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

  private static String reason(int status) {
    switch (status) {
      case 204:
        return "No Content";
      case 400:
        return "Bad Request";
      case 401:
        return "Unauthorized";
      case 404:
        return "Not Found";
      case 405:
        return "Method Not Allowed";
      case 411:
        return "Length Required";
      case 413:
        return "Payload Too Large";
      case 429:
        return "Too Many Requests";
      case 431:
        return "Request Header Fields Too Large";
      default:
        return "Error";
    }
  }

  private static void closeQuietly(Socket s) {
    try {
      s.close();
    } catch (IOException e) {
      // Closing a refused connection: nothing else to do.
    }
  }

  @Override
  public void close() {
    try {
      socket.close();
    } catch (IOException e) {
      // Already closed.
    }
    threads.shutdownNow();
    try {
      acceptor.join(2_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** A refused request: the status to answer. */
  private static final class RequestException extends IOException {
    private static final long serialVersionUID = 1L;
    private final int status;

    RequestException(int status) {
      super("HTTP " + status);
      this.status = status;
    }
  }

  /** Reads until a deadline: a client that trickles a byte at a time is cut off all the same. */
  private static final class DeadlineInput extends InputStream {
    private final InputStream in;
    private final long deadline;

    DeadlineInput(InputStream in, long deadline) {
      this.in = in;
      this.deadline = deadline;
    }

    private void check() throws SocketTimeoutException {
      if (System.nanoTime() - deadline > 0) {
        throw new SocketTimeoutException("request deadline passed");
      }
    }

    @Override
    public int read() throws IOException {
      check();
      return in.read();
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      check();
      return in.read(b, off, len);
    }
  }
}
