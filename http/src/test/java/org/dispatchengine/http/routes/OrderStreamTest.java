package org.dispatchengine.http.routes;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.dispatchengine.http.testing.NodeExtension;
import org.dispatchengine.http.testing.RunningNode;
import org.dispatchengine.http.testing.WsClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** The order stream with a real WebSocket client over a real port. */
class OrderStreamTest extends FlowSupport {
  @RegisterExtension
  static final NodeExtension NODE = NodeExtension.onH2(Map.of());
  private static final ObjectMapper MAPPER = new ObjectMapper();

  @Override
  RunningNode node() {
    return NODE.node();
  }

  private WsClient watch(String orderId, String token, String query) {
    return WsClient.connect(URI.create("ws://127.0.0.1:" + node().node().port() + "/v1/ws/orders/" + orderId + query),
        Map.of("Authorization", "Bearer " + token));
  }

  private static JsonNode next(WsClient client) throws Exception {
    return MAPPER.readTree(client.next());
  }

  private int refused(String orderId, String token, String query) {
    return WsClient.refusedStatus(() -> watch(orderId, token, query));
  }

  @Test
  void aSnapshotThenEveryChangeInOrder() throws Exception {
    TestTenant t = tenant("os-a");
    String customer = t.token("customer", "c1");
    String id = createOrder(customer, "k", "{\"storeId\":\"s1\",\"dropoff\":" + DROPOFF + "}").json().get("id").asText();
    WsClient alice = watch(id, customer, "");
    JsonNode snapshot = next(alice);
    assertEquals("snapshot", snapshot.get("type").asText());
    assertEquals(1, snapshot.get("seq").asInt());
    assertEquals("pending", snapshot.get("order").get("status").asText());

    String store = t.storeToken("clerk", "s1");
    node().post("/v1/orders/" + id + "/accept", store, null);
    node().post("/v1/orders/" + id + "/ready", store, null);
    JsonNode accepted = next(alice);
    JsonNode ready = next(alice);
    assertEquals(List.of("status", "accepted", "2"), List.of(accepted.get("type").asText(),
        accepted.get("status").asText(), accepted.get("seq").asText()));
    assertEquals(List.of("ready", "3"), List.of(ready.get("status").asText(), ready.get("seq").asText()));
    alice.close();
  }

  @Test
  void resumingReplaysWhatWasMissedThenFollowsLive() throws Exception {
    TestTenant t = tenant("os-b");
    String id = createOrder(t.key(), "k", pizza("c1")).json().get("id").asText();
    node().post("/v1/orders/" + id + "/accept", t.key(), null);
    node().post("/v1/orders/" + id + "/ready", t.key(), null);
    WsClient alice = watch(id, t.token("customer", "c1"), "?since=1");
    List<Integer> seqs = new ArrayList<>();
    JsonNode first = next(alice);
    JsonNode second = next(alice);
    seqs.add(first.get("seq").asInt());
    seqs.add(second.get("seq").asInt());
    assertEquals(List.of(2, 3), seqs);
    assertEquals("ready", second.get("status").asText());

    node().post("/v1/orders/" + id + "/cancel", t.key(), "{\"reason\":\"closed\"}");
    JsonNode cancelled = next(alice);
    assertEquals(4, cancelled.get("seq").asInt());
    assertEquals("cancelled", cancelled.get("status").asText());
    assertEquals("closed", cancelled.get("reason").asText());
    assertNull(alice.poll(300), "no duplicate of anything already sent");
    alice.close();

    WsClient upToDate = watch(id, t.key(), "?since=4");
    assertNull(upToDate.poll(300), "nothing after 4 yet");
    upToDate.close();
  }

  @Test
  void theAssignedCouriersPositionIsPushed() throws Exception {
    TestTenant t = tenant("os-c");
    onlineCourier(t, "k1", 1);
    String id = createOrder(t.key(), "k", pizza("c1")).json().get("id").asText();
    node().post("/v1/orders/" + id + "/assign", t.key(), "{\"courierId\":\"k1\"}");
    WsClient alice = watch(id, t.token("customer", "c1"), "");
    assertEquals("snapshot", next(alice).get("type").asText());
    node().post("/v1/couriers/k1/location", t.token("courier", "k1"), "{\"lat\":52.515,\"lon\":13.41}");
    JsonNode position = next(alice);
    assertEquals("courier.location", position.get("type").asText());
    assertEquals(52.515, position.get("lat").asDouble());
    alice.close();
  }

  @Test
  void onlyThoseWhoMaySeeTheOrderMayWatchIt() {
    TestTenant t = tenant("os-d");
    TestTenant other = tenant("os-e");
    String id = createOrder(t.key(), "k", pizza("c1")).json().get("id").asText();
    assertEquals(404, refused(id, t.token("customer", "c2"), ""));
    assertEquals(404, refused(id, t.storeToken("clerk", "s2"), ""));
    assertEquals(404, refused(id, t.token("courier", "k9"), ""));
    assertEquals(404, refused(id, other.key(), ""));
    assertEquals(401, refused(id, "forged", ""));
    assertEquals(422, refused(id, t.key(), "?since=-1"));
    watch(id, t.storeToken("clerk", "s1"), "").close();
    watch(id, t.token("admin", "boss"), "").close();
  }
}
