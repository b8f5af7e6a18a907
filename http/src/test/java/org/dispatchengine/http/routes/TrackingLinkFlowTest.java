package org.dispatchengine.http.routes;

import com.fasterxml.jackson.databind.JsonNode;
import org.dispatchengine.http.testing.NodeExtension;
import org.dispatchengine.http.testing.RunningNode;
import org.dispatchengine.http.testing.RunningNode.Reply;
import org.dispatchengine.http.testing.WsClient;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.net.URI;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.http.HttpRequest;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Tracking links over a real port: made by the customer, read without an account, revoked. */
class TrackingLinkFlowTest extends FlowSupport {
  @RegisterExtension
  static final NodeExtension NODE = NodeExtension.onH2(Map.of());
  private static final ObjectMapper MAPPER = new ObjectMapper();

  @Override
  RunningNode node() {
    return NODE.node();
  }

  private Reply link(String orderId, String token) {
    return node().post("/v1/orders/" + orderId + "/tracking-link", token, "{\"ttlSeconds\":3600}");
  }

  @Test
  void anyoneWithTheLinkSeesThePublicViewOnly() {
    TestTenant t = tenant("tl-a");
    String alice = t.token("customer", "c1");
    String id = createOrder(alice, "k", "{\"storeId\":\"s1\",\"dropoff\":" + DROPOFF + ",\"notes\":\"code 1234\"}")
        .json().get("id").asText();
    Reply made = link(id, alice);
    assertEquals(201, made.status(), made.toString());
    String url = made.json().get("url").asText();

    Reply view = node().get(url, null);
    assertEquals(200, view.status(), view.toString());
    assertEquals("pending", view.json().get("status").asText());
    assertEquals(52.5, view.json().get("dropoff").get("lat").asDouble());
    String body = view.raw().body();
    for (String personal : new String[] {"c1", "s1", "Somewhere", "Mitte", "code 1234", id}) {
      assertFalse(body.contains(personal), personal + " must not be public: " + body);
    }

    assertEquals(200, node().send(put("/v1/couriers/k1", t.key(),
        "{\"name\":\"Kim Larsen\",\"vehicle\":\"bike\"}")).status());
    node().post("/v1/couriers/k1/shift", t.key(), "{\"online\":true}");
    node().post("/v1/orders/" + id + "/assign", t.key(), "{\"courierId\":\"k1\"}");
    node().post("/v1/couriers/k1/location", t.token("courier", "k1"), "{\"lat\":52.51,\"lon\":13.41,\"speed\":5}");
    JsonNode moving = node().get(url, null).json();
    assertEquals("Kim", moving.get("courier").get("firstName").asText());
    assertEquals(52.51, moving.get("courier").get("location").get("lat").asDouble());
    assertTrue(moving.get("eta").get("minutes").asInt() >= 1, moving.toString());
    assertFalse(moving.toString().contains("Larsen"));
    assertFalse(moving.toString().contains("k1"));
  }

  @Test
  void theLinkStreamsThePublicViewAndEndsWhenRevoked() throws Exception {
    TestTenant t = tenant("tl-d");
    String id = createOrder(t.key(), "k", pizza("c1")).json().get("id").asText();
    String token = link(id, t.key()).json().get("token").asText();
    WsClient watcher = WsClient.connect(URI.create("ws://127.0.0.1:" + node().node().port() + "/v1/ws/track/" + token),
        Map.of());
    JsonNode snapshot = MAPPER.readTree(watcher.next());
    assertEquals("snapshot", snapshot.get("type").asText());
    assertEquals("pending", snapshot.get("view").get("status").asText());
    assertFalse(snapshot.toString().contains("c1"));

    onlineCourier(t, "k1", 1);
    node().post("/v1/orders/" + id + "/assign", t.key(), "{\"courierId\":\"k1\"}");
    JsonNode assigned = MAPPER.readTree(watcher.next());
    assertEquals("assigned", assigned.get("type").asText());
    assertFalse(assigned.has("courierId"), "no ids of people in public frames");
    node().post("/v1/couriers/k1/location", t.token("courier", "k1"), "{\"lat\":52.51,\"lon\":13.41,\"speed\":5}");
    JsonNode position = MAPPER.readTree(watcher.next());
    assertEquals("courier.location", position.get("type").asText());
    assertTrue(position.get("eta").get("minutes").asInt() >= 1, position.toString());

    node().post("/v1/orders/" + id + "/cancel", t.key(), "{\"reason\":\"private reason\"}");
    JsonNode cancelled = MAPPER.readTree(watcher.next());
    assertEquals("cancelled", cancelled.get("status").asText());
    assertFalse(cancelled.has("reason"), "reasons are not public");

    node().delete("/v1/orders/" + id + "/tracking-link", t.key());
    assertEquals(1000, watcher.closeCode(), "a revoked link's stream ends");
    assertEquals(404, WsClient.refusedStatus(() -> WsClient.connect(
        URI.create("ws://127.0.0.1:" + node().node().port() + "/v1/ws/track/" + token), Map.of())));
  }

  @Test
  void revokedForgedOrForeignLinksDoNotExist() {
    TestTenant t = tenant("tl-b");
    String id = createOrder(t.key(), "k", pizza("c1")).json().get("id").asText();
    String old = link(id, t.key()).json().get("url").asText();
    assertEquals(204, node().delete("/v1/orders/" + id + "/tracking-link", t.token("customer", "c1")).status());
    assertEquals(404, node().get(old, null).status());
    String fresh = link(id, t.key()).json().get("url").asText();
    assertEquals(200, node().get(fresh, null).status());

    assertEquals(404, node().get("/v1/track/eyJhbGciOiJIUzI1NiJ9.e30.forged", null).status());
    assertEquals(404, link(id, t.token("customer", "c2")).status());
    assertEquals(403, link(id, t.storeToken("clerk", "s1")).status());
    assertEquals(404, link(id, tenant("tl-c").key()).status());
    assertEquals(401, node().get("/v1/me", fresh.substring("/v1/track/".length())).status());
    assertEquals(422, node().send(node().request("/v1/orders/" + id + "/tracking-link", t.key())
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString("{\"ttlSeconds\":5}"))).status());
  }
}
