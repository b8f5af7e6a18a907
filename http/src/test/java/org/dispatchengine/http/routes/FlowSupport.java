package org.dispatchengine.http.routes;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.dispatchengine.http.testing.Eventually;
import org.dispatchengine.http.testing.RunningNode;
import org.dispatchengine.http.testing.RunningNode.Reply;
import org.dispatchengine.http.testing.WsClient;

import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Instant;
import java.util.Map;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

/** What the HTTP flow tests share: a tenant with a zone and a store, and requests to create orders. */
abstract class FlowSupport {
  private static final ObjectMapper FRAMES = new ObjectMapper();
  static final String CITY = "{\"type\":\"Polygon\",\"coordinates\":[[[13.0,52.3],[13.8,52.3],[13.8,52.7],[13.0,52.7],[13.0,52.3]]]}";
  static final String DROPOFF = "{\"lat\":52.50,\"lon\":13.45,\"address\":\"Somewhere 1\"}";

  abstract RunningNode node();

  /** A tenant with a zone "city", a store "s1" and a way to mint its tokens. */
  record TestTenant(RunningNode node, String id, String key) {
    String token(String role, String subject) {
      return node.mintToken(key, role, subject);
    }

    String storeToken(String subject, String storeId) {
      Reply minted = node.post("/v1/tokens", key,
          "{\"subject\":\"" + subject + "\",\"role\":\"store\",\"storeId\":\"" + storeId + "\"}");
      return minted.json().get("token").asText();
    }
  }

  TestTenant tenant(String id) {
    String key = node().createTenant(id);
    assertEquals(200, node().send(put("/v1/zones/city", key,
        "{\"name\":\"City\",\"area\":" + CITY + ",\"fee\":{\"base\":3.5,\"perKm\":1.2,\"minimum\":5}}")).status());
    assertEquals(200, node().send(put("/v1/stores/s1", key,
        "{\"name\":\"Mitte\",\"location\":{\"lat\":52.52,\"lon\":13.405},\"categories\":[\"pizza\"]}")).status());
    return new TestTenant(node(), id, key);
  }

  /** Defines a courier and starts its shift. */
  void onlineCourier(TestTenant t, String courierId, int capacity) {
    assertEquals(200, node().send(put("/v1/couriers/" + courierId, t.key(),
        "{\"name\":\"Kim\",\"vehicle\":\"bike\",\"capacity\":" + capacity + "}")).status());
    assertEquals(200, node().post("/v1/couriers/" + courierId + "/shift", t.key(), "{\"online\":true}").status());
  }

  HttpRequest.Builder put(String path, String credential, String json) {
    return node().request(path, credential).header("Content-Type", "application/json")
        .PUT(HttpRequest.BodyPublishers.ofString(json));
  }

  Reply createOrder(String credential, String idempotencyKey, String body) {
    HttpRequest.Builder request = node().request("/v1/orders", credential).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body));
    if (idempotencyKey != null) {
      request.header("Idempotency-Key", idempotencyKey);
    }
    return node().send(request);
  }

  static String pizza(String customerId) {
    return "{\"storeId\":\"s1\",\"dropoff\":" + DROPOFF + ",\"customerId\":\"" + customerId
        + "\",\"items\":[{\"name\":\"Pizza\",\"quantity\":2}]}";
  }

  /**
   * A courier on shift with its app connected, reporting from {@code lat}, {@code lon} (13.405 unless told; the store
   * is at 52.52, 13.405).
   */
  final class CourierApp implements AutoCloseable {
    final String id;
    final double lat;
    volatile double lon;
    final WsClient socket;

    CourierApp(TestTenant t, String id, double lat) {
      this(t, id, lat, 13.405);
    }

    CourierApp(TestTenant t, String id, double lat, double lon) {
      this.id = id;
      this.lat = lat;
      this.lon = lon;
      onlineCourier(t, id, 1);
      socket = WsClient.connect(URI.create("ws://127.0.0.1:" + node().node().port() + "/v1/ws/courier"),
          Map.of("Authorization", "Bearer " + t.token("courier", id)));
      report();
      Eventually.await(id + " located", () -> node().get("/v1/couriers/" + id, t.key()).json(),
          courier -> courier.path("location").path("lat").asDouble() == lat);
    }

    void report() {
      socket.send("{\"type\":\"location\",\"lat\":" + lat + ",\"lon\":" + lon + ",\"at\":\"" + Instant.now()
          + "\"}");
    }

    /** Jumps to {@code newLon}: too fast to be trusted at once, so a second report confirms it. */
    void moveTo(double newLon) {
      lon = newLon;
      report();
      report();
    }

    void accept(String offerId) {
      socket.send("{\"type\":\"offer.accept\",\"offerId\":\"" + offerId + "\"}");
    }

    void decline(String offerId) {
      socket.send("{\"type\":\"offer.decline\",\"offerId\":\"" + offerId + "\"}");
    }

    /** The next frame of {@code type}, reporting the position now and then as a real app does. */
    JsonNode await(String type) throws Exception {
      return await(frame -> frame.path("type").asText().equals(type));
    }

    /** The next frame that is {@code wanted}, reporting the position now and then as a real app does. */
    JsonNode await(Predicate<JsonNode> wanted) throws Exception {
      long deadline = System.nanoTime() + 15_000_000_000L;
      while (System.nanoTime() < deadline) {
        String text = socket.poll(300);
        if (text == null) {
          report();
        } else {
          JsonNode frame = FRAMES.readTree(text);
          if (wanted.test(frame)) {
            return frame;
          }
        }
      }
      throw new AssertionError(id + " got no frame it waited for");
    }

    /** No frame of {@code type} within {@code millis}. */
    void quietFor(String type, long millis) throws Exception {
      long deadline = System.nanoTime() + millis * 1_000_000;
      while (System.nanoTime() < deadline) {
        String frame = socket.poll(100);
        if (frame != null) {
          assertNotEquals(type, FRAMES.readTree(frame).path("type").asText(), frame);
        }
      }
    }

    @Override
    public void close() {
      socket.close();
    }
  }
}
