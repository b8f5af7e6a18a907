package org.dispatchengine.benchmark;

import com.fasterxml.jackson.databind.JsonNode;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Drives a running node the way a fleet does: many couriers, each with its own WebSocket, each sending a position
 * at a fixed rate. Sets up its own tenant and couriers through the API, then sends for the given time and reads the
 * node's own counters and latency percentiles from {@code /metrics}, so the numbers are the server's.
 *
 * <pre>
 * java -cp benchmark/target/benchmarks.jar org.dispatchengine.benchmark.LocationLoad \
 *   --url http://127.0.0.1:8080 --admin-token $DISPATCH_ADMIN_TOKEN --couriers 10000 --rate 2 --warmup 30 --seconds 60
 * </pre>
 *
 * Traffic goes only to the given URL, which must be a node you run (loopback by default).
 */
public final class LocationLoad {

  private final String url;
  private final String adminToken;
  private final int couriers;
  private final double rate;
  private final int seconds;
  private final int warmupSeconds;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
  private final LoadClient client;
  private final AtomicLong sent = new AtomicLong();
  private final AtomicLong skippedBusy = new AtomicLong();
  private final AtomicLong closed = new AtomicLong();

  private LocationLoad(Map<String, String> args) {
    this.url = args.getOrDefault("url", "http://127.0.0.1:8080");
    this.adminToken = LoadClient.require(args, "admin-token");
    this.couriers = Integer.parseInt(args.getOrDefault("couriers", "1000"));
    this.rate = Double.parseDouble(args.getOrDefault("rate", "2"));
    this.seconds = Integer.parseInt(args.getOrDefault("seconds", "30"));
    this.warmupSeconds = Integer.parseInt(args.getOrDefault("warmup", "30"));
    this.client = new LoadClient(url, http);
  }

  public static void main(String[] argv) throws Exception {
    new LocationLoad(LoadClient.args(argv)).run();
    System.exit(0);
  }

  private void run() throws Exception {
    String tenant = "load" + Long.toString(System.currentTimeMillis(), 36);
    JsonNode created = client.call("POST", "/v1/tenants", adminToken, "{\"id\":\"" + tenant + "\",\"name\":\"Load test\"}");
    String key = created.get("apiKey").asText();
    long start = System.nanoTime();
    List<String> tokens = LoadClient.inParallel(couriers, 64, i -> setUpCourier(key, "c" + i));
    LoadClient.log("%d couriers defined, online and holding tokens in %.1f s", couriers, LoadClient.secondsSince(start));

    start = System.nanoTime();
    List<Connection> connections = LoadClient.inParallel(couriers, 256, i -> connect(tokens.get(i), i));
    LoadClient.log("%d sockets open in %.1f s", connections.size(), LoadClient.secondsSince(start));

    // the first report of every courier is sampled into its track at once, and the JIT is cold: not the steady state
    send(connections, warmupSeconds);
    LoadClient.log("warmed up for %d s", warmupSeconds);
    Map<String, Double> before = client.metrics();
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
    connections.forEach(c -> c.socket.sendClose(WebSocket.NORMAL_CLOSURE, "done"));
  }

  private String setUpCourier(String key, String courierId) throws Exception {
    client.call("PUT", "/v1/couriers/" + courierId, key, "{\"name\":\"" + courierId + "\",\"vehicle\":\"bike\",\"capacity\":2}");
    client.call("POST", "/v1/couriers/" + courierId + "/shift", key, "{\"online\":true}");
    return client.call("POST", "/v1/tokens", key, "{\"subject\":\"" + courierId + "\",\"role\":\"courier\",\"ttlSeconds\":86400}")
        .get("token").asText();
  }

  /** One courier's socket and where it is. */
  private final class Connection implements WebSocket.Listener {
    WebSocket socket;
    volatile CompletableFuture<WebSocket> pending = CompletableFuture.completedFuture(null);
    double lat;
    double lon;

    Connection(int index) {
      lat = 52.3 + (index % 100) * 0.004;
      lon = 13.1 + (index / 100 % 100) * 0.006;
    }

    void report() {
      if (!pending.isDone()) {
        skippedBusy.incrementAndGet();
        return;
      }
      lat += 0.00004;
      pending = socket.sendText("{\"type\":\"location\",\"lat\":" + lat + ",\"lon\":" + lon + ",\"accuracy\":5,"
          + "\"speed\":4.5,\"at\":\"" + Instant.now() + "\"}", true);
      sent.incrementAndGet();
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
      webSocket.request(1);
      return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
      closed.incrementAndGet();
      return null;
    }
  }

  private Connection connect(String token, int index) {
    Connection connection = new Connection(index);
    connection.socket = http.newWebSocketBuilder()
        .header("Authorization", "Bearer " + token)
        .buildAsync(URI.create(url.replaceFirst("^http", "ws") + "/v1/ws/courier"), connection)
        .join();
    return connection;
  }

  /** Sends {@code rate} reports a second per connection, spread evenly, on a few threads, for the set time. */
  private void send(List<Connection> connections, int seconds) throws InterruptedException {
    int threads = Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors()));
    long periodNanos = (long) (1_000_000_000L / rate);
    long end = System.nanoTime() + seconds * 1_000_000_000L;
    List<Thread> senders = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      List<Connection> mine = new ArrayList<>();
      for (int i = t; i < connections.size(); i += threads) {
        mine.add(connections.get(i));
      }
      Thread sender = new Thread(() -> {
        long round = System.nanoTime();
        while (round < end) {
          for (int i = 0; i < mine.size(); i++) {
            // spread this thread's sends evenly over the period
            long due = round + periodNanos * i / mine.size();
            long wait = due - System.nanoTime();
            if (wait > 50_000) {
              java.util.concurrent.locks.LockSupport.parkNanos(wait);
            }
            mine.get(i).report();
          }
          round += periodNanos;
        }
      }, "sender-" + t);
      sender.start();
      senders.add(sender);
    }
    for (Thread sender : senders) {
      sender.join();
    }
  }
}
