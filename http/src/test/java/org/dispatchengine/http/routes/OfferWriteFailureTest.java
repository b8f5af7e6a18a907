package org.dispatchengine.http.routes;

import com.fasterxml.jackson.databind.JsonNode;
import org.dispatchengine.http.testing.Eventually;
import org.dispatchengine.http.testing.NodeExtension;
import org.dispatchengine.http.testing.RunningNode;
import org.dispatchengine.http.testing.RunningNode.Reply;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Couriers are told of an offer while the order writes it (ADR 0015). When that write fails, a courier may hold an
 * offer the order never recorded: accepting it must not give the courier the order, and the order's search must go
 * on once the journal takes writes again.
 */
class OfferWriteFailureTest extends FlowSupport {
  @RegisterExtension
  static final NodeExtension NODE = NodeExtension.onH2(Map.of("jdbc-journal.circuit-breaker.reset-timeout", "1s"));

  @Override
  RunningNode node() {
    return NODE.node();
  }

  /** Makes the journal refuse every event of an order after its first two (created, dispatch_started). */
  private void orderOffersRefused(boolean refused) throws Exception {
    NODE.execute(refused
        ? "ALTER TABLE \"event_journal\" ADD CONSTRAINT \"no_offers\" CHECK (\"persistence_id\" NOT LIKE 'Order|%'"
            + " OR \"sequence_number\" < 3) NOCHECK"
        : "ALTER TABLE \"event_journal\" DROP CONSTRAINT \"no_offers\"");
  }

  private List<String> historyTypes(TestTenant t, String orderId) {
    List<String> types = new ArrayList<>();
    node().get("/v1/orders/" + orderId + "/events", t.key()).json().forEach(e -> types.add(e.get("type").asText()));
    return types;
  }

  @Test
  void anOfferWhoseWriteFailedGivesTheCourierNothingAndTheSearchGoesOn() throws Exception {
    TestTenant t = tenant("offer-write");
    assertEquals(200, node().send(put("/v1/settings/dispatch", t.key(),
        "{\"mode\":\"offer\",\"trigger\":\"created\",\"offerTimeoutSeconds\":30}")).status());
    try (CourierApp kim = new CourierApp(t, "kim", 52.521)) {
      String orderId;
      JsonNode offer;
      orderOffersRefused(true);
      try {
        Reply created = createOrder(t.key(), "o-1", pizza("c1"));
        assertEquals(201, created.status(), created.toString());
        orderId = created.json().get("id").asText();
        offer = kim.await("offer");
        assertEquals(orderId, offer.get("orderId").asText());

        kim.accept(offer.get("offerId").asText());
        // the order does not know the offer: it refuses the acceptance and the courier is told, or the courier's own
        // write of the offer failed with the order's and it never held it
        JsonNode refused = kim.await(frame -> frame.path("type").asText().equals("offer.revoked")
            || frame.path("title").asText().equals("Offer not open"));
        assertTrue(Set.of("offer.revoked", "error").contains(refused.get("type").asText()), refused.toString());
        JsonNode courier = Eventually.await("kim free again", () -> node().get("/v1/couriers/kim", t.key()).json(),
            c -> c.path("offer").isMissingNode() || c.path("offer").isNull());
        assertEquals(0, courier.get("load").asInt());
        assertEquals(List.of("created", "dispatch_started"), historyTypes(t, orderId));
        assertEquals("searching", node().get("/v1/orders/" + orderId, t.key()).json().path("assignment").path("state")
            .asText());
      } finally {
        orderOffersRefused(false);
      }

      JsonNode again = kim.await("offer");
      assertEquals(orderId, again.get("orderId").asText());
      kim.accept(again.get("offerId").asText());
      assertEquals(orderId, kim.await("assigned").get("orderId").asText());
      List<String> history = historyTypes(t, orderId);
      assertEquals(List.of("created", "dispatch_started", "courier_offered", "assigned"), history);
      assertTrue(Eventually.await("kim carries the order", () -> node().get("/v1/couriers/kim", t.key()).json(),
          c -> c.get("load").asInt() == 1).get("activeOrders").get(0).asText().equals(orderId));
    }
  }
}
