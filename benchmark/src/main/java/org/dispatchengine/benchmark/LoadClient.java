package org.dispatchengine.benchmark;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;

/** What the load tools share: calls to the node's API, its {@code /metrics}, bounded parallelism, output. */
final class LoadClient {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  /** A sender thread sleeps only this long at least (see {@link #everyPeriod}). */
  private static final long LEAST_SLEEP_NANOS = 1_000_000;
  private static final String ZONE = "{\"name\":\"City\",\"area\":{\"type\":\"Polygon\",\"coordinates\":"
      + "[[[13.0,52.3],[13.8,52.3],[13.8,52.7],[13.0,52.7],[13.0,52.3]]]},\"fee\":{\"base\":3.5,\"perKm\":1.2}}";
  private static final String STORE =
      "{\"name\":\"Mitte\",\"location\":{\"lat\":52.52,\"lon\":13.405},\"categories\":[\"pizza\"]}";

  private final String url;
  private final String adminToken;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(30)).build();

  /** A client of the node at {@code --url} (loopback by default), with the platform's {@code --admin-token}. */
  LoadClient(Options options) {
    this.url = options.text("url", "http://127.0.0.1:8080");
    this.adminToken = options.required("admin-token");
  }

  /** Creates a tenant named {@code name} with an id from {@code prefix} and the time, and answers its API key. */
  String newTenant(String prefix, String name) throws Exception {
    String id = prefix + Long.toString(System.currentTimeMillis(), 36);
    return call("POST", "/v1/tenants", adminToken, "{\"id\":\"" + id + "\",\"name\":\"" + name + "\"}")
        .get("apiKey").asText();
  }

  /** A call with the platform's admin token. */
  JsonNode asAdmin(String method, String path) throws Exception {
    return call(method, path, adminToken, null);
  }

  /** The node's URL, as given. */
  String url() {
    return url;
  }

  /**
   * Opens {@code count} WebSockets on {@code fleet}, socket {@code i} on {@code path.apply(i)} with the bearer
   * {@code token.apply(i)}, at most 256 upgrades at a time; answers them in index order once all are open.
   */
  static List<SocketFleet.Socket> openAll(SocketFleet fleet, int count, java.util.function.IntFunction<String> path,
      java.util.function.IntFunction<String> token, java.util.function.IntFunction<SocketFleet.Listener> listener)
      throws Exception {
    Semaphore upgrading = new Semaphore(256);
    List<CompletableFuture<SocketFleet.Socket>> opening = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      upgrading.acquire();
      opening.add(fleet.open(path.apply(i), token.apply(i), listener.apply(i))
          .whenComplete((socket, failure) -> upgrading.release()));
    }
    List<SocketFleet.Socket> sockets = new ArrayList<>();
    for (CompletableFuture<SocketFleet.Socket> socket : opening) {
      sockets.add(socket.get());
    }
    return sockets;
  }

  JsonNode call(String method, String path, String token, String body) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url + path))
        .header("Authorization", "Bearer " + token)
        .header("Content-Type", "application/json")
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
        .timeout(Duration.ofSeconds(30));
    if (method.equals("POST") && path.equals("/v1/orders")) {
      request.header("Idempotency-Key", java.util.UUID.randomUUID().toString());
    }
    HttpResponse<String> response;
    try {
      response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    } catch (java.io.IOException reset) {
      // a pooled connection the node had closed while idle; every call here is safe to repeat
      response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
    // 503 asks for a retry (an entity that did not answer in time); the same request, with the same idempotency key
    for (int retry = 1; response.statusCode() == 503 && retry <= 3; retry++) {
      Thread.sleep(1_000L * retry);
      response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
    if (response.statusCode() >= 300) {
      throw new IllegalStateException(method + " " + path + " -> " + response.statusCode() + " " + response.body());
    }
    return MAPPER.readTree(response.body());
  }

  /** Gives the tenant of {@code key} a zone over the city (13.0-13.8 E, 52.3-52.7 N) and a store {@code s1} in it. */
  void setUpCity(String key) throws Exception {
    call("PUT", "/v1/zones/city", key, ZONE);
    call("PUT", "/v1/stores/s1", key, STORE);
  }

  /** Defines courier {@code courierId} (a bike, capacity 2), puts it on shift, and answers a day-long token for it. */
  String onlineCourier(String key, String courierId) throws Exception {
    call("PUT", "/v1/couriers/" + courierId, key, "{\"name\":\"" + courierId + "\",\"vehicle\":\"bike\",\"capacity\":2}");
    call("POST", "/v1/couriers/" + courierId + "/shift", key, "{\"online\":true}");
    return call("POST", "/v1/tokens", key, "{\"subject\":\"" + courierId + "\",\"role\":\"courier\",\"ttlSeconds\":86400}")
        .get("token").asText();
  }

  /** The body of an order from store {@code s1} (see {@link #setUpCity}) for {@code customerId}. */
  static String order(String customerId) {
    return order(customerId, "s1");
  }

  static String order(String customerId, String storeId) {
    return "{\"storeId\":\"" + storeId + "\",\"customerId\":\"" + customerId
        + "\",\"dropoff\":{\"lat\":52.50,\"lon\":13.45},\"items\":[{\"name\":\"Pizza\",\"quantity\":1}]}";
  }

  /** Every sample line of {@code /metrics}, by its name and labels. */
  Map<String, Double> metrics() throws Exception {
    HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(url + "/metrics")).build(),
        HttpResponse.BodyHandlers.ofString());
    Map<String, Double> values = new HashMap<>();
    response.body().lines().filter(line -> !line.startsWith("#")).forEach(line -> {
      int space = line.lastIndexOf(' ');
      if (space > 0) {
        try {
          values.put(line.substring(0, space), Double.parseDouble(line.substring(space + 1)));
        } catch (NumberFormatException ignored) {
          // not a sample line
        }
      }
    });
    return values;
  }

  @FunctionalInterface
  interface ThrowingIntFunction<T> {
    T apply(int index) throws Exception;
  }

  /** Runs {@code task} for 0..count-1, at most {@code concurrency} at once; answers in index order. */
  static <T> List<T> inParallel(int count, int concurrency, ThrowingIntFunction<T> task) throws Exception {
    return inParallel(count, concurrency, 0, task);
  }

  /**
   * As {@link #inParallel(int, int, ThrowingIntFunction)}, starting at most {@code perSecond} tasks a second (0: no
   * limit). Starts are scheduled on a fixed timetable, so a slow answer does not lower the offered rate unless all
   * {@code concurrency} tasks are busy.
   */
  static <T> List<T> inParallel(int count, int concurrency, double perSecond, ThrowingIntFunction<T> task)
      throws Exception {
    // one thread per task that may run: the tasks block on HTTP, which a shared pool sized to the cores would throttle
    ExecutorService threads = Executors.newFixedThreadPool(concurrency);
    try {
      Semaphore permits = new Semaphore(concurrency);
      List<CompletableFuture<T>> results = new ArrayList<>();
      long start = System.nanoTime();
      for (int i = 0; i < count; i++) {
        if (perSecond > 0) {
          long due = start + (long) (i * 1e9 / perSecond);
          long wait = due - System.nanoTime();
          if (wait > 0) {
            Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
          }
        }
        int index = i;
        permits.acquire();
        results.add(CompletableFuture.supplyAsync(() -> {
          try {
            return task.apply(index);
          } catch (Exception e) {
            throw new IllegalStateException(e);
          } finally {
            permits.release();
          }
        }, threads));
      }
      List<T> values = new ArrayList<>();
      for (CompletableFuture<T> result : results) {
        values.add(result.get());
      }
      return values;
    } finally {
      threads.shutdown();
    }
  }

  static JsonNode json(String text) throws Exception {
    return MAPPER.readTree(text);
  }

  /** How far north a moving courier of the load tools goes between two reports: about 4.4 m. */
  static final double STEP_NORTH_DEGREES = 0.00004;

  /** The location frame a moving courier of the load tools sends, stamped with the time of sending. */
  static String movingLocationFrame(double lat, double lon) {
    return "{\"type\":\"location\",\"lat\":" + lat + ",\"lon\":" + lon + ",\"accuracy\":5,\"speed\":4.5,\"at\":\""
        + java.time.Instant.now() + "\"}";
  }

  /** The time a location frame was stamped with, which the position frames it causes carry too; null without one. */
  static java.time.Instant stampedAt(String frame) {
    int at = frame.indexOf("\"at\":\"");
    return at < 0 ? null : java.time.Instant.parse(frame.substring(at + 6, frame.indexOf('"', at + 6)));
  }

  /** Where the load tools place courier {@code index}: a 100 x 100 grid over the city, as {lat, lon}. */
  static double[] gridPosition(int index) {
    return new double[] {52.3 + (index % 100) * 0.004, 13.1 + (index / 100 % 100) * 0.006};
  }

  /**
   * Calls {@code action} on every item once per {@code periodNanos}, spread evenly over the period, on
   * {@code threads} daemon threads, until {@code endNanos}; answers the threads. A thread sleeps only when its next
   * item is due at least {@link #LEAST_SLEEP_NANOS} later and takes every item due before then at once: at 20,000
   * items a second a sleep per item costs the load tool a timer and a wake-up each, CPU the measured node then lacks.
   */
  static <T> List<Thread> everyPeriod(List<T> items, long periodNanos, long endNanos, int threads,
      java.util.function.Consumer<T> action) {
    List<Thread> started = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      List<T> mine = new ArrayList<>();
      for (int i = t; i < items.size(); i += threads) {
        mine.add(items.get(i));
      }
      Thread thread = new Thread(() -> {
        long round = System.nanoTime();
        while (round < endNanos) {
          for (int i = 0; i < mine.size(); i++) {
            long wait = round + periodNanos * i / mine.size() - System.nanoTime();
            if (wait > LEAST_SLEEP_NANOS) {
              java.util.concurrent.locks.LockSupport.parkNanos(wait);
            }
            action.accept(mine.get(i));
          }
          round += periodNanos;
        }
      }, "every-period-" + t);
      thread.setDaemon(true);
      thread.start();
      started.add(thread);
    }
    return started;
  }

  /** The value at quantile {@code q} (nearest rank) of {@code sorted}. */
  static long quantile(long[] sorted, double q) {
    return sorted[Math.max(0, (int) Math.ceil(q * sorted.length) - 1)];
  }

  static double secondsSince(long startNanos) {
    return (System.nanoTime() - startNanos) / 1e9;
  }

  static void log(String format, Object... args) {
    System.out.println(String.format(format, args));
  }
}
