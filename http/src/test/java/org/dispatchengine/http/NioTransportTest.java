package org.dispatchengine.http;

import com.typesafe.config.ConfigFactory;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.util.ByteString;
import org.dispatchengine.http.testing.Eventually;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The node's HTTP transport with raw sockets: what Pekko IO did under Pekko HTTP and the node's tests do not reach
 * (a kernel buffer that fills, a request body the application is slow to read, idle connections, a graceful stop).
 */
class NioTransportTest {
  private static final int LARGE = 4 * 1024 * 1024;
  private static final byte[] BODY = pattern(LARGE);
  private static final String DRIP = "xxxxxxxx";
  private static ActorSystem<Void> system;

  @BeforeAll
  static void start() {
    system = ActorSystem.create(Behaviors.empty(), "transport", ConfigFactory.parseString("""
        pekko.http.server.idle-timeout = 2s
        pekko.http.server.parsing.max-content-length = 8m
        # little room in the kernel, so that writes fill it and wait for the selector
        pekko.http.server.socket-options.so-send-buffer-size = 4096
        pekko.http.server.socket-options.so-receive-buffer-size = 4096
        """).withFallback(ConfigFactory.defaultReference()));
  }

  @AfterAll
  static void stop() {
    system.terminate();
  }

  /**
   * {@code GET /large}: 4 MiB; {@code POST /sum}: the CRC of the body, read once {@code gate} completes ({@code
   * reached} completes as the request reaches the application).
   */
  private static Flow<HttpRequest, HttpResponse, NotUsed> handler(CompletionStage<?> gate,
      CompletableFuture<Void> reached) {
    Materializer materializer = Materializer.matFromSystem(system);
    return Flow.<HttpRequest>create().mapAsync(1, request -> {
      switch (request.getUri().path()) {
        case "/large":
          return CompletableFuture.completedFuture(
              HttpResponse.create().withEntity(HttpEntities.create(ContentTypes.APPLICATION_OCTET_STREAM, BODY)));
        case "/drip":
          // one byte every half second: the client only reads, for longer than the idle timeout
          return CompletableFuture.completedFuture(HttpResponse.create().withEntity(HttpEntities.create(
              ContentTypes.APPLICATION_OCTET_STREAM, DRIP.length(),
              Source.range(1, DRIP.length()).throttle(1, Duration.ofMillis(500)).map(i -> ByteString.fromString("x")))));
        case "/sum":
          reached.complete(null);
          return gate.thenCompose(open -> request.entity().getDataBytes()
              .runFold(new CRC32(), (crc, bytes) -> {
                crc.update(bytes.toArray());
                return crc;
              }, materializer)
              .thenApply(crc -> HttpResponse.create().withEntity(Long.toString(crc.getValue()))));
        default:
          return CompletableFuture.completedFuture(HttpResponse.create().withEntity("ok"));
      }
    });
  }

  private static NioTransport bind(CompletionStage<?> gate) throws IOException {
    return bind(gate, new CompletableFuture<>());
  }

  private static NioTransport bind(CompletionStage<?> gate, CompletableFuture<Void> reached) throws IOException {
    return NioTransport.bind(system, handler(gate, reached), "127.0.0.1", 0);
  }

  @Test
  void aResponseLargerThanTheKernelTakesAtOnceArrivesWholeAtASlowReader() throws Exception {
    onConnection((transport, socket) -> {
      socket.setReceiveBufferSize(4096);
      send(socket, "GET /large HTTP/1.1\r\nHost: test\r\n\r\n");
      byte[] body = readResponseBody(socket.getInputStream());
      assertEquals(LARGE, body.length);
      assertTrue(Arrays.equals(BODY, body), "every byte, in order");
    });
  }

  @Test
  void aBodyTheApplicationReadsLateArrivesWhole() throws Exception {
    CompletableFuture<Void> gate = new CompletableFuture<>();
    NioTransport transport = bind(gate);
    try (Socket socket = connect(transport)) {
      socket.setSendBufferSize(4096);
      CRC32 expected = new CRC32();
      expected.update(BODY);
      CompletableFuture<Void> sent = CompletableFuture.runAsync(() -> {
        try {
          send(socket, "POST /sum HTTP/1.1\r\nHost: test\r\nContent-Length: " + LARGE + "\r\n\r\n");
          socket.getOutputStream().write(BODY);
        } catch (IOException e) {
          throw new IllegalStateException(e);
        }
      });
      // the server stops reading while nobody takes what it read: the client cannot send 4 MiB meanwhile
      assertThrows(java.util.concurrent.TimeoutException.class, () -> sent.get(1, TimeUnit.SECONDS));
      gate.complete(null);
      sent.get(20, TimeUnit.SECONDS);
      assertEquals(Long.toString(expected.getValue()),
          new String(readResponseBody(socket.getInputStream()), StandardCharsets.US_ASCII));
    } finally {
      stop(transport);
    }
  }

  @Test
  void aSilentConnectionIsClosedAfterTheIdleTimeoutAndNoLongerCounted() throws Exception {
    onConnection((transport, socket) -> {
      send(socket, "GET /ok HTTP/1.1\r\nHost: test\r\n\r\n");
      assertEquals("ok", new String(readResponseBody(socket.getInputStream()), StandardCharsets.US_ASCII));
      assertEquals(1, transport.connections());
      socket.setSoTimeout(10_000);
      assertEquals(-1, socket.getInputStream().read(), "closed by the server after 2 s of silence");
      Eventually.await("connections", transport::connections, count -> count == 0);
    });
  }

  @Test
  void aConnectionThatOnlyReceivesForLongerThanTheIdleTimeoutStaysOpen() throws Exception {
    onConnection((transport, socket) -> {
      send(socket, "GET /drip HTTP/1.1\r\nHost: test\r\n\r\n");
      assertEquals(DRIP, new String(readResponseBody(socket.getInputStream()), StandardCharsets.US_ASCII));
    });
  }

  @Test
  void aConnectionThatOnlySendsForLongerThanTheIdleTimeoutStaysOpen() throws Exception {
    onConnection((transport, socket) -> {
      byte[] body = DRIP.getBytes(StandardCharsets.US_ASCII);
      send(socket, "POST /sum HTTP/1.1\r\nHost: test\r\nContent-Length: " + body.length + "\r\n\r\n");
      for (byte b : body) {
        // the silence under test, not a wait for something: the server hears a byte every half second
        Thread.sleep(500);
        socket.getOutputStream().write(b);
        socket.getOutputStream().flush();
      }
      CRC32 expected = new CRC32();
      expected.update(body);
      assertEquals(Long.toString(expected.getValue()),
          new String(readResponseBody(socket.getInputStream()), StandardCharsets.US_ASCII));
    });
  }

  @Test
  void aClientThatGoesAwayIsForgotten() throws Exception {
    NioTransport transport = bind(CompletableFuture.completedFuture(null));
    try {
      for (int i = 0; i < 3; i++) {
        try (Socket socket = connect(transport)) {
          send(socket, "GET /ok HTTP/1.1\r\nHost: test\r\n\r\n");
          readResponseBody(socket.getInputStream());
        }
      }
      Eventually.await("connections", transport::connections, count -> count == 0);
    } finally {
      stop(transport);
    }
  }

  @Test
  void connectionsArrivingTogetherAreAllServed() throws Exception {
    NioTransport transport = bind(CompletableFuture.completedFuture(null));
    List<Socket> sockets = new ArrayList<>();
    try {
      // all waiting in the listen backlog at once, as when a fleet reconnects
      for (int i = 0; i < 100; i++) {
        sockets.add(connect(transport));
      }
      for (Socket socket : sockets) {
        socket.setSoTimeout(5_000);
        send(socket, "GET /ok HTTP/1.1\r\nHost: test\r\n\r\n");
      }
      for (Socket socket : sockets) {
        assertEquals("ok", new String(readResponseBody(socket.getInputStream()), StandardCharsets.US_ASCII));
      }
      assertEquals(100, transport.connections());
    } finally {
      for (Socket socket : sockets) {
        socket.close();
      }
      stop(transport);
    }
  }

  @Test
  void aStopClosesIdleConnectionsAtOnceAndBusyOnesAfterTheirResponse() throws Exception {
    CompletableFuture<Void> gate = new CompletableFuture<>();
    CompletableFuture<Void> reached = new CompletableFuture<>();
    NioTransport transport = bind(gate, reached);
    InetSocketAddress address = transport.localAddress();
    try (Socket idle = connect(transport); Socket busy = connect(transport)) {
      send(idle, "GET /ok HTTP/1.1\r\nHost: test\r\n\r\n");
      readResponseBody(idle.getInputStream());
      send(busy, "POST /sum HTTP/1.1\r\nHost: test\r\nContent-Length: 2\r\n\r\nhi");
      reached.get(10, TimeUnit.SECONDS);
      assertEquals(2, transport.connections());

      CompletableFuture<?> stopped = transport.terminate(Duration.ofSeconds(20)).toCompletableFuture();
      idle.setSoTimeout(10_000);
      assertEquals(-1, idle.getInputStream().read(), "the idle connection closes at once");
      assertThrows(ConnectException.class, () -> new Socket(address.getAddress(), address.getPort()).close());
      assertFalse(stopped.isDone(), "a request is still in flight");

      gate.complete(null);
      String head = readHead(busy.getInputStream());
      assertTrue(head.startsWith("HTTP/1.1 200"), head);
      assertTrue(head.toLowerCase().contains("connection: close"), head);
      stopped.get(10, TimeUnit.SECONDS);
      assertEquals(0, transport.connections());
    }
  }

  /** What a test does over one connection to a served transport. */
  private interface OnConnection {
    void accept(NioTransport transport, Socket socket) throws Exception;
  }

  /** Runs {@code test} over a connection to a transport whose handler's gate is open, and stops the transport. */
  private static void onConnection(OnConnection test) throws Exception {
    NioTransport transport = bind(CompletableFuture.completedFuture(null));
    try (Socket socket = connect(transport)) {
      test.accept(transport, socket);
    } finally {
      stop(transport);
    }
  }

  private static void stop(NioTransport transport) throws Exception {
    transport.terminate(Duration.ofSeconds(1)).toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  // ---- a minimal HTTP/1.1 client over a raw socket

  private static Socket connect(NioTransport transport) throws IOException {
    Socket socket = new Socket();
    socket.setReceiveBufferSize(4096);
    socket.connect(transport.localAddress(), 5_000);
    socket.setSoTimeout(20_000);
    return socket;
  }

  private static void send(Socket socket, String text) throws IOException {
    OutputStream out = socket.getOutputStream();
    out.write(text.getBytes(StandardCharsets.US_ASCII));
    out.flush();
  }

  private static String readHead(InputStream in) throws IOException {
    StringBuilder head = new StringBuilder();
    while (!head.toString().endsWith("\r\n\r\n")) {
      int next = in.read();
      if (next < 0) {
        throw new IOException("closed within the response head: " + head);
      }
      head.append((char) next);
    }
    return head.toString();
  }

  private static byte[] readResponseBody(InputStream in) throws IOException {
    String head = readHead(in);
    int length = head.lines()
        .filter(line -> line.toLowerCase().startsWith("content-length:"))
        .map(line -> Integer.parseInt(line.substring(line.indexOf(':') + 1).trim()))
        .findFirst().orElseThrow(() -> new AssertionError("no Content-Length in " + head));
    ByteArrayOutputStream body = new ByteArrayOutputStream(length);
    byte[] chunk = new byte[1024]; // a slow reader: a small buffer at a time
    while (body.size() < length) {
      int read = in.read(chunk, 0, Math.min(chunk.length, length - body.size()));
      if (read < 0) {
        throw new IOException("closed after " + body.size() + " of " + length + " bytes");
      }
      body.write(chunk, 0, read);
    }
    return body.toByteArray();
  }

  private static byte[] pattern(int size) {
    byte[] bytes = new byte[size];
    for (int i = 0; i < size; i++) {
      bytes[i] = (byte) (i * 31 + (i >> 11));
    }
    return bytes;
  }
}
