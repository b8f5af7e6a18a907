package org.dispatchengine.benchmark;

import com.fasterxml.jackson.databind.JsonNode;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * End-to-end dispatch latency: a tenant in {@code offer} mode dispatching on creation, N couriers on shift with their
 * apps connected and located over the city, 100 stores spread over it, and orders created at a fixed rate. Each order
 * is timed from its create request sent to the {@code offer} frame arriving on a courier's socket (an upper bound of
 * trigger to offer: it includes the create's own request and journal write), and the node's own measure of trigger to
 * offer is read from {@code /metrics} ({@code dispatch_offer_frame_seconds}: from the order asking dispatch for a
 * courier, right after its trigger event is written, to the offer frame handed to the courier's socket). Couriers
 * accept at once, as a busy fleet's apps do. A warm-up of orders created the same way but not timed comes first, so
 * that the JIT, the journal's connections and the order shards are warm when the timed orders start; the node's
 * percentiles are read only once its window no longer holds warm-up orders. Couriers fill the city's grid
 * ({@link LoadClient#gridPosition}) column by column: with fewer than 10,000 the east of the city has none, and orders
 * from stores there find no courier in reach.
 *
 * <pre>
 * java -cp benchmark/target/benchmarks.jar org.dispatchengine.benchmark.DispatchLoad \
 *   --url http://127.0.0.1:8080 --admin-token $DISPATCH_ADMIN_TOKEN --couriers 10000 --orders 2000 --rate 20 \
 *   [--report-every 15] [--warmup-orders 600]
 * </pre>
 */
public final class DispatchLoad {
  private static final int STORES = 100;
  // ids of warm-up orders start with this; they are answered but not timed
  private static final String WARM_UP = "w";

  private final int couriers;
  private final int orders;
  private final int warmupOrders;
  private final double rate;
  private final int reportEverySeconds;
  private final LoadClient client;
  private final Map<String, Long> createSent = new ConcurrentHashMap<>();
  private final LatencyHistogram toOffer = new LatencyHistogram();
  private final AtomicLong offers = new AtomicLong();
  private final AtomicLong repeatedOffers = new AtomicLong();
  private final AtomicLong closed = new AtomicLong();

  private DispatchLoad(Options options) {
    this.couriers = options.integer("couriers", 10000);
    this.orders = options.integer("orders", 2000);
    this.warmupOrders = options.integer("warmup-orders", 600);
    this.rate = options.decimal("rate", 20);
    // apps report now and then, as real ones do; a silent courier socket is closed after a minute
    this.reportEverySeconds = options.integer("report-every", 15);
    this.client = new LoadClient(options);
  }

  public static void main(String[] argv) throws Exception {
    new DispatchLoad(Options.parse(argv)).run();
    System.exit(0);
  }

  private void run() throws Exception {
    String key = client.newTenant("dispatch", "Dispatch load");
    client.setUpCity(key);
    // stores all over the city, so that every order has couriers near its pickup, as a real fleet's would
    LoadClient.inParallel(STORES, 16, i -> client.call("PUT", "/v1/stores/s" + i, key, String.format(Locale.ROOT,
        "{\"name\":\"Store %d\",\"location\":{\"lat\":%.4f,\"lon\":%.4f},\"categories\":[\"pizza\"]}", i,
        52.32 + (i % 10) * 0.038, 13.12 + (i / 10) * 0.056)));
    client.call("PUT", "/v1/settings/dispatch", key,
        "{\"mode\":\"offer\",\"trigger\":\"created\",\"offerTimeoutSeconds\":30}");
    long start = System.nanoTime();
    List<String> tokens = LoadClient.inParallel(couriers, 64, i -> client.onlineCourier(key, "c" + i));
    List<App> apps = new ArrayList<>();
    for (int i = 0; i < couriers; i++) {
      apps.add(new App(i));
    }
    List<SocketFleet.Socket> sockets = LoadClient.openAll(new SocketFleet(client.url()), couriers,
        i -> "/v1/ws/courier", tokens::get, apps::get);
    for (int i = 0; i < couriers; i++) {
      apps.get(i).socket = sockets.get(i);
    }
    apps.forEach(App::report);
    LoadClient.log("%d couriers on shift, connected and located in %.1f s", couriers, LoadClient.secondsSince(start));
    if (reportEverySeconds > 0) {
      LoadClient.everyPeriod(apps, reportEverySeconds * 1_000_000_000L, Long.MAX_VALUE, 1, App::report);
    }
    // the fleet's first reports (each sampled into its courier's track and told to the dispatcher) are a burst of
    // their own: orders start once it has passed
    Thread.sleep(30_000);

    createOrders(key, WARM_UP, warmupOrders);
    LoadClient.log("%d warm-up orders created", warmupOrders);

    start = System.nanoTime();
    // the node's percentiles cover about the last 30 s: read every 10 s once the window holds timed orders only,
    // keep the worst of each
    double[] nodeWorst = new double[3];
    Thread reader = new Thread(() -> {
      try {
        Thread.sleep(20_000);
        while (!Thread.currentThread().isInterrupted()) {
          Thread.sleep(10_000);
          readNodeOfferLatency(nodeWorst);
        }
      } catch (InterruptedException done) {
        // the orders are all offered
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
    reader.setDaemon(true);
    reader.start();
    createOrders(key, "o", orders);
    double created = LoadClient.secondsSince(start);
    long deadline = System.nanoTime() + 30_000_000_000L;
    while (offers.get() < orders && System.nanoTime() < deadline) {
      Thread.sleep(100);
    }
    LoadClient.log("");
    LoadClient.log("couriers %d%s, orders %d created at %.1f/s", couriers,
        reportEverySeconds > 0 ? " (each reporting every " + reportEverySeconds + " s)" : "", orders, orders / created);
    LoadClient.log("orders offered: %d of %d (offers of an order already offered: %d; sockets closed: %d)",
        offers.get(), orders, repeatedOffers.get(), closed.get());
    LoadClient.log("create request sent -> offer frame received: p50 %.1f ms, p99 %.1f ms, p99.9 %.1f ms, max %.1f ms",
        toOffer.quantileMillis(0.5), toOffer.quantileMillis(0.99), toOffer.quantileMillis(0.999),
        toOffer.quantileMillis(1.0));
    reader.interrupt();
    readNodeOfferLatency(nodeWorst);
    LoadClient.log("order asks dispatch -> offer frame out, as the node measured it (worst 30 s window): p50 %.1f ms, "
        + "p99 %.1f ms, p99.9 %.1f ms", nodeWorst[0] * 1000, nodeWorst[1] * 1000, nodeWorst[2] * 1000);
  }

  private void createOrders(String key, String idPrefix, int count) throws Exception {
    LoadClient.inParallel(count, 64, rate, i -> {
      String id = idPrefix + i;
      if (!idPrefix.equals(WARM_UP)) {
        createSent.put(id, System.nanoTime());
      }
      client.call("POST", "/v1/orders", key,
          LoadClient.order("customer" + i, "s" + i % STORES).replaceFirst("\\{", "{\"id\":\"" + id + "\","));
      return id;
    });
  }

  private void readNodeOfferLatency(double[] worst) throws Exception {
    Map<String, Double> metrics = client.metrics();
    String[] quantiles = {"0.5", "0.99", "0.999"};
    for (int i = 0; i < quantiles.length; i++) {
      worst[i] = Math.max(worst[i],
          metrics.getOrDefault("dispatch_offer_frame_seconds{quantile=\"" + quantiles[i] + "\"}", 0.0));
    }
  }

  private void timeOffer(String orderId) {
    Long sent = createSent.remove(orderId);
    if (sent == null) {
      repeatedOffers.incrementAndGet();
    } else {
      toOffer.recordMicros((System.nanoTime() - sent) / 1_000);
      offers.incrementAndGet();
    }
  }

  /** A courier's app: stays where it is, reports it, and accepts every offer. */
  private final class App implements SocketFleet.Listener {
    private final double lat;
    private final double lon;
    SocketFleet.Socket socket;

    App(int index) {
      double[] position = LoadClient.gridPosition(index);
      lat = position[0];
      lon = position[1];
    }

    void report() {
      socket.send("{\"type\":\"location\",\"lat\":" + lat + ",\"lon\":" + lon + ",\"accuracy\":5,\"at\":\""
          + Instant.now() + "\"}", false);
    }

    @Override
    public void onMessage(SocketFleet.Socket socket, byte[] payload) {
      offered(new String(payload, StandardCharsets.UTF_8));
    }

    @Override
    public void onClosed(SocketFleet.Socket socket, int code) {
      closed.incrementAndGet();
    }

    private void offered(String text) {
      JsonNode frame;
      try {
        frame = LoadClient.json(text);
      } catch (Exception e) {
        throw new IllegalStateException("The node sent a frame that is not JSON: " + text, e);
      }
      if (!frame.path("type").asText().equals("offer")) {
        return;
      }
      String offerId = frame.get("offerId").asText();
      String orderId = frame.get("orderId").asText();
      if (!orderId.startsWith(WARM_UP)) {
        timeOffer(orderId);
      }
      socket.send("{\"type\":\"offer.accept\",\"offerId\":\"" + offerId + "\"}", false);
    }
  }
}
