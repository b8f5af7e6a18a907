package org.dispatchengine.http.routes;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.dispatchengine.http.testing.Eventually;
import org.dispatchengine.http.testing.RunningNode;
import org.dispatchengine.http.testing.WsClient;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.stream.StreamSupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Dispatch end to end: settings over HTTP, couriers on real WebSockets, orders offered, declined, accepted, expired;
 * run on H2 and on PostgreSQL.
 */
abstract class DispatchFlowContract extends FlowSupport {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private void setDispatch(TestTenant t, String body) {
    RunningNode.Reply reply = node().send(put("/v1/settings/dispatch", t.key(), body));
    assertEquals(200, reply.status(), reply.toString());
  }

  private String order(TestTenant t, String key) {
    RunningNode.Reply created = createOrder(t.key(), key, pizza("c1"));
    assertEquals(201, created.status(), created.toString());
    return created.json().get("id").asText();
  }

  private JsonNode awaitOrder(TestTenant t, String orderId, String assignmentState) {
    return Eventually.await("order " + orderId + " " + assignmentState,
        () -> node().get("/v1/orders/" + orderId, t.key()).json(),
        o -> o.path("assignment").path("state").asText().equals(assignmentState));
  }

  private List<String> historyTypes(String orderId, String credential) {
    JsonNode history = node().get("/v1/orders/" + orderId + "/events", credential).json();
    List<String> types = new ArrayList<>();
    history.forEach(entry -> types.add(entry.get("type").asText()));
    return types;
  }

  @Test
  void settingsAreValidatedVersionedAndPerTenant() {
    TestTenant t = tenant("disp-settings");
    TestTenant other = tenant("disp-settings-other");
    JsonNode defaults = node().get("/v1/settings/dispatch", t.key()).json();
    assertEquals("manual", defaults.get("mode").asText());
    assertEquals("accepted", defaults.get("trigger").asText());
    assertEquals(0, defaults.get("version").asInt());

    RunningNode.Reply bad = node().send(put("/v1/settings/dispatch", t.key(),
        "{\"mode\":\"fastest\",\"offerTimeoutSeconds\":1,\"surprise\":true}"));
    assertEquals(422, bad.status());
    Set<String> fields = Set.copyOf(StreamSupport.stream(bad.json().get("errors").spliterator(), false)
        .map(e -> e.get("field").asText()).toList());
    assertEquals(Set.of("mode", "offerTimeoutSeconds", "surprise"), fields);
    assertEquals(0, node().get("/v1/settings/dispatch", t.key()).json().get("version").asInt(), "nothing changed");

    setDispatch(t, "{\"mode\":\"offer\",\"offerTimeoutSeconds\":20,\"maxRadiusMeters\":3000,\"trigger\":\"ready\"}");
    JsonNode set = node().get("/v1/settings/dispatch", t.key()).json();
    assertEquals("offer", set.get("mode").asText());
    assertEquals(20, set.get("offerTimeoutSeconds").asInt());
    assertEquals(3000, set.get("maxRadiusMeters").asInt());
    assertEquals("ready", set.get("trigger").asText());
    assertEquals(5, set.get("maxOffers").asInt(), "left out: the default");
    assertEquals(1, set.get("version").asInt());
    setDispatch(t, "{\"mode\":\"offer\",\"offerTimeoutSeconds\":20,\"maxRadiusMeters\":3000,\"trigger\":\"ready\"}");
    assertEquals(1, node().get("/v1/settings/dispatch", t.key()).json().get("version").asInt(), "the same again");

    assertEquals("manual", node().get("/v1/settings/dispatch", other.key()).json().get("mode").asText());
    assertEquals(403, node().send(put("/v1/settings/dispatch", t.token("courier", "k1"), "{\"mode\":\"auto\"}"))
        .status());
  }

  @Test
  void theNearestCourierIsOfferedFirstADeclineGoesToTheNextWhoAccepts() throws Exception {
    TestTenant t = tenant("disp-offer");
    setDispatch(t, "{\"mode\":\"offer\",\"trigger\":\"created\",\"offerTimeoutSeconds\":30}");
    try (CourierApp near = new CourierApp(t, "near", 52.521); CourierApp far = new CourierApp(t, "far", 52.53)) {
      String orderId = order(t, "o-1");
      JsonNode first = near.await("offer");
      assertEquals(orderId, first.get("orderId").asText());
      assertEquals(52.52, first.get("pickup").get("lat").asDouble());
      assertEquals(52.50, first.get("dropoff").get("lat").asDouble());
      assertTrue(Instant.parse(first.get("expiresAt").asText()).isAfter(Instant.now().plusSeconds(20)));
      assertEquals("offered", awaitOrder(t, orderId, "offered").path("assignment").path("state").asText());
      JsonNode held = node().get("/v1/couriers/near", t.key()).json();
      assertEquals(first.get("offerId").asText(), held.get("offer").get("offerId").asText());
      assertFalse(held.get("available").asBoolean());

      near.socket.send("{\"type\":\"offer.decline\",\"offerId\":\"" + first.get("offerId").asText()
          + "\",\"reason\":\"flat tyre\"}");
      JsonNode second = far.await("offer");
      assertNotEquals(first.get("offerId").asText(), second.get("offerId").asText());
      far.accept(second.get("offerId").asText());
      assertEquals(orderId, far.await("assigned").get("orderId").asText());

      JsonNode assigned = awaitOrder(t, orderId, "assigned");
      assertEquals("far", assigned.get("courierId").asText());
      assertEquals(2, assigned.get("assignment").get("attempts").asInt());
      JsonNode courier = node().get("/v1/couriers/far", t.key()).json();
      assertEquals(1, courier.get("load").asInt());
      assertEquals(List.of(orderId), List.of(courier.get("activeOrders").get(0).asText()));

      assertEquals(List.of("created", "dispatch_started", "courier_offered", "offer_declined", "courier_offered",
          "assigned"), historyTypes(orderId, t.key()));
      JsonNode trail = node().get("/v1/orders/" + orderId + "/events", t.key()).json();
      JsonNode offered = trail.get(2).get("data");
      assertEquals("offer", offered.get("mode").asText());
      assertEquals("near", offered.get("offeredTo").get(0).asText());
      assertEquals("near", offered.get("candidates").get(0).get("courierId").asText());
      assertEquals("far", offered.get("candidates").get(1).get("courierId").asText());
      assertTrue(offered.get("candidates").get(0).get("score").asDouble()
          < offered.get("candidates").get(1).get("score").asDouble());
      assertEquals("flat tyre", trail.get(3).get("data").get("reason").asText());
      assertEquals("declined", trail.get(3).get("data").get("answer").asText());
      assertEquals(second.get("offerId").asText(), trail.get(5).get("data").get("offerId").asText());
      assertEquals(List.of("created", "assigned"), historyTypes(orderId, t.token("customer", "c1")),
          "customers do not see the search");

      node().post("/v1/orders/" + orderId + "/cancel", t.key(), "{}");
      assertEquals(orderId, far.await("unassigned").get("orderId").asText());
      Eventually.await("far is free", () -> node().get("/v1/couriers/far", t.key()).json(),
          c -> c.get("load").asInt() == 0 && c.get("available").asBoolean());
    }
  }

  @Test
  void anIgnoredOfferExpiresAndTheLastRoundSendsTheOrderToPeople() throws Exception {
    TestTenant t = tenant("disp-expire");
    setDispatch(t, "{\"mode\":\"offer\",\"trigger\":\"created\",\"offerTimeoutSeconds\":5,\"maxOffers\":1}");
    try (CourierApp only = new CourierApp(t, "only", 52.521)) {
      String orderId = order(t, "o-1");
      JsonNode offer = only.await("offer");
      JsonNode revoked = only.await("offer.revoked");
      assertEquals(offer.get("offerId").asText(), revoked.get("offerId").asText());
      assertEquals("expired", revoked.get("reason").asText());
      JsonNode manual = awaitOrder(t, orderId, "manual");
      assertEquals(1, manual.get("assignment").get("attempts").asInt());
      assertEquals("no courier took it in 1 offer rounds", node().get("/v1/orders/" + orderId + "/events", t.key())
          .json().get(4).get("data").get("reason").asText());

      only.accept(offer.get("offerId").asText());
      JsonNode error = only.await("error");
      assertEquals("Offer not open", error.get("title").asText());

      TestTenant other = tenant("disp-expire-other");
      assertEquals(404, node().post("/v1/orders/" + orderId + "/dispatch", other.key(), "{}").status());
      assertEquals(404, node().post("/v1/couriers/only/offers/" + offer.get("offerId").asText() + "/accept",
          other.key(), "{}").status());

      RunningNode.Reply again = node().post("/v1/orders/" + orderId + "/dispatch", t.key(), "{}");
      assertEquals(200, again.status(), again.toString());
      assertEquals("searching", again.json().get("assignment").get("state").asText());
      JsonNode retried = only.await("offer");
      RunningNode.Reply accepted = node().post("/v1/couriers/only/offers/" + retried.get("offerId").asText()
          + "/accept", t.token("courier", "only"), "{}");
      assertEquals(200, accepted.status(), accepted.toString());
      assertEquals("only", awaitOrder(t, orderId, "assigned").get("courierId").asText());
    }
  }

  @Test
  void aBroadcastHasOneWinnerWhenEveryoneAcceptsAtOnce() throws Exception {
    TestTenant t = tenant("disp-broadcast");
    setDispatch(t, "{\"mode\":\"broadcast\",\"broadcastSize\":3,\"trigger\":\"created\"}");
    try (CourierApp a = new CourierApp(t, "a", 52.521); CourierApp b = new CourierApp(t, "b", 52.522);
        CourierApp c = new CourierApp(t, "c", 52.523)) {
      String orderId = order(t, "o-1");
      List<CourierApp> apps = List.of(a, b, c);
      List<JsonNode> offers = new ArrayList<>();
      for (CourierApp app : apps) {
        offers.add(app.await("offer"));
      }
      String offerId = offers.get(0).get("offerId").asText();
      offers.forEach(o -> assertEquals(offerId, o.get("offerId").asText()));
      CompletableFuture.allOf(apps.stream().map(app -> CompletableFuture.runAsync(() -> app.accept(offerId)))
          .toArray(CompletableFuture[]::new)).join();

      JsonNode assigned = awaitOrder(t, orderId, "assigned");
      String winner = assigned.get("courierId").asText();
      for (CourierApp app : apps) {
        if (app.id.equals(winner)) {
          assertEquals(orderId, app.await("assigned").get("orderId").asText());
        } else {
          assertEquals(offerId, app.await("offer.revoked").get("offerId").asText());
        }
      }
      for (CourierApp app : apps) {
        JsonNode courier = Eventually.await(app.id + " settled", () -> node().get("/v1/couriers/" + app.id, t.key())
            .json(), json -> !json.hasNonNull("offer"));
        assertEquals(app.id.equals(winner) ? 1 : 0, courier.get("load").asInt(), app.id);
      }
    }
  }

  @Test
  void autoAssignsTheBestCourierWithoutAsking() throws Exception {
    TestTenant t = tenant("disp-auto");
    setDispatch(t, "{\"mode\":\"auto\",\"trigger\":\"accepted\"}");
    try (CourierApp courier = new CourierApp(t, "k1", 52.521)) {
      String orderId = order(t, "o-1");
      courier.quietFor("offer", 700);
      assertEquals("unassigned", node().get("/v1/orders/" + orderId, t.key()).json()
          .get("assignment").get("state").asText(), "the trigger is accepted");
      node().post("/v1/orders/" + orderId + "/accept", t.key(), "{}");
      assertEquals(orderId, courier.await("assigned").get("orderId").asText());
      assertEquals("k1", awaitOrder(t, orderId, "assigned").get("courierId").asText());
    }
  }

  @Test
  void batchMatchesAWindowOfOrdersToDifferentCouriers() throws Exception {
    TestTenant t = tenant("disp-batch");
    setDispatch(t, "{\"mode\":\"batch\",\"batchWindowMillis\":500,\"trigger\":\"created\"}");
    try (CourierApp a = new CourierApp(t, "a", 52.521); CourierApp b = new CourierApp(t, "b", 52.56)) {
      String first = order(t, "o-1");
      String second = order(t, "o-2");
      JsonNode offerA = a.await("offer");
      JsonNode offerB = b.await("offer");
      assertEquals(Set.of(first, second), Set.of(offerA.get("orderId").asText(), offerB.get("orderId").asText()));
      JsonNode trail = node().get("/v1/orders/" + offerA.get("orderId").asText() + "/events", t.key()).json();
      assertEquals("batch", trail.get(2).get("data").get("mode").asText());
    }
  }

  private void zone(TestTenant t, String zoneId, String region, double minLon, double maxLon) {
    RunningNode.Reply reply = node().send(put("/v1/zones/" + zoneId, t.key(), "{\"name\":\"" + zoneId
        + "\",\"region\":\"" + region + "\",\"fee\":{\"base\":3,\"perKm\":1},\"area\":{\"type\":\"Polygon\","
        + "\"coordinates\":[[[" + minLon + ",52.3],[" + maxLon + ",52.3],[" + maxLon + ",52.7],[" + minLon + ",52.7],["
        + minLon + ",52.3]]]}}"));
    assertEquals(200, reply.status(), reply.toString());
    assertEquals(region, reply.json().get("region").asText());
  }

  @Test
  void eachRegionDispatchesItsOwnCouriersAndACourierFollowsItsMoves() throws Exception {
    TestTenant t = tenant("disp-regions");
    RunningNode.Reply bad = node().send(put("/v1/zones/west", t.key(), "{\"name\":\"West\",\"region\":\"no way\","
        + "\"fee\":{\"base\":3,\"perKm\":1},\"area\":" + CITY + "}"));
    assertEquals(422, bad.status(), bad.toString());
    assertEquals("region", bad.json().get("errors").get(0).get("field").asText());
    assertEquals(404, node().get("/v1/zones/west", t.key()).status(), "nothing defined");
    // the store (13.405) and the dropoff (13.45) are in the east
    zone(t, "west", "w", 13.0, 13.4);
    zone(t, "east", "e", 13.4, 13.8);
    setDispatch(t, "{\"mode\":\"offer\",\"trigger\":\"created\"}");
    try (CourierApp westerner = new CourierApp(t, "westerner", 52.52, 13.39);
        CourierApp easterner = new CourierApp(t, "easterner", 52.52, 13.45)) {
      String first = order(t, "o-1");
      JsonNode offer = easterner.await("offer");
      assertEquals(first, offer.get("orderId").asText(), "the westerner is nearer, but in another region");
      JsonNode decision = node().get("/v1/orders/" + first + "/events", t.key()).json().get(2).get("data");
      assertEquals("e", decision.get("region").asText());
      assertEquals(1, decision.get("candidates").size());

      easterner.decline(offer.get("offerId").asText());
      westerner.quietFor("offer", 700);
      westerner.moveTo(13.41);
      JsonNode second = westerner.await("offer");
      assertEquals(first, second.get("orderId").asText(), "in the east now");
      westerner.accept(second.get("offerId").asText());
      assertEquals("westerner", awaitOrder(t, first, "assigned").get("courierId").asText());

      assertEquals(200, node().post("/v1/couriers/easterner/shift", t.key(), "{\"online\":false}").status());
    }
    try (CourierApp roamer = new CourierApp(t, "roamer", 52.52, 13.45)) {
      roamer.moveTo(13.39);
      Eventually.await("roamer in the west", () -> node().get("/v1/couriers/roamer", t.key()).json(),
          courier -> courier.path("location").path("lon").asDouble() == 13.39);
      String next = order(t, "o-2");
      roamer.quietFor("offer", 1000);
      roamer.moveTo(13.45);
      assertEquals(next, roamer.await("offer").get("orderId").asText(), "back in the east");
    }
  }
}
