package org.dispatchengine.http.testing;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A real WebSocket client (the JDK's) that collects text frames and the close. */
public final class WsClient implements WebSocket.Listener {
  private final BlockingQueue<String> frames = new LinkedBlockingQueue<>();
  private final CompletableFuture<Integer> closed = new CompletableFuture<>();
  private final StringBuilder partial = new StringBuilder();
  private WebSocket socket;

  public static WsClient connect(URI uri, Map<String, String> headers) {
    WsClient client = new WsClient();
    WebSocket.Builder builder = HttpClient.newHttpClient().newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5));
    headers.forEach(builder::header);
    client.socket = builder.buildAsync(uri, client).join();
    return client;
  }

  /** The HTTP status with which the server refused the upgrade that {@code connect} attempts. */
  public static int refusedStatus(Runnable connect) {
    try {
      connect.run();
    } catch (java.util.concurrent.CompletionException e) {
      if (e.getCause() instanceof java.net.http.WebSocketHandshakeException handshake) {
        return handshake.getResponse().statusCode();
      }
      throw e;
    }
    throw new AssertionError("The upgrade was accepted");
  }

  public void send(String text) {
    socket.sendText(text, true).join();
  }

  /** Sends {@code text} in UTF-8 as a binary frame. */
  public void sendBinary(String text) {
    socket.sendBinary(java.nio.ByteBuffer.wrap(text.getBytes(java.nio.charset.StandardCharsets.UTF_8)), true).join();
  }

  /** The next text frame, or an assertion error after 10 s. */
  public String next() throws InterruptedException {
    String frame = frames.poll(10, TimeUnit.SECONDS);
    if (frame == null) {
      throw new AssertionError("No frame within 10 s");
    }
    return frame;
  }

  /** No frame arrives within {@code millis}. */
  public String poll(long millis) throws InterruptedException {
    return frames.poll(millis, TimeUnit.MILLISECONDS);
  }

  /** The close status code the server sent. */
  public int closeCode() throws Exception {
    return closed.get(10, TimeUnit.SECONDS);
  }

  public boolean isClosed() {
    return closed.isDone();
  }

  public void close() {
    socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye");
  }

  @Override
  public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
    partial.append(data);
    if (last) {
      frames.add(partial.toString());
      partial.setLength(0);
    }
    webSocket.request(1);
    return null;
  }

  @Override
  public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
    closed.complete(statusCode);
    return null;
  }

  @Override
  public void onError(WebSocket webSocket, Throwable error) {
    closed.completeExceptionally(error);
  }
}
