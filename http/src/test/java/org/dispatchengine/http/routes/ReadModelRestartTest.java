package org.dispatchengine.http.routes;

import com.fasterxml.jackson.databind.JsonNode;
import org.dispatchengine.http.testing.Eventually;
import org.dispatchengine.http.testing.RunningNode;
import org.dispatchengine.projections.db.DatabaseSettings;
import org.dispatchengine.projections.testing.TestDatabases;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;

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
      t = tenant("rm-sweep");
      assertEquals(200, first.send(put("/v1/settings/dispatch", t.key(),
          "{\"mode\":\"offer\",\"trigger\":\"created\"}")).status());
      orderId = order(t);
      // no courier is on shift: the order searches, with no offer open
      Eventually.await("a searching order in the read model", () -> first.get("/v1/admin/orders", t.key()).json(),
          page -> page.get("items").size() == 1
              && "searching".equals(page.get("items").get(0).get("assignmentState").asText()));
    }
    try (RunningNode second = RunningNode.start(database, QUICK_SWEEP)) {
      node = second;
      onlineCourier(t, "k1", 1);
      assertEquals(202, second.post("/v1/couriers/k1/location", t.key(), "{\"lat\":52.521,\"lon\":13.406}").status());
      JsonNode courier = Eventually.await("the order offered to the courier who came online",
          () -> second.get("/v1/couriers/k1", t.key()).json(), c -> c.has("offer"));
      assertEquals(orderId, courier.get("offer").get("orderId").asText());
    }
  }

  private static long count(RunningNode node, String sql) throws Exception {
    try (Connection connection = node.node().database().dataSource().getConnection();
         PreparedStatement statement = connection.prepareStatement(sql)) {
      statement.setString(1, "rm-restart");
      try (ResultSet rs = statement.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }
}
