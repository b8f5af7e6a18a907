package org.dispatchengine.http.routes;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.dispatchengine.http.testing.Eventually;
import org.dispatchengine.http.testing.NodeExtension;
import org.dispatchengine.http.testing.RunningNode;
import org.dispatchengine.http.testing.WsClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.URI;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The admin live map with a real WebSocket client over a real port. */
class AdminLiveTest extends FlowSupport {
  @RegisterExtension
  static final NodeExtension NODE = NodeExtension.onH2(Map.of());
  private static final ObjectMapper MAPPER = new ObjectMapper();

  @Override
  RunningNode node() {
    return NODE.node();
  }

  private WsClient watch(String token) {
    return WsClient.connect(URI.create("ws://127.0.0.1:" + node().node().port() + "/v1/ws/admin/live"),
        Map.of("Authorization", "Bearer " + token));
  }

  private static JsonNode next(WsClient client) {
    try {
      return MAPPER.readTree(client.next());
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  /** The next frame of {@code type}, skipping positions still on their way. */
  private static JsonNode nextOfType(WsClient client, String type) {
    JsonNode frame = next(client);
    while (!frame.get("type").asText().equals(type)) {
      frame = next(client);
    }
    return frame;
  }

  /** Connects until the snapshot shows {@code couriers} couriers on shift (the node's view follows the journal). */
  private WsClient watchWithCouriers(String token, int couriers) {
    WsClient[] client = new WsClient[1];
    Eventually.await("a snapshot with " + couriers + " couriers", () -> {
      if (client[0] != null) {
        client[0].close();
      }
      client[0] = watch(token);
      return next(client[0]);
    }, snapshot -> snapshot.get("couriers").size() == couriers);
    return client[0];
  }

  @Test
  void aSnapshotOfCouriersThenPositionsAndOrderChanges() {
    TestTenant t = tenant("live-b");
    onlineCourier(t, "k1", 1);
    node().post("/v1/couriers/k1/location", t.key(), "{\"lat\":52.5,\"lon\":13.4}");
    WsClient admin = watchWithCouriers(t.token("admin", "boss"), 1);

    // the map gets at most one position per courier a second: keep moving until one shows
    String kim = t.token("courier", "k1");
    double[] lat = {52.5};
    JsonNode position = Eventually.await("a position on the live map", () -> {
      lat[0] += 0.00001;
      node().post("/v1/couriers/k1/location", kim, "{\"lat\":" + lat[0] + ",\"lon\":13.4}");
      try {
        String frame = admin.poll(100);
        return frame == null ? null : MAPPER.readTree(frame);
      } catch (Exception e) {
        throw new AssertionError(e);
      }
    }, frame -> frame != null);
    assertEquals("courier.location", position.get("type").asText());
    assertEquals("k1", position.get("courierId").asText());

    String id = createOrder(t.key(), "k", pizza("c1")).json().get("id").asText();
    JsonNode created = nextOfType(admin, "order");
    assertEquals("order", created.get("type").asText());
    assertEquals(id, created.get("orderId").asText());
    assertEquals("created", created.get("change").asText());
    assertEquals("pending", created.get("status").asText());
    admin.close();
  }

  @Test
  void aTenantSeesOnlyItsOwnLiveFeed() {
    TestTenant a = tenant("live-c");
    TestTenant b = tenant("live-d");
    WsClient adminB = watch(b.key());
    assertEquals("snapshot", next(adminB).get("type").asText());
    createOrder(a.key(), "k", pizza("c1"));
    String ownOrder = createOrder(b.key(), "k", pizza("c1")).json().get("id").asText();
    assertEquals(ownOrder, next(adminB).get("orderId").asText(), "a's order never shows up in b's feed");
    adminB.close();
  }

  @Test
  void onlyTheTenantsKeyAndAdminsWatch() {
    TestTenant t = tenant("live-e");
    for (String token : new String[] {t.token("customer", "c1"), t.token("courier", "k1"), RunningNode.ADMIN_TOKEN}) {
      assertEquals(403, WsClient.refusedStatus(() -> watch(token)));
    }
  }
}
