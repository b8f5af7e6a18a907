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
 * A WebSocket client that reads frames only when asked, on a socket with a small receive buffer: a client whose
 * reading falls behind, as a phone on a bad network does. The JDK's client reads ahead into buffers of its own, so
 * it cannot play this part. Speaks just enough of RFC 6455 for a server that sends unfragmented text frames, and sends text frames.
 */
public final class SlowWsReader implements AutoCloseable {
  /** A frame read: text, or the server's close with its status code. */
  public record Frame(String text, Integer closeCode) {
    public boolean isClose() {
      return closeCode != null;
    }
  }

  private static final int RECEIVE_BUFFER = 4096;

  private static final SecureRandom RANDOM = new SecureRandom();

  private final Socket socket;
  private final DataInputStream in;
  private final OutputStream out;

  private SlowWsReader(Socket socket, DataInputStream in, OutputStream out) {
    this.socket = socket;
    this.in = in;
    this.out = out;
  }

  /** Upgrades {@code path} on {@code port} with {@code token}; fails unless the server answers 101. */
  public static SlowWsReader connect(int port, String path, String token) throws IOException {
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
    return new SlowWsReader(socket, in, out);
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
    byte[] payload = text.getBytes(StandardCharsets.UTF_8);
    if (payload.length > 65_535) {
      throw new IllegalArgumentException("Frames up to 64 KiB only");
    }
    ByteArrayOutputStream frame = new ByteArrayOutputStream();
    frame.write(0x81);
    if (payload.length < 126) {
      frame.write(0x80 | payload.length);
    } else {
      frame.write(0x80 | 126);
      frame.write(payload.length >> 8);
      frame.write(payload.length & 0xff);
    }
    byte[] mask = new byte[4];
    RANDOM.nextBytes(mask);
    frame.write(mask);
    for (int i = 0; i < payload.length; i++) {
      frame.write(payload[i] ^ mask[i % 4]);
    }
    out.write(frame.toByteArray());
    out.flush();
  }

  /**
   * The next text or close frame (pings are skipped), or empty when none comes within {@code millis}. A connection
   * that ends without a close frame reads as a close with 1006, as browsers report it.
   */
  public Optional<Frame> next(int millis) throws IOException {
    try {
      while (true) {
        socket.setSoTimeout(millis);
        int first = in.readUnsignedByte();
        // the rest of a started frame is on its way: a timeout within it would lose the frame's boundary
        socket.setSoTimeout(10_000);
        int opcode = first & 0x0f;
        long length = in.readUnsignedByte() & 0x7f;
        if (length == 126) {
          length = in.readUnsignedShort();
        } else if (length == 127) {
          length = in.readLong();
        }
        byte[] payload = new byte[Math.toIntExact(length)];
        in.readFully(payload);
        switch (opcode) {
          case 0x1:
            return Optional.of(new Frame(new String(payload, StandardCharsets.UTF_8), null));
          case 0x8:
            int code = payload.length >= 2 ? ((payload[0] & 0xff) << 8) | (payload[1] & 0xff) : 1005;
            return Optional.of(new Frame(null, code));
          default:
            // pings and pongs: the server's keep-alive, nothing for the test
        }
      }
    } catch (SocketTimeoutException e) {
      return Optional.empty();
    } catch (EOFException | SocketException e) {
      return Optional.of(new Frame(null, 1006));
    }
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
