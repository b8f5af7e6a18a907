package org.dispatchengine.http.testing;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;

/**
 * A WebSocket client on a plain socket with a small receive buffer. It reads frames only when asked: a client whose
 * reading falls behind, as a phone on a bad network does (the JDK's client reads ahead into buffers of its own, so it
 * cannot play this part). And it sends any frame, fragmented, unmasked or malformed, for tests of the protocol itself.
 * Reads the unfragmented frames a server sends.
 */
public final class RawWsClient implements AutoCloseable {
  public static final int CONTINUATION = 0x0;
  public static final int TEXT = 0x1;
  public static final int BINARY = 0x2;
  public static final int CLOSE = 0x8;
  public static final int PING = 0x9;
  public static final int PONG = 0xA;

  /** A frame read; a connection that ended without a close frame reads as a close with 1006, as browsers say. */
  public record Frame(int opcode, byte[] payload) {
    public boolean isClose() {
      return opcode == CLOSE;
    }

    public String text() {
      return new String(payload, StandardCharsets.UTF_8);
    }

    /** The status code of a close frame (1005 when it has none), else null. */
    public Integer closeCode() {
      if (!isClose()) {
        return null;
      }
      return payload.length >= 2 ? ((payload[0] & 0xff) << 8) | (payload[1] & 0xff) : 1005;
    }
  }

  private static final int RECEIVE_BUFFER = 4096;

  private static final SecureRandom RANDOM = new SecureRandom();

  private final Socket socket;
  private final DataInputStream in;
  private final OutputStream out;

  private RawWsClient(Socket socket, DataInputStream in, OutputStream out) {
    this.socket = socket;
    this.in = in;
    this.out = out;
  }

  /** Upgrades {@code path} on {@code port} with {@code token}; fails unless the server answers 101. */
  public static RawWsClient connect(int port, String path, String token) throws IOException {
    Socket socket = new Socket();
    socket.setReceiveBufferSize(RECEIVE_BUFFER);
    socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
    socket.setSoTimeout(10_000);
    byte[] nonce = new byte[16];
    RANDOM.nextBytes(nonce);
    String request = "GET " + path + " HTTP/1.1\r\n"
        + "Host: 127.0.0.1:" + port + "\r\n"
        + "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n"
        + "Sec-WebSocket-Key: " + Base64.getEncoder().encodeToString(nonce) + "\r\n"
        + "Authorization: Bearer " + token + "\r\n\r\n";
    OutputStream out = socket.getOutputStream();
    out.write(request.getBytes(StandardCharsets.US_ASCII));
    out.flush();
    DataInputStream in = new DataInputStream(socket.getInputStream());
    String status = headers(in).lines().findFirst().orElse("");
    if (!status.startsWith("HTTP/1.1 101")) {
      socket.close();
      throw new IOException("Upgrade refused: " + status);
    }
    return new RawWsClient(socket, in, out);
  }

  private static String headers(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    int matched = 0;
    while (matched < 4) {
      int b = in.read();
      if (b < 0) {
        throw new IOException("Connection closed during the upgrade");
      }
      head.write(b);
      matched = (b == (matched % 2 == 0 ? '\r' : '\n')) ? matched + 1 : (b == '\r' ? 1 : 0);
    }
    return head.toString(StandardCharsets.US_ASCII);
  }

  /** Sends a text frame (masked, as a client must); fails once the server has closed the connection. */
  public void send(String text) throws IOException {
    sendFrame(TEXT, true, text.getBytes(StandardCharsets.UTF_8), true);
  }

  /** Sends one frame as given: {@code fin} false leaves its message open for continuation frames. */
  public void sendFrame(int opcode, boolean fin, byte[] payload, boolean masked) throws IOException {
    if (payload.length > 65_535) {
      throw new IllegalArgumentException("Frames up to 64 KiB only");
    }
    ByteArrayOutputStream frame = new ByteArrayOutputStream();
    frame.write((fin ? 0x80 : 0) | opcode);
    int maskBit = masked ? 0x80 : 0;
    if (payload.length < 126) {
      frame.write(maskBit | payload.length);
    } else {
      frame.write(maskBit | 126);
      frame.write(payload.length >> 8);
      frame.write(payload.length & 0xff);
    }
    byte[] mask = new byte[4];
    if (masked) {
      RANDOM.nextBytes(mask);
      frame.write(mask);
    }
    for (int i = 0; i < payload.length; i++) {
      frame.write(payload[i] ^ mask[i % 4]);
    }
    out.write(frame.toByteArray());
    out.flush();
  }

  /** The next text or close frame (the server's pings are skipped), or empty when none comes within {@code millis}. */
  public Optional<Frame> next(int millis) throws IOException {
    Optional<Frame> frame = nextFrame(millis);
    while (frame.isPresent() && (frame.get().opcode() == PING || frame.get().opcode() == PONG)) {
      frame = nextFrame(millis);
    }
    return frame;
  }

  /** The next frame of any kind, or empty when none comes within {@code millis}. */
  public Optional<Frame> nextFrame(int millis) throws IOException {
    try {
      socket.setSoTimeout(millis);
      int first = in.readUnsignedByte();
      // the rest of a started frame is on its way: a timeout within it would lose the frame's boundary
      socket.setSoTimeout(10_000);
      long length = in.readUnsignedByte() & 0x7f;
      if (length == 126) {
        length = in.readUnsignedShort();
      } else if (length == 127) {
        length = in.readLong();
      }
      byte[] payload = new byte[Math.toIntExact(length)];
      in.readFully(payload);
      return Optional.of(new Frame(first & 0x0f, payload));
    } catch (SocketTimeoutException e) {
      return Optional.empty();
    } catch (EOFException | SocketException e) {
      return Optional.of(new Frame(CLOSE, new byte[] {(byte) (1006 >> 8), (byte) (1006 & 0xff)}));
    }
  }

  /** Whether the server has closed the TCP connection: a read finds its end within {@code millis}. */
  public boolean isDisconnected(int millis) throws IOException {
    try {
      socket.setSoTimeout(millis);
      return in.read() < 0;
    } catch (SocketTimeoutException e) {
      return false;
    } catch (SocketException e) {
      return true;
    }
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
