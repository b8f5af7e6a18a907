package org.dispatchengine.http.routes;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.dispatchengine.http.testing.Eventually;
import org.dispatchengine.http.testing.RunningNode;
import org.dispatchengine.http.testing.WsClient;
import org.dispatchengine.projections.testing.TestDatabases;
import org.junit.jupiter.api.Test;

import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Instant;
import java.util.Map;

import static org.dispatchengine.http.testing.RunningNode.ADMIN_TOKEN;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Two nodes in one cluster on one PostgreSQL database, as cluster.conf deploys them. */
class ClusterTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private static int freePort() throws Exception {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  private static boolean twoMembersUp(RunningNode node) {
    return node.get("/metrics", null).raw().body().contains("pekko_cluster_members{status=\"up\"} 2.0");
  }

  private static double latitude(RunningNode node, String key) {
    return node.get("/v1/couriers/k1", key).json().path("location").path("lat").asDouble();
  }

  private static Map<String, Object> member(int port, String seed) {
    return Map.of("pekko.remote.artery.canonical.port", port, "dispatch.cluster.seed-nodes", seed);
  }

  @Test
  void nodesShareTenantsCouriersOrderStreamsAndOneConnectionPerCourier() throws Exception {
    int portA = freePort();
    String seed = "pekko://dispatch@127.0.0.1:" + portA;
    try (TestDatabases.Postgres database = TestDatabases.postgres();
         RunningNode a = RunningNode.start(database.settings(), member(portA, seed));
         RunningNode b = RunningNode.start(database.settings(), member(freePort(), seed))) {
      Eventually.await("two members up on both nodes", () -> twoMembersUp(a) && twoMembersUp(b), up -> up);

      String key = a.createTenant("clu-a");
      Eventually.await("node b knows the tenant created on node a", () -> b.get("/v1/me", key).status(),
          status -> status == 200);
      b.send(b.request("/v1/couriers/k1", key).header("Content-Type", "application/json")
          .PUT(HttpRequest.BodyPublishers.ofString("{\"name\":\"Kim\",\"vehicle\":\"bike\"}")));
      assertEquals(200, a.post("/v1/couriers/k1/shift", key, "{\"online\":true}").status());
      String token = b.mintToken(key, "courier", "k1");

      WsClient onA = WsClient.connect(URI.create("ws://127.0.0.1:" + a.node().port() + "/v1/ws/courier"),
          Map.of("Authorization", "Bearer " + token));
      onA.send("{\"type\":\"location\",\"lat\":52.5,\"lon\":13.4,\"at\":\"" + Instant.now().minusSeconds(10) + "\"}");
      Eventually.await("the position reported on a, read on b", () -> latitude(b, key), lat -> lat == 52.5);

      WsClient onB = WsClient.connect(URI.create("ws://127.0.0.1:" + b.node().port() + "/v1/ws/courier"),
          Map.of("Authorization", "Bearer " + token));
      JsonNode replaced = MAPPER.readTree(onA.next());
      assertEquals("Replaced", replaced.get("title").asText(), "a connection on another node replaces this one");
      onA.closeCode();
      onB.send("{\"type\":\"location\",\"lat\":52.5001,\"lon\":13.4,\"at\":\"" + Instant.now() + "\"}");
      Eventually.await("the position reported on b, read on a", () -> latitude(a, key), lat -> lat == 52.5001);
      assertEquals("clu-a", b.get("/v1/tenants", ADMIN_TOKEN).json().get("items").get(0).get("id").asText());
      onB.close();

      // an order's stream on each node: the order lives on one of them, so at least one stream is fed across nodes
      b.send(b.request("/v1/zones/all", key).header("Content-Type", "application/json").PUT(
          HttpRequest.BodyPublishers.ofString("{\"name\":\"All\",\"area\":{\"type\":\"Polygon\",\"coordinates\":"
              + "[[[-10,-10],[60,-10],[60,60],[-10,60],[-10,-10]]]},\"fee\":{\"base\":1,\"perKm\":0}}")));
      Eventually.await("node a knows the zone", () -> a.get("/v1/zones", key).json().get("items").size(), n -> n == 1);
      String orderId = a.send(a.request("/v1/orders", key).header("Content-Type", "application/json")
              .header("Idempotency-Key", "cluster-1")
              .POST(HttpRequest.BodyPublishers.ofString("{\"kind\":\"visit\",\"customerId\":\"c1\","
                  + "\"dropoff\":{\"lat\":52.5,\"lon\":13.4}}")))
          .json().get("id").asText();
      String customer = a.mintToken(key, "customer", "c1");
      WsClient watchA = watchOrder(a, orderId, customer);
      WsClient watchB = watchOrder(b, orderId, customer);
      assertEquals("snapshot", MAPPER.readTree(watchA.next()).get("type").asText());
      assertEquals("snapshot", MAPPER.readTree(watchB.next()).get("type").asText());
      assertEquals(200, b.post("/v1/orders/" + orderId + "/accept", key, null).status());
      for (WsClient watcher : new WsClient[] {watchA, watchB}) {
        JsonNode accepted = MAPPER.readTree(watcher.next());
        assertEquals("accepted", accepted.get("status").asText());
        assertEquals(2, accepted.get("seq").asInt());
        watcher.close();
      }
    }
  }

  private static WsClient watchOrder(RunningNode node, String orderId, String token) {
    return WsClient.connect(URI.create("ws://127.0.0.1:" + node.node().port() + "/v1/ws/orders/" + orderId),
        Map.of("Authorization", "Bearer " + token));
  }
}
