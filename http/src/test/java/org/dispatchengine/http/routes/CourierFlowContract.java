package org.dispatchengine.http.routes;

import com.fasterxml.jackson.databind.JsonNode;
import org.dispatchengine.http.testing.Eventually;
import org.dispatchengine.http.testing.RunningNode.Reply;
import org.junit.jupiter.api.Test;

import java.net.http.HttpRequest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Couriers over a real port: profile, shift, block, positions over REST and OsmAnd, assignment and arrival. */
abstract class CourierFlowContract extends FlowSupport {

  private static void assertStatus(int status, Reply reply) {
    assertEquals(status, reply.status(), reply.toString());
  }

  private Reply location(String courierId, String credential, String body) {
    return node().post("/v1/couriers/" + courierId + "/location", credential, body);
  }

  @Test
  void couriersAreDefinedAndWorkShifts() {
    TestTenant t = tenant("cour-a");
    Reply defined = node().send(put("/v1/couriers/k1", t.key(), "{\"name\":\"Kim\",\"vehicle\":\"car\",\"capacity\":3}"));
    assertStatus(200, defined);
    assertEquals("car", defined.json().get("vehicle").asText());
    assertEquals(3, defined.json().get("capacity").asInt());
    assertFalse(defined.json().get("online").asBoolean());
    assertEquals(List.of("capacity", "vehicle"), errorFieldsOf(node().send(put("/v1/couriers/k2", t.key(),
        "{\"name\":\"X\",\"vehicle\":\"rocket\",\"capacity\":0}"))));

    String kim = t.token("courier", "k1");
    JsonNode online = node().post("/v1/couriers/k1/shift", kim, "{\"online\":true}").json();
    assertTrue(online.get("online").asBoolean());
    assertTrue(online.get("available").asBoolean());
    assertStatus(403, node().post("/v1/couriers/k1/shift", t.token("courier", "k2"), "{\"online\":false}"));
    assertStatus(404, node().get("/v1/couriers/k1", t.token("customer", "c1")));

    JsonNode blocked = node().post("/v1/couriers/k1/block", t.key(), null).json();
    assertTrue(blocked.get("blocked").asBoolean());
    assertFalse(blocked.get("online").asBoolean());
    assertStatus(409, node().post("/v1/couriers/k1/shift", kim, "{\"online\":true}"));
    assertStatus(403, node().post("/v1/couriers/k1/unblock", kim, null));
    node().post("/v1/couriers/k1/unblock", t.key(), null);
    assertStatus(200, node().post("/v1/couriers/k1/shift", kim, "{\"online\":true}"));
  }

  private List<String> errorFieldsOf(Reply reply) {
    assertStatus(422, reply);
    List<String> fields = new ArrayList<>();
    reply.json().get("errors").forEach(e -> fields.add(e.get("field").asText()));
    return fields.stream().sorted().toList();
  }

  @Test
  void positionsAreReportedOverHttp() {
    TestTenant t = tenant("cour-b");
    onlineCourier(t, "k1", 1);
    String kim = t.token("courier", "k1");
    Reply accepted = location("k1", kim, "{\"lat\":52.51,\"lon\":13.41,\"speed\":4.5,\"heading\":90,\"at\":\"" + Instant.now() + "\"}");
    assertStatus(202, accepted);
    assertEquals("accepted", accepted.json().get("outcome").asText());
    assertEquals("stale", location("k1", kim, "{\"lat\":52.52,\"lon\":13.42,\"at\":\"2020-01-01T00:00:00Z\"}")
        .json().get("outcome").asText());
    assertEquals(List.of("at", "lat"), errorFieldsOf(location("k1", kim, "{\"lat\":95,\"lon\":13.42,\"at\":\"yesterday\"}")));

    JsonNode courier = node().get("/v1/couriers/k1", kim).json();
    assertEquals(52.51, courier.get("location").get("lat").asDouble());
    assertEquals(4.5, courier.get("location").get("speed").asDouble());
    assertStatus(403, location("k1", t.token("courier", "k2"), "{\"lat\":1,\"lon\":1}"));
    assertStatus(202, location("k1", t.key(), "{\"lat\":52.511,\"lon\":13.411}"));
  }

  @Test
  void anotherTenantsCouriersDoNotExist() {
    TestTenant a = tenant("cour-c");
    TestTenant b = tenant("cour-d");
    onlineCourier(a, "k1", 1);
    assertStatus(404, node().get("/v1/couriers/k1", b.key()));
    assertStatus(404, node().post("/v1/couriers/k1/shift", b.key(), "{\"online\":false}"));
    assertStatus(404, node().post("/v1/couriers/k1/block", b.key(), null));
    assertStatus(404, location("k1", b.token("courier", "k1"), "{\"lat\":1,\"lon\":1}"));
    assertStatus(404, node().get("/v1/osmand?id=k1&lat=1&lon=1&token=" + b.token("courier", "k1"), null));
    assertTrue(node().get("/v1/couriers/k1", a.key()).json().get("online").asBoolean());
  }

  @Test
  void osmAndAndTraccarClientReportsAreUnderstood() {
    TestTenant t = tenant("cour-e");
    onlineCourier(t, "k1", 1);
    String kim = t.token("courier", "k1");
    long now = Instant.now().getEpochSecond();

    assertStatus(200, node().get("/v1/osmand?id=k1&lat=52.5&lon=13.4&timestamp=" + (now - 30)
        + "&speed=10&bearing=45&accuracy=8&batt=80&token=" + kim, null));
    JsonNode first = node().get("/v1/couriers/k1", kim).json().get("location");
    assertEquals(5.144, first.get("speed").asDouble(), 0.001, "10 knots");
    assertEquals(45, first.get("heading").asInt());

    Reply form = node().send(node().request("/v1/osmand", null)
        .header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString("id=k1&lat=52.501&lon=13.401&timestamp=" + (now - 20) + "&token=" + kim)));
    assertStatus(200, form);
    assertEquals(52.501, node().get("/v1/couriers/k1", kim).json().get("location").get("lat").asDouble());

    String traccar = "{\"location\":{\"timestamp\":\"" + Instant.ofEpochSecond(now - 10) + "\",\"coords\":{\"latitude\":52.502,"
        + "\"longitude\":13.402,\"accuracy\":5,\"speed\":3.2,\"heading\":180,\"altitude\":40},\"is_moving\":true,"
        + "\"battery\":{\"level\":0.8,\"is_charging\":false},\"activity\":{\"type\":\"on_bicycle\"}},\"device_id\":\"k1\"}";
    assertStatus(200, node().post("/v1/osmand", kim, traccar));
    JsonNode last = node().get("/v1/couriers/k1", kim).json().get("location");
    assertEquals(52.502, last.get("lat").asDouble());
    assertEquals(3.2, last.get("speed").asDouble(), "m/s in the JSON encoding");

    assertStatus(401, node().get("/v1/osmand?id=k1&lat=52.5&lon=13.4", null));
    assertStatus(403, node().get("/v1/osmand?id=k2&lat=52.5&lon=13.4&token=" + kim, null));
    assertStatus(422, node().get("/v1/osmand?id=k1&lat=north&lon=13.4&token=" + kim, null));
    assertStatus(422, node().get("/v1/osmand?id=k1&lat=91&lon=13.4&token=" + kim, null));
  }

  @Test
  void aCourierNeverCarriesMoreThanItsCapacity() {
    TestTenant t = tenant("cour-f");
    onlineCourier(t, "k1", 1);
    String first = createOrder(t.key(), "a", pizza("c1")).json().get("id").asText();
    String second = createOrder(t.key(), "b", pizza("c2")).json().get("id").asText();
    assertStatus(200, node().post("/v1/orders/" + first + "/assign", t.key(), "{\"courierId\":\"k1\"}"));
    Reply full = node().post("/v1/orders/" + second + "/assign", t.key(), "{\"courierId\":\"k1\"}");
    assertStatus(409, full);
    assertEquals("courier k1 is at capacity (1 of 1 orders)", full.json().get("detail").asText());
    assertEquals("unassigned", node().get("/v1/orders/" + second, t.key()).json().get("assignment").get("state").asText());
    assertStatus(404, node().post("/v1/orders/" + second + "/assign", t.key(), "{\"courierId\":\"nobody\"}"));

    node().post("/v1/orders/" + first + "/cancel", t.key(), null);
    Eventually.await("the cancelled order released", () -> node().get("/v1/couriers/k1", t.key()).json(),
        c -> c.get("load").asInt() == 0);
    assertStatus(200, node().post("/v1/orders/" + second + "/assign", t.key(), "{\"courierId\":\"k1\"}"));
    assertEquals(List.of(second), List.of(node().get("/v1/couriers/k1", t.key()).json().get("activeOrders").get(0).asText()));
  }

  @Test
  void reachingAStopIsRecordedOnTheOrder() {
    TestTenant t = tenant("cour-g");
    onlineCourier(t, "k1", 2);
    String id = createOrder(t.key(), "a", pizza("c1")).json().get("id").asText();
    node().post("/v1/orders/" + id + "/assign", t.key(), "{\"courierId\":\"k1\"}");
    String kim = t.token("courier", "k1");
    assertStatus(202, location("k1", kim, "{\"lat\":52.5201,\"lon\":13.4051}"));

    JsonNode order = Eventually.await("the arrival recorded", () -> node().get("/v1/orders/" + id, kim).json(),
        o -> o.has("arrivedAtPickup"));
    assertFalse(order.has("arrivedAtDropoff"));
    JsonNode history = node().get("/v1/orders/" + id + "/events", t.key()).json();
    JsonNode arrival = history.get(history.size() - 1);
    assertEquals("arrived_at_pickup", arrival.get("type").asText());
    assertEquals("courier", arrival.get("by").get("role").asText());
    assertEquals("k1", arrival.get("by").get("subject").asText());
  }
}
