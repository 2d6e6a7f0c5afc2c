package dev.tuneloop.tracking;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A scripted stand-in for MLflow's HTTP API on a JDK {@link HttpServer}, for error paths that the
 * real server cannot be made to produce on demand (5xx, timeouts). Each path answers from a queue
 * of scripted replies, repeating the last one; every request is recorded.
 */
final class FakeMlflowServer implements AutoCloseable {

  /** A recorded request. */
  record Request(String method, String path, String query, String body) {}

  /** A scripted reply; {@code delayMillis} holds the answer back (to provoke timeouts). */
  record Reply(int status, String body, long delayMillis) {
    static Reply json(int status, String body) {
      return new Reply(status, body, 0);
    }

    static Reply error(int status, String errorCode, String message) {
      return new Reply(
          status, "{\"error_code\": \"" + errorCode + "\", \"message\": \"" + message + "\"}", 0);
    }
  }

  private final HttpServer server;
  private final Map<String, Deque<Reply>> replies = new ConcurrentHashMap<>();
  private final List<Request> requests = new ArrayList<>();

  FakeMlflowServer() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", this::handle);
    server.start();
  }

  /** The base URL, e.g. {@code http://127.0.0.1:43121}. */
  String uri() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  /** Scripts the replies of {@code path} (without query), in order; the last one repeats. */
  FakeMlflowServer on(String path, Reply... script) {
    replies.put(path, new ArrayDeque<>(List.of(script)));
    return this;
  }

  synchronized List<Request> requests() {
    return List.copyOf(requests);
  }

  synchronized List<Request> requestsTo(String path) {
    return requests.stream().filter(r -> r.path().equals(path)).toList();
  }

  private void handle(HttpExchange exchange) throws IOException {
    String path = exchange.getRequestURI().getRawPath();
    String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
    synchronized (this) {
      requests.add(
          new Request(
              exchange.getRequestMethod(), path, exchange.getRequestURI().getRawQuery(), body));
    }
    Deque<Reply> script = replies.get(exchange.getRequestURI().getPath());
    Reply reply;
    if (script == null) {
      reply = Reply.error(404, "ENDPOINT_NOT_FOUND", "no script for " + path);
    } else {
      synchronized (script) {
        reply = script.size() > 1 ? script.poll() : script.peek();
      }
    }
    if (reply.delayMillis() > 0) {
      try {
        Thread.sleep(reply.delayMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    byte[] bytes = reply.body().getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    try {
      exchange.sendResponseHeaders(reply.status(), bytes.length == 0 ? -1 : bytes.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(bytes);
      }
    } catch (IOException clientGone) {
      // The client timed out and closed the connection: nothing left to answer.
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
