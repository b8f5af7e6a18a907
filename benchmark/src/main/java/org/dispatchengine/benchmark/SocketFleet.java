package org.dispatchengine.benchmark;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Base64;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Many client WebSockets (RFC 6455) served by one selector thread, so that a load tool spends its CPU on the traffic
 * it offers rather than on per-socket machinery: the node, not the tool, should be what a run measures. The JDK's
 * WebSocket client costs several times more per frame (a future and a scheduler hand-off per send), which on a
 * machine shared with the node lowered what the node could take.
 *
 * <p>Frames are sent from any thread: straight into the socket when nothing waits before them, otherwise queued and
 * written by the selector thread. Messages received (text or binary, joined from fragments) and closes are handed
 * to the socket's {@link Listener} on the selector thread; pings are answered there.
 */
final class SocketFleet implements AutoCloseable {

  /** What a socket is told, on the selector thread. */
  interface Listener {
    void onMessage(Socket socket, byte[] payload);

    /** The node closed the socket, or the connection broke ({@code code} 1006). */
    default void onClosed(Socket socket, int code) {}
  }

  private static final byte TEXT = 0x1;
  private static final byte BINARY = 0x2;
  private static final byte CLOSE = 0x8;
  private static final byte PING = 0x9;
  private static final byte PONG = 0xA;
  private static final int ABNORMAL_CLOSURE = 1006;

  private final InetSocketAddress address;
  private final String host;
  private final Selector selector;
  private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();
  private final Thread loop;
  private volatile boolean running = true;

  /** A fleet of sockets to the node at {@code url} ({@code http://host:port}). */
  SocketFleet(String url) throws IOException {
    URI uri = URI.create(url);
    this.address = new InetSocketAddress(uri.getHost(), uri.getPort() < 0 ? 80 : uri.getPort());
    this.host = uri.getHost() + (uri.getPort() < 0 ? "" : ":" + uri.getPort());
    this.selector = Selector.open();
    this.loop = new Thread(this::run, "socket-fleet");
    loop.setDaemon(true);
    loop.start();
  }

  /** Opens a WebSocket on {@code path} with {@code token} as its bearer; completes once the node upgraded it. */
  CompletableFuture<Socket> open(String path, String token, Listener listener) {
    Socket socket = new Socket(listener);
    inLoop(() -> socket.connect(path, token));
    return socket.upgraded;
  }

  private void inLoop(Runnable task) {
    tasks.add(task);
    selector.wakeup();
  }

  private void run() {
    while (running) {
      try {
        selector.select(100);
        for (Runnable task; (task = tasks.poll()) != null; ) {
          task.run();
        }
        for (SelectionKey key : selector.selectedKeys()) {
          Socket socket = (Socket) key.attachment();
          try {
            if (!key.isValid()) {
              continue;
            }
            if (key.isConnectable()) {
              socket.connected();
            }
            if (key.isValid() && key.isWritable()) {
              socket.flush();
            }
            if (key.isValid() && key.isReadable()) {
              socket.read();
            }
          } catch (IOException | RuntimeException e) {
            socket.broken(e);
          }
        }
        selector.selectedKeys().clear();
      } catch (IOException e) {
        throw new IllegalStateException("The selector failed", e);
      }
    }
  }

  @Override
  public void close() throws IOException {
    running = false;
    selector.wakeup();
    try {
      loop.join(1_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    for (SelectionKey key : selector.keys()) {
      key.channel().close();
    }
    selector.close();
  }

  /** One WebSocket of the fleet. */
  final class Socket {
    private final Listener listener;
    private final CompletableFuture<Socket> upgraded = new CompletableFuture<>();
    /** Frames waiting to be written, behind a partial write; guarded by this socket. */
    private final ArrayDeque<ByteBuffer> waiting = new ArrayDeque<>();
    private SocketChannel channel;
    private SelectionKey key;
    private ByteBuffer in = ByteBuffer.allocate(8 * 1024);
    private ByteArrayOutputStream fragments;
    private byte fragmentsOpcode;
    private byte[] handshake;
    private volatile boolean open;

    private Socket(Listener listener) {
      this.listener = listener;
    }

    boolean isOpen() {
      return open;
    }

    /**
     * Sends {@code text} as one text frame, or as one binary frame holding its UTF-8 bytes. Answers false, sending
     * nothing, when an earlier frame is still waiting to be written (the node is not reading) or the socket is closed.
     */
    boolean send(String text, boolean binary) {
      return sendFrame(binary ? BINARY : TEXT, text.getBytes(StandardCharsets.UTF_8), true);
    }

    /** Starts the closing handshake with {@code code}. */
    void close(int code) {
      sendFrame(CLOSE, new byte[] {(byte) (code >> 8), (byte) code}, false);
    }

    private synchronized boolean sendFrame(byte opcode, byte[] payload, boolean skipWhenBehind) {
      if (!open || (skipWhenBehind && !waiting.isEmpty())) {
        return false;
      }
      ByteBuffer frame = masked(opcode, payload);
      try {
        if (waiting.isEmpty()) {
          channel.write(frame);
        }
        if (frame.hasRemaining()) {
          waiting.add(frame);
          key.interestOps(SelectionKey.OP_READ | SelectionKey.OP_WRITE);
          selector.wakeup();
        }
      } catch (IOException e) {
        inLoop(() -> broken(e));
        return false;
      }
      return true;
    }

    private void connect(String path, String token) {
      try {
        channel = SocketChannel.open();
        channel.configureBlocking(false);
        byte[] nonce = new byte[16];
        ThreadLocalRandom.current().nextBytes(nonce);
        handshake = ("GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            + "Sec-WebSocket-Key: " + Base64.getEncoder().encodeToString(nonce) + "\r\nSec-WebSocket-Version: 13\r\n"
            + "Authorization: Bearer " + token + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        key = channel.register(selector, SelectionKey.OP_CONNECT, this);
        if (channel.connect(address)) {
          connected();
        }
      } catch (IOException e) {
        broken(e);
      }
    }

    private void connected() throws IOException {
      channel.finishConnect();
      ByteBuffer request = ByteBuffer.wrap(handshake);
      while (request.hasRemaining()) {
        channel.write(request);
      }
      key.interestOps(SelectionKey.OP_READ);
    }

    private synchronized void flush() throws IOException {
      while (!waiting.isEmpty()) {
        ByteBuffer frame = waiting.peek();
        channel.write(frame);
        if (frame.hasRemaining()) {
          return;
        }
        waiting.poll();
      }
      key.interestOps(SelectionKey.OP_READ);
    }

    private void read() throws IOException {
      if (!in.hasRemaining()) {
        in = ByteBuffer.allocate(in.capacity() * 2).put(in.flip());
      }
      if (channel.read(in) < 0) {
        ended(ABNORMAL_CLOSURE);
        return;
      }
      in.flip();
      boolean progress = true;
      while (progress && key.isValid()) {
        progress = open ? readFrame() : readUpgrade();
      }
      in.compact();
    }

    /** Reads the node's answer to the upgrade request, once it has come whole. */
    private boolean readUpgrade() throws IOException {
      int end = indexOf(in, "\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      if (end < 0) {
        return false;
      }
      byte[] head = new byte[end + 4];
      in.get(head);
      String response = new String(head, StandardCharsets.US_ASCII);
      if (!response.startsWith("HTTP/1.1 101")) {
        upgraded.completeExceptionally(new IllegalStateException("Upgrade refused: " + response.lines().findFirst()
            .orElse(response)));
        key.cancel();
        channel.close();
        return false;
      }
      open = true;
      upgraded.complete(this);
      return true;
    }

    /** Reads one frame if the buffer holds it whole. */
    private boolean readFrame() throws IOException {
      int start = in.position();
      long size = WsFrame.sizeAt(in, start);
      if (size > in.capacity()) {
        in = ByteBuffer.allocate((int) size).put(in).flip();
        return false;
      }
      WsFrame frame = WsFrame.at(in, start);
      if (frame == null) {
        return false;
      }
      in.position(start + frame.size());
      frame(frame.opcode(), frame.fin(), frame.payload());
      return true;
    }

    private void frame(byte opcode, boolean fin, byte[] payload) throws IOException {
      switch (opcode) {
        case PING -> sendFrame(PONG, payload, false);
        case PONG -> { }
        case CLOSE -> {
          sendFrame(CLOSE, payload.length >= 2 ? new byte[] {payload[0], payload[1]} : new byte[0], false);
          ended(payload.length >= 2 ? ((payload[0] & 0xFF) << 8) | (payload[1] & 0xFF) : 1005);
        }
        default -> message(opcode, fin, payload);
      }
    }

    private void message(byte opcode, boolean fin, byte[] payload) {
      if (opcode != 0 && fin) {
        listener.onMessage(this, payload);
        return;
      }
      if (opcode != 0) {
        fragments = new ByteArrayOutputStream();
        fragmentsOpcode = opcode;
      }
      fragments.writeBytes(payload);
      if (fin) {
        byte[] whole = fragments.toByteArray();
        fragments = null;
        if (fragmentsOpcode == TEXT || fragmentsOpcode == BINARY) {
          listener.onMessage(this, whole);
        }
      }
    }

    private void broken(Exception e) {
      if (!upgraded.isDone()) {
        upgraded.completeExceptionally(e);
      }
      try {
        ended(ABNORMAL_CLOSURE);
      } catch (IOException ignored) {
        // the channel is gone either way
      }
    }

    private void ended(int code) throws IOException {
      boolean wasOpen = open;
      open = false;
      if (key != null) {
        key.cancel();
      }
      if (channel != null) {
        channel.close();
      }
      if (wasOpen) {
        listener.onClosed(this, code);
      }
    }
  }

  /** A client frame: every client frame is masked (RFC 6455 5.3). */
  private static ByteBuffer masked(byte opcode, byte[] payload) {
    int length = payload.length;
    int header = length < 126 ? 2 : length <= 0xFFFF ? 4 : 10;
    ByteBuffer frame = ByteBuffer.allocate(header + 4 + length);
    frame.put((byte) (0x80 | opcode));
    if (length < 126) {
      frame.put((byte) (0x80 | length));
    } else if (length <= 0xFFFF) {
      frame.put((byte) (0x80 | 126)).putShort((short) length);
    } else {
      frame.put((byte) (0x80 | 127)).putLong(length);
    }
    int mask = ThreadLocalRandom.current().nextInt();
    frame.putInt(mask);
    for (int i = 0; i < length; i++) {
      frame.put((byte) (payload[i] ^ (mask >>> (24 - 8 * (i & 3)))));
    }
    return frame.flip();
  }

  private static int indexOf(ByteBuffer buffer, byte[] target) {
    for (int i = buffer.position(); i <= buffer.limit() - target.length; i++) {
      boolean found = true;
      for (int j = 0; j < target.length && found; j++) {
        found = buffer.get(i + j) == target[j];
      }
      if (found) {
        return i - buffer.position();
      }
    }
    return -1;
  }
}
