package org.dispatchengine.http.routes;

import com.fasterxml.jackson.databind.JsonNode;
import org.dispatchengine.http.testing.Eventually;
import org.dispatchengine.http.testing.RunningNode;
import org.dispatchengine.projections.db.DatabaseSettings;
import org.dispatchengine.projections.testing.TestDatabases;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Read models and searches across a stop of the whole engine. */
class ReadModelRestartTest extends FlowSupport {
  private static final Map<String, Object> QUICK_SWEEP = Map.of("dispatch.read-models.search-sweep.every", "1s");
  private RunningNode node;

  @Override
  RunningNode node() {
    return node;
  }

  private String order(TestTenant t) {
    return createOrder(t.key(), UUID.randomUUID().toString(), pizza("c1")).json().get("id").asText();
  }

  @Test
  void aStopInTheMiddleOfProjectingLosesAndDuplicatesNothing() throws Exception {
    DatabaseSettings database = TestDatabases.h2();
    List<String> ids = new ArrayList<>();
    TestTenant t;
    try (RunningNode first = RunningNode.start(database)) {
      node = first;
      t = tenant("rm-restart");
      for (int i = 0; i < 25; i++) {
        String id = order(t);
        ids.add(id);
        assertEquals(200, first.post("/v1/orders/" + id + "/accept", t.key(), null).status());
      }
      // stopped at once: the projections are somewhere in the middle of these 50 events
    }
    try (RunningNode second = RunningNode.start(database)) {
      node = second;
      JsonNode all = Eventually.await("25 accepted orders", () -> second.get("/v1/admin/orders?limit=100&status=accepted",
          t.key()).json(), page -> page.get("items").size() == 25);
      List<String> listed = new ArrayList<>();
      all.get("items").forEach(item -> listed.add(item.get("id").asText()));
      assertEquals(ids.stream().sorted().toList(), listed.stream().sorted().toList());
      assertEquals(50, count(second, "SELECT COUNT(*) FROM \"order_status_history\" WHERE \"tenant_id\" = ?"));
      assertEquals(25, count(second, "SELECT SUM(\"created\") FROM \"tenant_daily_stats\" WHERE \"tenant_id\" = ?"));
    }
  }

  @Test
  void aSearchWithoutAnOpenOfferResumesAfterTheWholeEngineRestarted() throws Exception {
    DatabaseSettings database = TestDatabases.h2();
    TestTenant t;
    String orderId;
    try (RunningNode first = RunningNode.start(database, QUICK_SWEEP)) {
      node = first;
      t = offeringOnCreation("rm-sweep");
      orderId = order(t);
      // no courier is on shift: the order searches, with no offer open
      Eventually.await("a searching order in the read model", () -> first.get("/v1/admin/orders", t.key()).json(),
          page -> page.get("items").size() == 1
              && "searching".equals(page.get("items").get(0).get("assignmentState").asText()));
    }
    try (RunningNode second = RunningNode.start(database, QUICK_SWEEP)) {
      node = second;
      courierNearTheStore(t, "k1");
      JsonNode courier = Eventually.await("the order offered to the courier who came online",
          () -> second.get("/v1/couriers/k1", t.key()).json(), c -> c.has("offer"));
      assertEquals(orderId, courier.get("offer").get("orderId").asText());
    }
  }

  @Test
  void anOfferOpenWhenTheWholeEngineStopsExpiresAfterTheRestartAndTheSearchGoesOn() throws Exception {
    DatabaseSettings database = TestDatabases.h2();
    TestTenant t;
    String orderId;
    try (RunningNode first = RunningNode.start(database, QUICK_SWEEP)) {
      node = first;
      t = offeringOnCreation("rm-offer");
      courierNearTheStore(t, "k1");
      orderId = order(t);
      String offered = orderId;
      Eventually.await("the order offered to k1", () -> first.get("/v1/couriers/k1", t.key()).json(),
          c -> offered.equals(c.path("offer").path("orderId").asText()));
    }
    // nothing runs while the offer's deadline passes; no node remembers it but the journal
    try (RunningNode second = RunningNode.start(database, QUICK_SWEEP)) {
      node = second;
      courierNearTheStore(t, "k2");
      JsonNode k2 = Eventually.await("the order offered to the next courier once k1's offer expired",
          () -> second.get("/v1/couriers/k2", t.key()).json(), c -> c.has("offer"));
      assertEquals(orderId, k2.get("offer").get("orderId").asText());
      assertFalse(second.get("/v1/couriers/k1", t.key()).json().has("offer"), "k1's offer was given back");
      List<String> offeredTo = new ArrayList<>();
      List<JsonNode> expiries = new ArrayList<>();
      second.get("/v1/orders/" + orderId + "/events", t.key()).json().forEach(event -> {
        switch (event.get("type").asText()) {
          case "courier_offered" -> event.get("data").get("offeredTo").forEach(id -> offeredTo.add(id.asText()));
          case "offer_expired", "offer_declined" -> expiries.add(event.get("data"));
          default -> { }
        }
      });
      assertEquals(List.of("k1", "k2"), offeredTo, "k1 was not offered the order again");
      assertEquals(1, expiries.size(), expiries.toString());
      assertTrue(expiries.get(0).toString().contains("k1"), "the expiry is k1's: " + expiries);
      assertEquals(200, second.post("/v1/couriers/k2/offers/" + k2.get("offer").get("offerId").asText() + "/accept",
          second.mintToken(t.key(), "courier", "k2"), null).status());
      Eventually.await("the order assigned to k2", () -> second.get("/v1/orders/" + orderId, t.key()).json(),
          order -> "k2".equals(order.path("courierId").asText()));
    }
  }

  /** A tenant dispatching each order by offers as it is created, offers lasting 5 s (the shortest allowed). */
  private TestTenant offeringOnCreation(String tenantId) {
    TestTenant t = tenant(tenantId);
    assertEquals(200, node.send(put("/v1/settings/dispatch", t.key(),
        "{\"mode\":\"offer\",\"trigger\":\"created\",\"offerTimeoutSeconds\":5}")).status());
    return t;
  }

  /** Courier {@code courierId} on shift, next to the store (52.52, 13.405). */
  private void courierNearTheStore(TestTenant t, String courierId) {
    onlineCourier(t, courierId, 1);
    assertEquals(202, node.post("/v1/couriers/" + courierId + "/location", t.key(),
        "{\"lat\":52.521,\"lon\":13.406}").status());
  }

  private static long count(RunningNode node, String sql) throws Exception {
    return TestDatabases.queryLong(node.node().database().dataSource(), sql, "rm-restart");
  }
}
