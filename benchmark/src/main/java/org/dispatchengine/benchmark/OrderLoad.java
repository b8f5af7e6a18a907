package org.dispatchengine.benchmark;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Drives orders through their lifecycle over the API (create, accept, ready, pick up, deliver: five events each) with
 * a fixed number of concurrent clients, as fast as they can or starting {@code --rate} orders a second, then waits
 * until every read-model projection has caught up. Reports the rate at which the node wrote order events, how long
 * each write request took, the rate at which the projections put the events into {@code order_view} and its
 * history and statistics, and the node's own persist-to-row latency percentiles from {@code /metrics}. Then it
 * rebuilds the order read model, which shows what the projections take when not held back by the writers. Run it
 * against a fresh database: the rebuild rate counts this run's events only.
 *
 * <pre>
 * java -cp benchmark/target/benchmarks.jar org.dispatchengine.benchmark.OrderLoad \
 *   --url http://127.0.0.1:8080 --admin-token $DISPATCH_ADMIN_TOKEN --orders 5000 --concurrency 32 [--rate 40]
 * </pre>
 */
public final class OrderLoad {
  private final int orders;
  private final int concurrency;
  private final double rate;
  private final LoadClient client;
  private final Queue<Long> writeNanos = new ConcurrentLinkedQueue<>();

  private OrderLoad(Options options) {
    this.orders = options.integer("orders", 2000);
    this.concurrency = options.integer("concurrency", 32);
    this.rate = options.decimal("rate", 0);
    this.client = new LoadClient(options);
  }

  public static void main(String[] argv) throws Exception {
    new OrderLoad(Options.parse(argv)).run();
    System.exit(0);
  }

  private void run() throws Exception {
    String key = client.newTenant("orders", "Order load");
    client.setUpCity(key);
    awaitCaughtUp();

    long start = System.nanoTime();
    LoadClient.inParallel(orders, concurrency, rate, i -> {
      String id = timedWrite("/v1/orders", key, LoadClient.order("c" + i)).get("id").asText();
      for (String step : new String[] {"accept", "ready", "pickup", "deliver"}) {
        timedWrite("/v1/orders/" + id + "/" + step, key, null);
      }
      return id;
    });
    double written = LoadClient.secondsSince(start);
    awaitCaughtUp();
    double projected = LoadClient.secondsSince(start);
    Map<String, Double> metrics = client.metrics();
    String latency = "dispatch_projection_latency_seconds{projection=\"orders-read-model\",quantile=\"%s\"}";
    long events = orders * 5L;
    long[] writes = writeNanos.stream().mapToLong(Long::longValue).sorted().toArray();
    LoadClient.log("orders %d (%d events) over %d concurrent clients, %s", orders, events, concurrency,
        rate > 0 ? "starting " + rate + " orders/s" : "as fast as they can");
    LoadClient.log("written in %.1f s: %.0f events/s into the journal", written, events / written);
    LoadClient.log("write request (client): p50 %.0f ms, p99 %.0f ms", LoadClient.quantile(writes, 0.5) / 1e6,
        LoadClient.quantile(writes, 0.99) / 1e6);
    LoadClient.log("projected by %.1f s: %.0f events/s into order_view, history and stats", projected,
        events / projected);
    LoadClient.log("persist -> row (node, last ~30 s): p50 %.0f ms, p99 %.0f ms, p99.9 %.0f ms",
        metrics.getOrDefault(String.format(latency, "0.5"), Double.NaN) * 1000,
        metrics.getOrDefault(String.format(latency, "0.99"), Double.NaN) * 1000,
        metrics.getOrDefault(String.format(latency, "0.999"), Double.NaN) * 1000);

    // the write path above bounds what the projections are offered; a rebuild shows what they can take
    long rebuild = System.nanoTime();
    client.asAdmin("POST", "/v1/operations/read-models/orders/rebuild");
    awaitCaughtUp();
    double replayed = LoadClient.secondsSince(rebuild);
    LoadClient.log("rebuild: the journal's %d order events replayed in %.1f s: %.0f events/s (fresh database)",
        events, replayed, events / replayed);
  }

  private JsonNode timedWrite(String path, String key, String body) throws Exception {
    long start = System.nanoTime();
    JsonNode answer = client.call("POST", path, key, body);
    writeNanos.add(System.nanoTime() - start);
    return answer;
  }

  private void awaitCaughtUp() throws Exception {
    while (true) {
      JsonNode lag = client.asAdmin("GET", "/v1/operations/read-models");
      boolean caughtUp = true;
      for (JsonNode instance : lag.get("items")) {
        caughtUp &= instance.get("eventsBehind").asLong() == 0;
      }
      if (caughtUp) {
        return;
      }
      Thread.sleep(100);
    }
  }
}
