package org.dispatchengine.benchmark;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.Map;

/**
 * The push measured on the wire, where neither the node's metric nor the load tool's clock reaches: reads a capture
 * of the node's port taken during a {@code LocationLoad --watchers} run, matches each courier's location frame (client
 * to node) with the watcher's position frame (node to client) that carries the same {@code at}, and prints the
 * generator's delay (frame stamped -> on the wire) and the node's (frame on the wire in -> frame on the wire out), the
 * latter with the node's socket layer in it.
 *
 * <p>The capture is classic pcap over Ethernet (as {@code tcpdump -i lo} writes it), IPv4, one WebSocket frame or more
 * starting each TCP segment, as small frames are written; a frame split across segments is skipped.
 *
 * <pre>
 * tcpdump -i lo -nn -s 600 -B 262144 -w push.pcap "tcp port 18090 and (tcp[tcpflags] &amp; tcp-push != 0)"
 * java -cp benchmark/target/benchmarks.jar org.dispatchengine.benchmark.WireLatency --pcap push.pcap --port 18090
 * </pre>
 */
public final class WireLatency {
  private static final int ETHERNET = 1;
  private static final byte[] AT = "\"at\":\"".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] LOCATION = "\"type\":\"location\"".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] POSITION = "\"type\":\"courier.location\"".getBytes(StandardCharsets.US_ASCII);

  private final int port;
  /** When each report's frame was seen going to the node, by its {@code at}. */
  private final Map<Instant, Long> reportsSeen = new HashMap<>();
  private final LatencyHistogram generator = new LatencyHistogram();
  private final LatencyHistogram node = new LatencyHistogram();

  private WireLatency(int port) {
    this.port = port;
  }

  public static void main(String[] argv) throws Exception {
    Options options = Options.parse(argv);
    WireLatency wire = new WireLatency(options.integer("port", 18090));
    wire.read(ByteBuffer.wrap(Files.readAllBytes(Path.of(options.required("pcap")))));
    System.out.printf("generator: frame stamped -> on the wire (%d frames): %s%n", wire.generator.count(),
        quantiles(wire.generator));
    System.out.printf("node: frame in -> position frame out, on the wire (%d of %d reports matched): %s%n",
        wire.node.count(), wire.reportsSeen.size(), quantiles(wire.node));
  }

  private static String quantiles(LatencyHistogram histogram) {
    return String.format("p50 %.1f ms, p99 %.1f ms, p99.9 %.1f ms (to 0.1 ms)", histogram.quantileMillis(0.5),
        histogram.quantileMillis(0.99), histogram.quantileMillis(0.999));
  }

  private void read(ByteBuffer capture) {
    int magic = capture.order(ByteOrder.LITTLE_ENDIAN).getInt(0);
    if (magic != 0xa1b2c3d4 && magic != 0xa1b23c4d) {
      throw new IllegalArgumentException("not a little-endian classic pcap file (magic " + Integer.toHexString(magic)
          + ")");
    }
    long fractionNanos = magic == 0xa1b23c4d ? 1 : 1000;
    if (capture.getInt(20) != ETHERNET) {
      throw new IllegalArgumentException("link type " + capture.getInt(20) + ": only Ethernet captures are read");
    }
    int at = 24;
    while (at + 16 <= capture.limit()) {
      long nanos = (capture.getInt(at) & 0xffffffffL) * 1_000_000_000L + (capture.getInt(at + 4) & 0xffffffffL)
          * fractionNanos;
      int length = capture.getInt(at + 8);
      packet(capture.slice(at + 16, Math.min(length, capture.limit() - at - 16)).order(ByteOrder.BIG_ENDIAN), nanos);
      at += 16 + length;
    }
  }

  private void packet(ByteBuffer packet, long nanos) {
    int ip = 14;
    if (packet.limit() < ip + 20 || (packet.get(ip) >> 4) != 4 || packet.get(ip + 9) != 6) {
      return; // not IPv4 carrying TCP
    }
    int tcp = ip + (packet.get(ip) & 0x0f) * 4;
    int sourcePort = packet.getShort(tcp) & 0xffff;
    int destinationPort = packet.getShort(tcp + 2) & 0xffff;
    int payload = tcp + ((packet.get(tcp + 12) >> 4) & 0x0f) * 4;
    boolean toNode = destinationPort == port;
    if (!toNode && sourcePort != port) {
      return;
    }
    int frame = payload;
    while (frame + 2 <= packet.limit()) {
      int length = packet.get(frame + 1) & 0x7f;
      boolean masked = (packet.get(frame + 1) & 0x80) != 0;
      int header = 2;
      if (length == 126) {
        if (frame + 4 > packet.limit()) {
          return;
        }
        length = packet.getShort(frame + 2) & 0xffff;
        header = 4;
      } else if (length == 127) {
        return; // no frame of these runs is that long
      }
      int data = frame + header + (masked ? 4 : 0);
      if (data + length > packet.limit()) {
        return;
      }
      byte[] bytes = new byte[length];
      packet.get(data, bytes);
      if (masked) {
        for (int i = 0; i < length; i++) {
          bytes[i] ^= packet.get(frame + header + (i & 3));
        }
      }
      frame(bytes, toNode, nanos);
      frame = data + length;
    }
  }

  private void frame(byte[] text, boolean toNode, long nanos) {
    Instant at = at(text);
    if (at == null) {
      return;
    }
    if (toNode && contains(text, LOCATION) && !reportsSeen.containsKey(at)) {
      reportsSeen.put(at, nanos);
      long stamped = at.getEpochSecond() * 1_000_000_000L + at.getNano();
      generator.recordMicros((nanos - stamped) / 1000);
    } else if (!toNode && contains(text, POSITION)) {
      Long in = reportsSeen.get(at);
      if (in != null) {
        node.recordMicros((nanos - in) / 1000);
      }
    }
  }

  private static Instant at(byte[] text) {
    int start = indexOf(text, AT);
    if (start < 0) {
      return null;
    }
    start += AT.length;
    int end = start;
    while (end < text.length && text[end] != '"') {
      end++;
    }
    try {
      return Instant.parse(new String(text, start, end - start, StandardCharsets.US_ASCII));
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  private static boolean contains(byte[] text, byte[] part) {
    return indexOf(text, part) >= 0;
  }

  private static int indexOf(byte[] text, byte[] part) {
    outer:
    for (int i = 0; i + part.length <= text.length; i++) {
      for (int j = 0; j < part.length; j++) {
        if (text[i + j] != part[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }
}
