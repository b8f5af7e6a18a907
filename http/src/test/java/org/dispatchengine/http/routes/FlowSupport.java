package org.dispatchengine.http.routes;

import org.dispatchengine.http.testing.RunningNode;
import org.dispatchengine.http.testing.RunningNode.Reply;

import java.net.http.HttpRequest;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** What the HTTP flow tests share: a tenant with a zone and a store, and requests to create orders. */
abstract class FlowSupport {
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
}
