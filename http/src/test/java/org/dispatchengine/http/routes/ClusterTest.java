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
  void nodesShareTenantsCouriersAndOneConnectionPerCourier() throws Exception {
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
    }
  }
}
