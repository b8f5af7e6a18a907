package org.dispatchengine.http.routes;

import com.fasterxml.jackson.databind.JsonNode;
import org.dispatchengine.http.testing.Eventually;
import org.dispatchengine.http.testing.RunningNode.Reply;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

import static org.dispatchengine.http.testing.RunningNode.ADMIN_TOKEN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The admin read models over a real port: orders driven through their lifecycle over HTTP appear in the projected
 * list, history, CSV and statistics; couriers and their tracks; pagination under concurrent inserts; rebuilds;
 * validation and tenant isolation of every query.
 */
abstract class ReadModelFlowContract extends FlowSupport {

  private static void assertStatus(int status, Reply reply) {
    assertEquals(status, reply.status(), reply.toString());
  }

  private List<String> ids(JsonNode page) {
    List<String> ids = new ArrayList<>();
    page.get("items").forEach(item -> ids.add(item.get("id").asText()));
    return ids;
  }

  private JsonNode awaitOrders(String query, String key, java.util.function.Predicate<JsonNode> done) {
    return Eventually.await("orders " + query, () -> node().get("/v1/admin/orders" + query, key).json(), done);
  }

  private String step(TestTenant t, String orderId, String step, String body) {
    Reply reply = node().post("/v1/orders/" + orderId + "/" + step, t.key(), body);
    assertStatus(200, reply);
    return reply.json().get("status").asText();
  }

  private String order(TestTenant t, String customerId) {
    Reply created = createOrder(t.key(), java.util.UUID.randomUUID().toString(), pizza(customerId));
    assertStatus(201, created);
    return created.json().get("id").asText();
  }

  @Test
  void ordersDrivenOverHttpAppearInListHistoryCsvAndStats() {
    TestTenant t = tenant("rm-a");
    onlineCourier(t, "k1", 2);
    String delivered = order(t, "c1");
    String cancelled = order(t, "c2");
    String pending = order(t, "c3");
    step(t, delivered, "accept", null);
    assertStatus(200, node().post("/v1/orders/" + delivered + "/assign", t.key(), "{\"courierId\":\"k1\"}"));
    step(t, delivered, "ready", null);
    step(t, delivered, "pickup", null);
    step(t, delivered, "deliver", null);
    step(t, cancelled, "cancel", "{\"reason\":\"=1+1, said \\\"no\\\"\"}");

    JsonNode all = awaitOrders("", t.key(), page -> page.get("items").size() == 3
        && "delivered".equals(page.get("items").get(2).get("status").asText())
        && "cancelled".equals(page.get("items").get(1).get("status").asText()));
    assertEquals(List.of(pending, cancelled, delivered), ids(all));
    JsonNode row = all.get("items").get(2);
    assertEquals("k1", row.get("courierId").asText());
    assertEquals("assigned", row.get("assignmentState").asText());
    assertEquals("city", row.get("zoneId").asText());
    assertEquals("s1", row.get("storeId").asText());
    assertEquals("c1", row.get("customerId").asText());
    assertTrue(row.has("deliveredAt"));
    assertEquals(node().get("/v1/orders/" + delivered, t.key()).json().get("seq").asLong(), row.get("seq").asLong());
    assertFalse(all.has("nextCursor"), "absent on the last page");

    assertEquals(List.of(delivered), ids(node().get("/v1/admin/orders?status=delivered", t.key()).json()));
    assertEquals(List.of(delivered), ids(node().get("/v1/admin/orders?courierId=k1", t.key()).json()));
    assertEquals(List.of(pending), ids(node().get("/v1/admin/orders?customerId=c3", t.key()).json()));
    assertEquals(3, ids(node().get("/v1/admin/orders?zoneId=city&storeId=s1", t.key()).json()).size());
    assertEquals(List.of(), ids(node().get("/v1/admin/orders?from=" + Instant.now().plusSeconds(60), t.key()).json()));
    assertEquals(List.of(pending, cancelled), ids(node().get("/v1/admin/orders?limit=2", t.token("admin", "boss")).json()));

    JsonNode history = node().get("/v1/admin/orders/" + delivered + "/history", t.key()).json().get("items");
    List<String> statuses = new ArrayList<>();
    history.forEach(h -> statuses.add(h.get("to").asText()));
    assertEquals(List.of("pending", "accepted", "ready", "picked_up", "delivered"), statuses);
    assertEquals("tenant", history.get(0).get("byRole").asText());
    assertFalse(history.get(0).has("from"));

    Reply csv = node().get("/v1/admin/orders.csv", t.key());
    assertStatus(200, csv);
    assertTrue(csv.contentType().startsWith("text/csv"), csv.contentType());
    String[] lines = csv.raw().body().split("\r\n");
    assertEquals(4, lines.length);
    assertTrue(lines[0].startsWith("id,kind,status,customerId,"), lines[0]);
    assertTrue(lines[2].startsWith(cancelled + ",delivery,cancelled,c2,s1,city,,"), lines[2]);
    assertTrue(lines[2].contains(",\"'=1+1, said \"\"no\"\"\","), lines[2]);

    LocalDate today = LocalDate.now(ZoneOffset.UTC);
    JsonNode stats = Eventually.await("stats", () -> node().get("/v1/admin/stats?from=" + today + "&to=" + today,
        t.key()).json(), s -> s.get("zones").size() == 1 && s.get("zones").get(0).get("delivered").asInt() == 1
        && s.get("zones").get(0).get("cancelled").asInt() == 1);
    JsonNode city = stats.get("zones").get(0);
    assertEquals("city", city.get("zoneId").asText());
    assertEquals(3, city.get("created").asInt());
    assertEquals(0, city.get("failed").asInt());
    assertEquals(1, city.get("assigned").asInt());
    assertEquals(0, city.get("p90MinutesToDeliver").asInt());
    assertTrue(city.get("meanMinutesToDeliver").asDouble() < 1.0);
    assertEquals(today.toString(), stats.get("days").get(0).get("day").asText());

    Reply metrics = node().get("/metrics", null);
    assertTrue(metrics.raw().body().contains("dispatch_projection_events_behind{key=\"order-0\",projection=\"orders-read-model\"}"),
        "lag gauges exported");
    assertTrue(metrics.raw().body().contains("dispatch_projection_latency_seconds{projection=\"orders-read-model\",quantile=\"0.99\"}"),
        "latency exported");
  }

  @Test
  void couriersAndTheirTracksAreListed() {
    TestTenant t = tenant("rm-c");
    onlineCourier(t, "k1", 3);
    assertStatus(200, node().send(put("/v1/couriers/k2", t.key(), "{\"name\":\"Lee\",\"vehicle\":\"car\",\"capacity\":1}")));
    Instant start = Instant.now().minusSeconds(600);
    for (int i = 0; i < 3; i++) {
      assertStatus(202, node().post("/v1/couriers/k1/location", t.key(), "{\"lat\":" + (52.50 + i * 0.01)
          + ",\"lon\":13.40,\"speed\":5,\"at\":\"" + start.plusSeconds(60L * i) + "\"}"));
    }
    JsonNode all = Eventually.await("both couriers, k1 with its last sample",
        () -> node().get("/v1/admin/couriers", t.key()).json(),
        page -> page.get("items").size() == 2 && page.get("items").get(0).has("lastPosition")
            && page.get("items").get(0).get("lastPosition").get("lat").asDouble() == 52.52);
    assertEquals(List.of("k1", "k2"), ids(all));
    JsonNode k1 = all.get("items").get(0);
    assertTrue(k1.get("available").asBoolean());
    assertEquals(1, k1.get("shifts").asInt());
    assertEquals(List.of("k1"), ids(node().get("/v1/admin/couriers?online=true", t.key()).json()));
    assertEquals(List.of("k2"), ids(node().get("/v1/admin/couriers?online=false", t.key()).json()));
    JsonNode first = node().get("/v1/admin/couriers?limit=1", t.key()).json();
    assertEquals(List.of("k1"), ids(first));
    assertEquals(List.of("k2"), ids(node().get("/v1/admin/couriers?limit=1&cursor=" + first.get("nextCursor").asText(),
        t.key()).json()));

    JsonNode track = node().get("/v1/admin/couriers/k1/track?from=" + start.minusSeconds(1), t.key()).json();
    List<Double> lats = new ArrayList<>();
    track.get("items").forEach(p -> lats.add(p.get("lat").asDouble()));
    assertEquals(List.of(52.50, 52.51, 52.52), lats);
    assertEquals(5.0, track.get("items").get(0).get("speed").asDouble());
    JsonNode firstTwo = node().get("/v1/admin/couriers/k1/track?limit=2&from=" + start.minusSeconds(1), t.key()).json();
    assertEquals(2, firstTwo.get("items").size());
    JsonNode rest = node().get("/v1/admin/couriers/k1/track?limit=2&from=" + start.minusSeconds(1) + "&cursor="
        + firstTwo.get("nextCursor").asText(), t.key()).json();
    assertEquals(52.52, rest.get("items").get(0).get("lat").asDouble());
    assertFalse(rest.has("nextCursor"));
  }

  @Test
  void everyQueryIsScopedToTheCredentialsTenantAndValidated() {
    TestTenant a = tenant("rm-iso-a");
    TestTenant b = tenant("rm-iso-b");
    onlineCourier(a, "k1", 1);
    String orderId = order(a, "c1");
    awaitOrders("", a.key(), page -> page.get("items").size() == 1);
    Eventually.await("courier row", () -> node().get("/v1/admin/couriers", a.key()).json(),
        page -> page.get("items").size() == 1);

    assertEquals(List.of(), ids(node().get("/v1/admin/orders", b.key()).json()));
    assertEquals(List.of(), ids(node().get("/v1/admin/couriers", b.key()).json()));
    assertStatus(404, node().get("/v1/admin/orders/" + orderId + "/history", b.key()));
    assertStatus(404, node().get("/v1/admin/couriers/k1/track", b.key()));
    assertEquals(0, node().get("/v1/admin/stats", b.key()).json().get("zones").size());
    assertEquals(1, node().get("/v1/admin/orders.csv", b.key()).raw().body().split("\r\n").length);

    for (String path : List.of("/v1/admin/orders", "/v1/admin/orders.csv", "/v1/admin/couriers", "/v1/admin/stats",
        "/v1/admin/orders/" + orderId + "/history", "/v1/admin/couriers/k1/track")) {
      assertStatus(403, node().get(path, a.token("customer", "c1")));
      assertStatus(403, node().get(path, a.token("courier", "k1")));
      assertStatus(403, node().get(path, ADMIN_TOKEN));
      assertStatus(401, node().get(path, null));
    }

    assertEquals(List.of("bogus"), errorFields(node().get("/v1/admin/orders?bogus=1", a.key())));
    assertEquals(List.of("limit", "status"), errorFields(node().get("/v1/admin/orders?status=lost&limit=0", a.key())));
    assertEquals(List.of("cursor"), errorFields(node().get("/v1/admin/orders?cursor=bm90LWEtY3Vyc29y", a.key())));
    assertEquals(List.of("from", "zoneId"), errorFields(node().get("/v1/admin/orders.csv?from=yesterday&zoneId=a:b",
        a.key())));
    assertEquals(List.of("online"), errorFields(node().get("/v1/admin/couriers?online=maybe", a.key())));
    assertEquals(List.of("from"), errorFields(node().get("/v1/admin/stats?from=2026-02-01&to=2026-01-01", a.key())));
    assertEquals(List.of("from"), errorFields(node().get("/v1/admin/stats?from=2024-01-01&to=2026-01-01", a.key())));
    assertEquals(List.of("from"), errorFields(node().get("/v1/admin/couriers/k1/track?from=2030-01-01T00:00:00Z"
        + "&to=2029-01-01T00:00:00Z", a.key())));
  }

  @Test
  void pagingWhileOrdersAreCreatedReturnsEveryEarlierOrderExactlyOnce() throws Exception {
    TestTenant t = tenant("rm-pages");
    Set<String> earlier = new HashSet<>();
    for (int i = 0; i < 30; i++) {
      earlier.add(order(t, "c" + i));
    }
    awaitOrders("?limit=500", t.key(), page -> page.get("items").size() == 30);

    CompletableFuture<Void> inserts = CompletableFuture.runAsync(() -> {
      for (int i = 0; i < 20; i++) {
        order(t, "late" + i);
      }
    });
    List<String> seen = new ArrayList<>();
    String cursor = null;
    do {
      JsonNode page = node().get("/v1/admin/orders?limit=4" + (cursor == null ? "" : "&cursor=" + cursor), t.key())
          .json();
      seen.addAll(ids(page));
      cursor = page.has("nextCursor") ? page.get("nextCursor").asText() : null;
    } while (cursor != null);
    inserts.get();

    assertEquals(seen.size(), new HashSet<>(seen).size(), "no order twice: " + seen);
    assertTrue(seen.containsAll(earlier), "every earlier order: " + seen);
  }

  @Test
  void rebuildingReadModelsYieldsIdenticalTables() {
    TestTenant t = tenant("rm-rebuild");
    onlineCourier(t, "k9", 2);
    assertStatus(202, node().post("/v1/couriers/k9/location", t.key(), "{\"lat\":52.5,\"lon\":13.4}"));
    String id = order(t, "c1");
    step(t, id, "accept", null);
    step(t, order(t, "c2"), "cancel", null);
    awaitCaughtUp();
    DataSource db = node().node().database().dataSource();
    List<String> before = dump(db);
    assertTrue(before.stream().anyMatch(line -> line.startsWith("order_view|rm-rebuild|")), "orders projected");
    assertTrue(before.stream().anyMatch(line -> line.startsWith("courier_track|rm-rebuild|k9|")), "track projected");

    assertStatus(404, node().post("/v1/operations/read-models/nothing/rebuild", ADMIN_TOKEN, null));
    assertStatus(403, node().post("/v1/operations/read-models/orders/rebuild", t.key(), null));
    for (String model : List.of("orders", "couriers")) {
      Reply rebuilt = node().post("/v1/operations/read-models/" + model + "/rebuild", ADMIN_TOKEN, null);
      assertStatus(202, rebuilt);
      assertEquals(model, rebuilt.json().get("readModel").asText());
    }
    awaitCaughtUp();
    assertEquals(before, dump(db));
  }

  private void awaitCaughtUp() {
    Eventually.await("every projection caught up", () -> node().get("/v1/operations/read-models", ADMIN_TOKEN).json(),
        lag -> {
          boolean caughtUp = lag.get("items").size() == 16;
          for (JsonNode instance : lag.get("items")) {
            caughtUp &= instance.get("eventsBehind").asLong() == 0;
          }
          return caughtUp;
        });
  }

  /** Every row of every read-model table, as text, in a fixed order. */
  private static List<String> dump(DataSource db) {
    List<String> lines = new ArrayList<>();
    for (String table : List.of("order_view", "order_status_history", "tenant_daily_stats",
        "tenant_daily_delivery_minutes", "courier_view", "courier_track")) {
      try (Connection connection = db.getConnection();
           ResultSet rs = connection.createStatement().executeQuery("SELECT * FROM \"" + table + "\"")) {
        ResultSetMetaData meta = rs.getMetaData();
        while (rs.next()) {
          StringBuilder line = new StringBuilder(table);
          for (int i = 1; i <= meta.getColumnCount(); i++) {
            line.append('|').append(rs.getString(i));
          }
          lines.add(line.toString());
        }
      } catch (java.sql.SQLException e) {
        throw new IllegalStateException(e);
      }
    }
    lines.sort(null);
    return lines;
  }

  private List<String> errorFields(Reply reply) {
    assertStatus(422, reply);
    List<String> fields = new ArrayList<>();
    reply.json().get("errors").forEach(e -> fields.add(e.get("field").asText()));
    return fields.stream().sorted().toList();
  }
}
