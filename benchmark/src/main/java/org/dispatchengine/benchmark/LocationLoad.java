package org.dispatchengine.benchmark;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Drives a running node the way a fleet does: many couriers, each with its own WebSocket, each sending a position
 * at a fixed rate. Sets up its own tenant and couriers through the API, then sends for the given time and reads the
 * node's own counters and latency percentiles from {@code /metrics}, so the numbers are the server's.
 *
 * <p>With {@code --watchers N}, the first N couriers each carry an order, and each order has one watcher on its
 * order stream, as a customer's app would: the tool then also reports the push latency, from a location frame sent
 * to the courier's position frame received by the watcher (the client's view: the frame's {@code at} is the sending
 * time), next to the node's own view ({@code dispatch_order_stream_position_seconds}).
 *
 * <pre>
 * java -cp benchmark/target/benchmarks.jar org.dispatchengine.benchmark.LocationLoad \
 *   --url http://127.0.0.1:8080 --admin-token $DISPATCH_ADMIN_TOKEN --couriers 10000 --rate 2 --warmup 30 --seconds 60 \
 *   [--watchers 10000] [--binary true]
 * </pre>
 *
 * Traffic goes only to the given URL, which must be a node you run (loopback by default).
 */
public final class LocationLoad {

  private final int couriers;
  private final double rate;
  private final int seconds;
  private final int warmupSeconds;
  private final int watchers;
  /** Location frames as UTF-8 binary frames instead of text frames. */
  private final boolean binary;
  private final LatencyHistogram pushLatency = new LatencyHistogram();
  private final LoadClient client;
  private final AtomicLong sent = new AtomicLong();
  private final AtomicLong skippedBusy = new AtomicLong();
  private final AtomicLong closed = new AtomicLong();

  private LocationLoad(Options options) {
    this.couriers = options.integer("couriers", 1000);
    this.rate = options.decimal("rate", 2);
    this.seconds = options.integer("seconds", 30);
    this.warmupSeconds = options.integer("warmup", 30);
    this.watchers = Math.min(couriers, options.integer("watchers", 0));
    this.binary = options.flag("binary", false);
    this.client = new LoadClient(options);
  }

  public static void main(String[] argv) throws Exception {
    new LocationLoad(Options.parse(argv)).run();
    System.exit(0);
  }

  private void run() throws Exception {
    String key = client.newTenant("load", "Load test");
    long start = System.nanoTime();
    List<String> tokens = LoadClient.inParallel(couriers, 64, i -> client.onlineCourier(key, "c" + i));
    LoadClient.log("%d couriers defined, online and holding tokens in %.1f s", couriers, LoadClient.secondsSince(start));

    SocketFleet fleet = new SocketFleet(client.url());
    List<SocketFleet.Socket> watching = List.of();
    if (watchers > 0) {
      start = System.nanoTime();
      client.setUpCity(key);
      List<String> orders = LoadClient.inParallel(watchers, 64, i -> assignedOrder(key, "c" + i));
      watching = LoadClient.openAll(fleet, watchers, i -> "/v1/ws/orders/" + orders.get(i), i -> key,
          i -> (socket, payload) -> watched(payload));
      LoadClient.log("%d orders assigned, each with a watcher, in %.1f s", watchers, LoadClient.secondsSince(start));
    }

    start = System.nanoTime();
    List<Connection> connections = new ArrayList<>();
    for (int i = 0; i < couriers; i++) {
      connections.add(new Connection(i));
    }
    List<SocketFleet.Socket> sockets = LoadClient.openAll(fleet, couriers, i -> "/v1/ws/courier", tokens::get,
        connections::get);
    for (int i = 0; i < couriers; i++) {
      connections.get(i).socket = sockets.get(i);
    }
    LoadClient.log("%d sockets open in %.1f s", connections.size(), LoadClient.secondsSince(start));

    // the first report of every courier is sampled into its track at once, and the JIT is cold: not the steady state
    send(connections, warmupSeconds);
    LoadClient.log("warmed up for %d s", warmupSeconds);
    Map<String, Double> before = client.metrics();
    pushLatency.reset();
    long sentBefore = sent.get();
    long sendStart = System.nanoTime();
    send(connections, seconds);
    double elapsed = LoadClient.secondsSince(sendStart);
    // let the last reports through the node before reading its counters
    Thread.sleep(1000);
    Map<String, Double> after = client.metrics();

    double accepted = after.getOrDefault("dispatch_courier_socket_reports_total", 0.0)
        - before.getOrDefault("dispatch_courier_socket_reports_total", 0.0);
    String rateKey = "dispatch_courier_socket_dropped_total{reason=\"rate\"}";
    String overloadKey = "dispatch_courier_socket_dropped_total{reason=\"overload\"}";
    double rateLimited = after.getOrDefault(rateKey, 0.0) - before.getOrDefault(rateKey, 0.0);
    double overloaded = after.getOrDefault(overloadKey, 0.0) - before.getOrDefault(overloadKey, 0.0);
    LoadClient.log("");
    LoadClient.log("couriers %d, target %.1f reports/s each, %d s", couriers, rate, seconds);
    LoadClient.log("sent %d frames in %.1f s: %.0f frames/s (skipped while a send was pending: %d; sockets closed: %d)",
            sent.get() - sentBefore, elapsed, (sent.get() - sentBefore) / elapsed, skippedBusy.get(), closed.get());
    LoadClient.log("node took %.0f reports: %.0f reports/s sustained; dropped %.0f over the rate limit, %.0f while behind",
        accepted, accepted / elapsed, rateLimited, overloaded);
    LoadClient.log("frame received -> published, as the node measured it (last ~30 s): p50 %.2f ms, p99 %.2f ms, p99.9 %.2f ms",
        after.getOrDefault("dispatch_courier_report_publish_seconds{quantile=\"0.5\"}", Double.NaN) * 1000,
        after.getOrDefault("dispatch_courier_report_publish_seconds{quantile=\"0.99\"}", Double.NaN) * 1000,
        after.getOrDefault("dispatch_courier_report_publish_seconds{quantile=\"0.999\"}", Double.NaN) * 1000);
    if (watchers > 0) {
      LoadClient.log("location frame sent -> position frame received by the order's watcher (client, %d frames): "
              + "p50 %.1f ms, p99 %.1f ms, p99.9 %.1f ms", pushLatency.count(), pushLatency.quantileMillis(0.5),
          pushLatency.quantileMillis(0.99), pushLatency.quantileMillis(0.999));
      LoadClient.log("report received -> position frame out, as the node measured it (last ~30 s): "
              + "p50 %.2f ms, p99 %.2f ms, p99.9 %.2f ms",
          after.getOrDefault("dispatch_order_stream_position_seconds{quantile=\"0.5\"}", Double.NaN) * 1000,
          after.getOrDefault("dispatch_order_stream_position_seconds{quantile=\"0.99\"}", Double.NaN) * 1000,
          after.getOrDefault("dispatch_order_stream_position_seconds{quantile=\"0.999\"}", Double.NaN) * 1000);
    }
    connections.forEach(c -> c.socket.close(1000));
    watching.forEach(w -> w.close(1000));
  }

  /** An order assigned to {@code courierId}. */
  private String assignedOrder(String key, String courierId) throws Exception {
    String id = client.call("POST", "/v1/orders", key, LoadClient.order("customer-of-" + courierId)).get("id").asText();
    client.call("POST", "/v1/orders/" + id + "/assign", key, "{\"courierId\":\"" + courierId + "\"}");
    return id;
  }

  /** Times a position frame from the {@code at} its courier's frame was stamped with when sent. */
  private void watched(byte[] payload) {
    String frame = new String(payload, StandardCharsets.UTF_8);
    Instant sentAt = frame.startsWith("{\"type\":\"courier.location\"") ? LoadClient.stampedAt(frame) : null;
    if (sentAt != null) {
      pushLatency.recordMicros(ChronoUnit.MICROS.between(sentAt, Instant.now()));
    }
  }

  /** One courier's socket and where it is. */
  private final class Connection implements SocketFleet.Listener {
    SocketFleet.Socket socket;
    double lat;
    double lon;

    Connection(int index) {
      double[] position = LoadClient.gridPosition(index);
      lat = position[0];
      lon = position[1];
    }

    void report() {
      lat += LoadClient.STEP_NORTH_DEGREES;
      if (socket.send(LoadClient.movingLocationFrame(lat, lon), binary)) {
        sent.incrementAndGet();
      } else if (socket.isOpen()) {
        skippedBusy.incrementAndGet();
      }
    }

    @Override
    public void onMessage(SocketFleet.Socket socket, byte[] payload) {
      // couriers here are only located: nothing the node sends them needs an answer
    }

    @Override
    public void onClosed(SocketFleet.Socket socket, int code) {
      closed.incrementAndGet();
    }
  }

  /** Sends {@code rate} reports a second per connection, spread evenly, on a few threads, for the set time. */
  private void send(List<Connection> connections, int seconds) throws InterruptedException {
    int threads = Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors()));
    for (Thread sender : LoadClient.everyPeriod(connections, (long) (1_000_000_000L / rate),
        System.nanoTime() + seconds * 1_000_000_000L, threads, Connection::report)) {
      sender.join();
    }
  }
}
