package org.dispatchengine.http.routes;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.cluster.pubsub.DistributedPubSubMediator;
import org.dispatchengine.engine.live.ClusterLiveUpdates;
import org.dispatchengine.engine.live.LiveUpdates;
import org.dispatchengine.engine.order.OrderUpdate;
import org.dispatchengine.http.testing.RunningNode;
import org.dispatchengine.http.testing.RunningNode.Reply;
import org.dispatchengine.projections.testing.TestDatabases;
import org.junit.jupiter.api.Test;

import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Zones, stores and orders over a real port, run against each database by its subclasses. */
abstract class OrderFlowContract extends FlowSupport {
  private static void assertProblem(Reply reply, int status) {
    assertEquals(status, reply.status(), reply.toString());
    assertEquals("application/problem+json", reply.contentType(), reply.toString());
  }

  private static List<String> errorFields(Reply reply) {
    assertEquals(422, reply.status(), reply.toString());
    List<String> fields = new ArrayList<>();
    reply.json().get("errors").forEach(e -> fields.add(e.get("field").asText()));
    return fields;
  }

  private long journalRows(String persistenceIdPattern) throws Exception {
    return TestDatabases.journalRows(node().node().database().dataSource(), persistenceIdPattern);
  }

  // ---- zones and stores

  @Test
  void zonesAreDefinedReadDeletedAndRestored() {
    TestTenant t = tenant("zones-a");
    JsonNode zone = node().get("/v1/zones/city", t.key()).json();
    assertEquals("Polygon", zone.get("area").get("type").asText());
    assertEquals(3.5, zone.get("fee").get("base").asDouble());
    assertEquals(5, zone.get("fee").get("minimum").asInt());

    Reply deleted = node().delete("/v1/zones/city", t.key());
    assertEquals(200, deleted.status());
    assertFalse(deleted.json().get("deletedAt").isNull());
    assertEquals(0, node().get("/v1/zones", t.key()).json().get("items").size());
    assertEquals(1, node().get("/v1/zones?includeDeleted=true", t.key()).json().get("items").size());
    assertEquals(List.of("dropoff"), errorFields(createOrder(t.key(), "k1", pizza("c1"))));
    assertProblem(node().send(put("/v1/zones/city", t.key(),
        "{\"name\":\"City\",\"area\":" + CITY + ",\"fee\":{\"base\":1,\"perKm\":1}}")), 409);

    Reply restored = node().post("/v1/zones/city/restore", t.key(), null);
    assertTrue(restored.json().path("deletedAt").isMissingNode());
    assertEquals(201, createOrder(t.key(), "k1", pizza("c1")).status());
  }

  @Test
  void badZonesAreRefusedFieldByField() {
    TestTenant t = tenant("zones-b");
    Reply unclosed = node().send(put("/v1/zones/z2", t.key(), "{\"name\":\"Z\",\"area\":{\"type\":\"Polygon\","
        + "\"coordinates\":[[[0,0],[1,0],[1,1],[0,1]]]},\"fee\":{\"base\":-1}}"));
    assertEquals(List.of("area", "fee.base", "fee.perKm"), errorFields(unclosed).stream().sorted().toList());
    assertEquals("every ring must be closed (its first and last positions equal)",
        unclosed.json().get("errors").get(0).get("message").asText());
    assertEquals(List.of("area"), errorFields(node().send(put("/v1/zones/z2", t.key(),
        "{\"name\":\"Z\",\"area\":{\"type\":\"Point\",\"coordinates\":[1,2]},\"fee\":{\"base\":1,\"perKm\":1}}"))));
    assertProblem(node().get("/v1/zones/z2", t.key()), 404);
  }

  @Test
  void storesAreReadableByTheTenantAndChangedByItsManagersOnly() {
    TestTenant t = tenant("stores-a");
    String customer = t.token("customer", "c1");
    assertEquals("Mitte", node().get("/v1/stores/s1", customer).json().get("name").asText());
    assertEquals(1, node().get("/v1/stores", customer).json().get("items").size());
    assertProblem(node().send(put("/v1/stores/s2", customer,
        "{\"name\":\"X\",\"location\":{\"lat\":1,\"lon\":1}}")), 403);
    Reply hours = node().send(put("/v1/stores/s2", t.key(), "{\"name\":\"X\",\"location\":{\"lat\":91,\"lon\":1},"
        + "\"openingHours\":{\"timeZone\":\"Mars/Olympus\",\"periods\":[{\"day\":\"xyz\",\"opens\":\"18:00\",\"closes\":\"09:00\"}]}}"));
    assertEquals(List.of("location.lat", "openingHours.periods[0].closes", "openingHours.periods[0].day",
        "openingHours.timeZone"), errorFields(hours).stream().sorted().toList());
    assertEquals(403, node().get("/v1/stores", RunningNode.ADMIN_TOKEN).status(), "the platform token has no tenant");
  }

  @Test
  void anotherTenantsZonesStoresAndOrdersDoNotExist() {
    TestTenant a = tenant("iso-a");
    TestTenant b = tenant("iso-b");
    String orderId = createOrder(a.key(), "k1", pizza("c1")).json().get("id").asText();
    node().delete("/v1/stores/s1", b.key());

    assertProblem(node().get("/v1/orders/" + orderId, b.key()), 404);
    assertProblem(node().get("/v1/orders/" + orderId + "/events", b.key()), 404);
    assertProblem(node().post("/v1/orders/" + orderId + "/accept", b.key(), null), 404);
    assertProblem(node().post("/v1/orders/" + orderId + "/cancel", b.token("admin", "boss"), null), 404);
    assertProblem(node().post("/v1/orders/" + orderId + "/assign", b.key(), "{\"courierId\":\"k1\"}"), 404);
    assertEquals(List.of("storeId"), errorFields(createOrder(b.key(), "k1", pizza("c1"))),
        "b's own store s1 is deleted; a's store s1 is not b's");
    assertEquals("active", node().get("/v1/stores/s1", a.key()).json().has("deletedAt") ? "deleted" : "active");
    assertEquals(0, node().get("/v1/stores", b.key()).json().get("items").size());
    assertEquals("pending", node().get("/v1/orders/" + orderId, a.key()).json().get("status").asText());

    node().send(put("/v1/zones/only-a", a.key(), "{\"name\":\"A\",\"area\":" + CITY + ",\"fee\":{\"base\":1,\"perKm\":1}}"));
    node().send(put("/v1/stores/only-a", a.key(), "{\"name\":\"A\",\"location\":{\"lat\":1,\"lon\":1}}"));
    for (String path : List.of("/v1/zones/only-a", "/v1/stores/only-a")) {
      assertProblem(node().get(path, b.key()), 404);
      assertProblem(node().delete(path, b.key()), 404);
      assertProblem(node().post(path + "/restore", b.key(), null), 404);
      assertEquals(200, node().get(path, a.key()).status());
      assertTrue(node().get(path, a.key()).json().path("deletedAt").isMissingNode());
    }
    node().send(put("/v1/settings/orders", a.key(), "{\"requireProofOfDelivery\":true}"));
    assertFalse(node().get("/v1/settings/orders", b.key()).json().get("requireProofOfDelivery").asBoolean());
  }

  // ---- creation and idempotency

  @Test
  void createsAPricedPendingOrderInItsZone() {
    TestTenant t = tenant("create-a");
    Reply created = createOrder(t.key(), "k1", pizza("c1"));
    assertEquals(201, created.status(), created.toString());
    JsonNode order = created.json();
    assertEquals("/v1/orders/" + order.get("id").asText(), created.header("Location"));
    assertEquals("pending", order.get("status").asText());
    assertEquals("delivery", order.get("kind").asText());
    assertEquals("city", order.get("zoneId").asText());
    assertEquals(8.03, order.get("fee").asDouble(), 1e-9, "3.50 + 1.20 x 3.77 km");
    assertEquals(52.52, order.get("pickup").get("lat").asDouble());
    assertEquals("unassigned", order.get("assignment").get("state").asText());
    assertEquals(0, order.get("assignment").get("attempts").asInt());
    assertTrue(order.get("courierId") == null);
    assertEquals(1, order.get("seq").asInt());
    assertEquals(order, node().get("/v1/orders/" + order.get("id").asText(), t.key()).json());
  }

  @Test
  void sameKeyAndBodyAnswerTheSameOrderAndAnotherBodyIsRefused() {
    TestTenant t = tenant("idem-a");
    Reply first = createOrder(t.key(), "key-1", pizza("c1"));
    String orderId = first.json().get("id").asText();
    node().post("/v1/orders/" + orderId + "/accept", t.key(), null);

    Reply again = createOrder(t.key(), "key-1", "{\"customerId\":\"c1\",\"items\":[{\"quantity\":2,\"name\":\"Pizza\"}],"
        + "\"dropoff\":" + DROPOFF + ",\"storeId\":\"s1\"}");
    assertEquals(201, again.status());
    assertEquals(first.raw().body(), again.raw().body(), "the same answer, byte for byte, whatever the field order");

    Reply other = createOrder(t.key(), "key-1", pizza("c2"));
    assertEquals(List.of("Idempotency-Key"), errorFields(other));
    assertEquals("was already used with a different request", other.json().get("errors").get(0).get("message").asText());
  }

  @Test
  void twentyConcurrentIdenticalRequestsMakeOneOrder() throws Exception {
    TestTenant t = tenant("idem-b");
    ExecutorService pool = Executors.newFixedThreadPool(20);
    try {
      List<CompletableFuture<Reply>> replies = new ArrayList<>();
      for (int i = 0; i < 20; i++) {
        replies.add(CompletableFuture.supplyAsync(() -> createOrder(t.key(), "same-key", pizza("c1")), pool));
      }
      Set<String> bodies = new HashSet<>();
      for (CompletableFuture<Reply> reply : replies) {
        assertEquals(201, reply.get().status(), reply.get().toString());
        bodies.add(reply.get().raw().body());
      }
      assertEquals(1, bodies.size());
      assertEquals(1, journalRows("Order|idem-b:%"), "exactly one order event in the journal");
    } finally {
      pool.shutdown();
    }
  }

  @Test
  void customersKeysAreTheirOwn() {
    TestTenant t = tenant("idem-c");
    Reply alice = createOrder(t.token("customer", "alice"), "k", "{\"storeId\":\"s1\",\"dropoff\":" + DROPOFF + "}");
    Reply bob = createOrder(t.token("customer", "bob"), "k", "{\"storeId\":\"s1\",\"dropoff\":" + DROPOFF + "}");
    assertEquals(201, alice.status(), alice.toString());
    assertEquals(201, bob.status(), bob.toString());
    assertEquals("alice", alice.json().get("customerId").asText());
    assertFalse(alice.json().get("id").equals(bob.json().get("id")));
    assertProblem(createOrder(t.token("customer", "bob"), "k2", pizza("alice")), 403);
    assertProblem(createOrder(t.storeToken("clerk", "s1"), "k3", pizza("c1")), 403);
  }

  @Test
  void externalRefAndClientIdsAreIdempotentToo() {
    TestTenant t = tenant("idem-d");
    String withRef = "{\"externalRef\":\"UE-1/a\",\"storeId\":\"s1\",\"dropoff\":" + DROPOFF + ",\"customerId\":\"c1\"}";
    Reply first = createOrder(t.key(), null, withRef);
    assertEquals(201, first.status(), first.toString());
    assertEquals(first.raw().body(), createOrder(t.key(), null, withRef).raw().body());
    assertEquals(List.of("externalRef"), errorFields(createOrder(t.key(), null, withRef.replace("c1", "c2"))));

    String withId = "{\"id\":\"o-77\",\"storeId\":\"s1\",\"dropoff\":" + DROPOFF + ",\"customerId\":\"c1\"}";
    assertEquals("o-77", createOrder(t.key(), null, withId).json().get("id").asText());
    assertEquals(201, createOrder(t.key(), null, withId).status());
    Reply reused = createOrder(t.key(), null, withId.replace("c1", "c9"));
    assertProblem(reused, 409);
    assertEquals("order o-77 already exists with other content", reused.json().get("detail").asText());

    assertEquals(List.of("Idempotency-Key"), errorFields(createOrder(t.key(), null, pizza("c1"))));
  }

  @Test
  void badOrderRequestsAreFieldErrorsThatCreateNothing() throws Exception {
    TestTenant t = tenant("bad-a");
    assertEquals(List.of("customerId", "dropoff"),
        errorFields(createOrder(t.key(), "k", "{\"storeId\":\"s1\"}")).stream().sorted().toList());
    assertEquals(List.of("dropoff.lat", "dropoff.lon"),
        errorFields(createOrder(t.key(), "k", "{\"storeId\":\"s1\",\"customerId\":\"c\",\"dropoff\":{\"lat\":\"x\",\"lon\":181}}")));
    assertEquals(List.of("items[0].quantity", "items[1].name"), errorFields(createOrder(t.key(), "k",
        "{\"storeId\":\"s1\",\"customerId\":\"c\",\"dropoff\":" + DROPOFF
            + ",\"items\":[{\"name\":\"A\",\"quantity\":-1},{\"quantity\":1}]}")));
    assertEquals(List.of("notes"), errorFields(createOrder(t.key(), "k", "{\"storeId\":\"s1\",\"customerId\":\"c\","
        + "\"dropoff\":" + DROPOFF + ",\"notes\":\"" + "n".repeat(1001) + "\"}")));
    StringBuilder items = new StringBuilder();
    for (int i = 0; i < 101; i++) {
      items.append(i == 0 ? "" : ",").append("{\"name\":\"x\",\"quantity\":1}");
    }
    assertEquals(List.of("items"), errorFields(createOrder(t.key(), "k", "{\"storeId\":\"s1\",\"customerId\":\"c\","
        + "\"dropoff\":" + DROPOFF + ",\"items\":[" + items + "]}")));
    assertEquals(List.of("storeId"), errorFields(createOrder(t.key(), "k", pizza("c").replace("s1", "nope"))));
    assertEquals(List.of("dropoff"), errorFields(createOrder(t.key(), "k",
        "{\"storeId\":\"s1\",\"customerId\":\"c\",\"dropoff\":{\"lat\":48.1,\"lon\":11.5}}")));
    assertEquals(List.of("colour"), errorFields(createOrder(t.key(), "k", pizza("c").replace("{\"storeId\"", "{\"colour\":1,\"storeId\""))));
    assertEquals(List.of("pickup"), errorFields(createOrder(t.key(), "k", "{\"kind\":\"visit\",\"pickup\":{\"lat\":52.5,"
        + "\"lon\":13.4},\"customerId\":\"c\",\"dropoff\":" + DROPOFF + "}")));
    Reply text = node().send(node().request("/v1/orders", t.key()).header("Content-Type", "text/plain")
        .header("Idempotency-Key", "k").POST(HttpRequest.BodyPublishers.ofString(pizza("c"))));
    assertProblem(text, 415);
    assertEquals(0, journalRows("Order|bad-a:%"));
    assertEquals(0, journalRows("KeyClaim|bad-a:%"));
  }

  // ---- lifecycle

  @Test
  void storeCourierAndCustomerEachDoTheirPart() {
    TestTenant t = tenant("life-a");
    String store = t.storeToken("clerk", "s1");
    String courier = t.token("courier", "k1");
    String customer = t.token("customer", "c1");
    String id = createOrder(customer, "k", "{\"storeId\":\"s1\",\"dropoff\":" + DROPOFF + "}").json().get("id").asText();
    String path = "/v1/orders/" + id;

    assertProblem(node().post(path + "/accept", customer, null), 403);
    assertEquals("accepted", node().post(path + "/accept", store, null).json().get("status").asText());
    assertEquals(200, node().post(path + "/accept", store, null).status(), "a repeated transition is acknowledged");
    Reply tooEarly = node().post(path + "/pickup", t.key(), null);
    assertProblem(tooEarly, 409);
    assertEquals("order " + id + " is accepted; it cannot become picked_up", tooEarly.json().get("detail").asText());
    assertEquals("ready", node().post(path + "/ready", store, null).json().get("status").asText());
    assertProblem(node().get(path, courier), 404);
    onlineCourier(t, "k1", 1);
    assertEquals("k1", node().post(path + "/assign", t.key(), "{\"courierId\":\"k1\"}").json().get("courierId").asText());
    assertEquals("assigned", node().get(path, courier).json().get("assignment").get("state").asText());
    assertProblem(node().get(path, t.token("courier", "k2")), 404);
    assertProblem(node().post(path + "/cancel", customer, "{\"reason\":\"late\"}"), 409);
    assertEquals("picked_up", node().post(path + "/pickup", courier, null).json().get("status").asText());
    assertProblem(node().post(path + "/cancel", store, null), 409);
    Reply delivered = node().post(path + "/deliver", courier, "{\"proof\":{\"type\":\"photo\",\"url\":\"https://img.example/1.jpg\"}}");
    assertEquals("delivered", delivered.json().get("status").asText());
    assertEquals("photo", delivered.json().get("proof").get("type").asText());

    JsonNode history = node().get(path + "/events", customer).json();
    List<String> types = new ArrayList<>();
    history.forEach(e -> types.add(e.get("type").asText()));
    assertEquals(List.of("created", "accepted", "ready", "assigned", "picked_up", "delivered"), types);
    assertEquals(1, history.get(0).get("seq").asInt());
    assertEquals(6, history.get(5).get("seq").asInt());
    assertEquals("customer", history.get(0).get("by").get("role").asText());
    assertEquals("clerk", history.get(1).get("by").get("subject").asText());
    assertEquals("k1", history.get(3).get("data").get("courierId").asText());
    assertEquals("https://img.example/1.jpg", history.get(5).get("data").get("proof").get("url").asText());
    assertProblem(node().get(path + "/events", t.token("customer", "c2")), 404);
  }

  @Test
  void customersCancelOnlyTheirOwnPendingOrders() {
    TestTenant t = tenant("cancel-a");
    String id = createOrder(t.key(), "k", pizza("c1")).json().get("id").asText();
    assertProblem(node().post("/v1/orders/" + id + "/cancel", t.token("customer", "c2"), null), 404);
    Reply cancelled = node().post("/v1/orders/" + id + "/cancel", t.token("customer", "c1"), "{\"reason\":\"too slow\"}");
    assertEquals("cancelled", cancelled.json().get("status").asText());
    assertEquals("too slow", cancelled.json().get("reason").asText());
    assertProblem(node().post("/v1/orders/" + id + "/accept", t.key(), null), 409);
  }

  @Test
  void proofOfDeliveryCanBeRequired() {
    TestTenant t = tenant("proof-a");
    assertEquals(true, node().send(put("/v1/settings/orders", t.key(), "{\"requireProofOfDelivery\":true}"))
        .json().get("requireProofOfDelivery").asBoolean());
    assertTrue(node().get("/v1/settings/orders", t.token("courier", "k1")).json().get("requireProofOfDelivery").asBoolean());
    String id = createOrder(t.key(), "k", pizza("c1")).json().get("id").asText();
    for (String step : List.of("accept", "ready", "pickup")) {
      assertEquals(200, node().post("/v1/orders/" + id + "/" + step, t.key(), null).status());
    }
    assertEquals(List.of("proof"), errorFields(node().post("/v1/orders/" + id + "/deliver", t.key(), null)));
    assertEquals(List.of("proof.pin"), errorFields(node().post("/v1/orders/" + id + "/deliver", t.key(),
        "{\"proof\":{\"type\":\"pin\",\"pin\":\"12\"}}")));
    assertEquals(List.of("proof"), errorFields(node().post("/v1/orders/" + id + "/cancel", t.key(),
        "{\"proof\":{\"type\":\"pin\",\"pin\":\"1234\"}}")));
    assertEquals("delivered", node().post("/v1/orders/" + id + "/deliver", t.key(),
        "{\"proof\":{\"type\":\"pin\",\"pin\":\"1234\"}}").json().get("status").asText());
    assertProblem(node().send(put("/v1/settings/orders", t.token("courier", "k1"), "{\"requireProofOfDelivery\":false}")), 403);
  }

  @Test
  void aVisitGoesStraightToTheCustomer() {
    TestTenant t = tenant("visit-a");
    Reply created = createOrder(t.key(), "k", "{\"kind\":\"visit\",\"customerId\":\"c1\",\"dropoff\":" + DROPOFF + "}");
    assertEquals(201, created.status(), created.toString());
    assertNull(created.json().get("pickup"));
    assertEquals(5.0, created.json().get("fee").asDouble(), "no distance: the zone's minimum");
    String path = "/v1/orders/" + created.json().get("id").asText();
    node().post(path + "/accept", t.key(), null);
    onlineCourier(t, "tech-1", 1);
    node().post(path + "/assign", t.key(), "{\"courierId\":\"tech-1\"}");
    assertProblem(node().post(path + "/pickup", t.token("courier", "tech-1"), null), 409);
    assertEquals("delivered", node().post(path + "/deliver", t.token("courier", "tech-1"), null).json().get("status").asText());
  }

  @Test
  void everyChangeIsPublishedToTheOrderAndTenantTopics() {
    TestTenant t = tenant("live-a");
    TestProbe<Object> probe = TestProbe.create(node().node().system());
    ClusterLiveUpdates.get(node().node().system()).subscribe(LiveUpdates.tenantTopic("live-a"), Adapter.toClassic(probe.ref()));
    probe.expectMessageClass(DistributedPubSubMediator.SubscribeAck.class, Duration.ofSeconds(10));

    String id = createOrder(t.key(), "k", pizza("c1")).json().get("id").asText();
    node().post("/v1/orders/" + id + "/accept", t.key(), null);

    OrderUpdate created = probe.expectMessageClass(OrderUpdate.class, Duration.ofSeconds(10));
    OrderUpdate accepted = probe.expectMessageClass(OrderUpdate.class, Duration.ofSeconds(10));
    assertEquals(List.of("created", "accepted"), List.of(created.type(), accepted.type()));
    assertEquals(List.of(1L, 2L), List.of(created.seq(), accepted.seq()));
    assertEquals(id, accepted.order().orderId());
    assertEquals("live-a", accepted.tenantId());
  }
}
