package org.dispatchengine.benchmark;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * The push measured on the wire, where neither the node's metric nor the load tool's clock reaches: reads a capture
 * of the node's port taken during a {@code LocationLoad --watchers} run, matches each courier's location frame (client
 * to node) with the watcher's position frame (node to client) that carries the same {@code at}, and prints the
 * generator's delay (frame stamped -> on the wire) and the node's (frame on the wire in -> frame on the wire out), the
 * latter with the node's socket layer in it. With {@code --per-second true} it also prints the node's delay for each
 * second of the capture (by the second its report reached the node), which tells a steady delay from bursts; with
 * {@code --skip-seconds N} it leaves out the reports of the capture's first N seconds, while starting the capture
 * itself (tcpdump sets up its buffer on the same cores) disturbs the node.
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
  private static final String LOCATION = "\"type\":\"location\"";
  private static final String POSITION = "\"type\":\"courier.location\"";

  private final int port;
  private final long skipNanos;
  /** When each report's frame was seen going to the node, by its {@code at}. */
  private final Map<Instant, Long> reportsSeen = new HashMap<>();
  private final LatencyHistogram generator = new LatencyHistogram();
  private final LatencyHistogram node = new LatencyHistogram();
  private final Map<Long, LatencyHistogram> nodeBySecond = new TreeMap<>();
  private long firstNanos = -1;

  private WireLatency(int port, int skipSeconds) {
    this.port = port;
    this.skipNanos = skipSeconds * 1_000_000_000L;
  }

  public static void main(String[] argv) throws Exception {
    Options options = Options.parse(argv);
    WireLatency wire = new WireLatency(options.integer("port", 18090), options.integer("skip-seconds", 0));
    wire.read(ByteBuffer.wrap(Files.readAllBytes(Path.of(options.required("pcap")))));
    LoadClient.log("generator: frame stamped -> on the wire (%d frames): %s", wire.generator.count(),
        quantiles(wire.generator));
    LoadClient.log("node: frame in -> position frame out, on the wire (%d of %d reports matched): %s",
        wire.node.count(), wire.reportsSeen.size(), quantiles(wire.node));
    if (options.flag("per-second", false)) {
      wire.nodeBySecond.forEach((second, histogram) -> LoadClient.log("  second %d (%d reports): %s", second,
          histogram.count(), quantiles(histogram)));
    }
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
    if (firstNanos < 0) {
      firstNanos = nanos;
    }
    int ip = 14;
    if (packet.limit() < ip + 20 || (packet.get(ip) >> 4) != 4 || packet.get(ip + 9) != 6) {
      return; // not IPv4 carrying TCP
    }
    int tcp = ip + (packet.get(ip) & 0x0f) * 4;
    boolean toNode = (packet.getShort(tcp + 2) & 0xffff) == port;
    if (!toNode && (packet.getShort(tcp) & 0xffff) != port) {
      return;
    }
    int start = tcp + ((packet.get(tcp + 12) >> 4) & 0x0f) * 4;
    for (WsFrame frame; (frame = WsFrame.at(packet, start)) != null; start += frame.size()) {
      frame(new String(frame.payload(), StandardCharsets.UTF_8), toNode, nanos);
    }
  }

  private void frame(String text, boolean toNode, long nanos) {
    if (toNode && text.contains(LOCATION)) {
      Instant at = LoadClient.stampedAt(text);
      if (at != null && reportsSeen.putIfAbsent(at, nanos) == null) {
        generator.recordMicros((nanos - (at.getEpochSecond() * 1_000_000_000L + at.getNano())) / 1000);
      }
    } else if (!toNode && text.contains(POSITION)) {
      Instant at = LoadClient.stampedAt(text);
      Long in = at == null ? null : reportsSeen.get(at);
      if (in != null && in - firstNanos >= skipNanos) {
        long micros = (nanos - in) / 1000;
        node.recordMicros(micros);
        nodeBySecond.computeIfAbsent((in - firstNanos) / 1_000_000_000L, second -> new LatencyHistogram())
            .recordMicros(micros);
      }
    }
  }
}
