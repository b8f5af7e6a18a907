package org.dispatchengine.http.routes;

import com.fasterxml.jackson.databind.JsonNode;
import org.dispatchengine.http.testing.RunningNode;
import org.dispatchengine.http.testing.RunningNode.Reply;
import org.junit.jupiter.api.Test;

import java.net.http.HttpRequest;
import java.util.ArrayList;
import java.util.List;

import static org.dispatchengine.http.testing.RunningNode.ADMIN_TOKEN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The credential flow over a real port, run against each database by its subclasses. Every test owns its tenant ids.
 */
abstract class CredentialFlowContract {
  static final int MAX_BODY_BYTES = 4096;

  abstract RunningNode node();

  private static void assertProblem(Reply reply, int status) {
    assertEquals(status, reply.status(), reply.toString());
    assertEquals("application/problem+json", reply.contentType(), reply.toString());
    assertEquals(status, reply.json().get("status").asInt());
    assertTrue(reply.json().get("type").asText().startsWith("urn:dispatch-engine:problem:"));
    assertFalse(reply.raw().body().contains("Exception"), "no internals in " + reply);
  }

  private static List<String> errorFields(Reply reply) {
    List<String> fields = new ArrayList<>();
    reply.json().get("errors").forEach(e -> fields.add(e.get("field").asText()));
    return fields;
  }

  @Test
  void everyMessageIsSerializedAsIfItCrossedNodes() {
    assertTrue(node().node().system().settings().config().getBoolean("pekko.actor.serialize-messages"));
  }

  @Test
  void readyOnlyWhenEveryCheckPasses() {
    Reply ready = node().get("/health/ready", null);
    assertEquals(200, ready.status());
    JsonNode checks = ready.json().get("checks");
    assertTrue(checks.get("cluster").asBoolean());
    assertTrue(checks.get("sharding").asBoolean());
    assertTrue(checks.get("database").asBoolean());
    assertTrue(checks.get("tenants").asBoolean());
    assertEquals(200, node().get("/health/alive", null).status());
  }

  @Test
  void readinessWaitsForTheRegionOfEveryEntityTypeTheNodeRuns() {
    var system = org.apache.pekko.actor.typed.javadsl.Adapter.toClassic(node().node().system());
    // the read models' daemon processes run on sharding too; requests do not wait for them
    java.util.Set<String> entityTypes = org.apache.pekko.cluster.sharding.ClusterSharding.get(system)
        .getShardTypeNames().stream().filter(name -> !name.startsWith("sharded-daemon-process-"))
        .collect(java.util.stream.Collectors.toSet());
    assertEquals(entityTypes,
        java.util.Set.copyOf(system.settings().config().getStringList("pekko.cluster.sharding.healthcheck.names")));
  }

  @Test
  void operatorCreatesTenantWhoseKeyMintsAUserToken() {
    Reply created = node().post("/v1/tenants", ADMIN_TOKEN, "{\"id\":\"flow-a\",\"name\":\"Flow A\"}");
    assertEquals(201, created.status(), created.toString());
    assertEquals("flow-a", created.json().get("id").asText());
    assertEquals("active", created.json().get("status").asText());
    String apiKey = created.json().get("apiKey").asText();
    assertTrue(apiKey.startsWith("dk_"));

    Reply minted = node().post("/v1/tokens", apiKey,
        "{\"subject\":\"store-clerk\",\"role\":\"store\",\"storeId\":\"s-12\",\"ttlSeconds\":600}");
    assertEquals(201, minted.status(), minted.toString());
    String token = minted.json().get("token").asText();

    JsonNode me = node().get("/v1/me", token).json();
    assertEquals("flow-a", me.get("tenantId").asText());
    assertEquals("store", me.get("role").asText());
    assertEquals("store-clerk", me.get("subject").asText());
    assertEquals("s-12", me.get("storeId").asText());
    assertEquals(minted.json().get("expiresAt").asText().substring(0, 19), me.get("expiresAt").asText().substring(0, 19));

    JsonNode keyCaller = node().get("/v1/me", apiKey).json();
    assertEquals("tenant", keyCaller.get("role").asText());
    assertEquals("flow-a", keyCaller.get("tenantId").asText());

    Reply listed = node().get("/v1/tenants", ADMIN_TOKEN);
    List<String> ids = new ArrayList<>();
    listed.json().get("items").forEach(t -> ids.add(t.get("id").asText()));
    assertTrue(ids.contains("flow-a"), ids.toString());
    assertFalse(listed.raw().body().contains("signingSecret"));
    assertFalse(listed.raw().body().contains("keyHash"));
  }

  @Test
  void tenantIdIsTakenOnce() {
    node().createTenant("once-a");
    Reply again = node().post("/v1/tenants", ADMIN_TOKEN, "{\"id\":\"once-a\",\"name\":\"Again\"}");
    assertProblem(again, 409);
    assertEquals("tenant once-a exists", again.json().get("detail").asText());
  }

  @Test
  void onlyTheOperatorProvisionsTenants() {
    String apiKey = node().createTenant("prov-a");
    String adminToken = node().mintToken(apiKey, "admin", "boss");
    assertProblem(node().post("/v1/tenants", apiKey, "{\"id\":\"prov-b\",\"name\":\"B\"}"), 403);
    assertProblem(node().post("/v1/tenants", adminToken, "{\"id\":\"prov-b\",\"name\":\"B\"}"), 403);
    assertProblem(node().get("/v1/tenants/prov-a", apiKey), 403);
    assertProblem(node().post("/v1/tenants/prov-a/keys", apiKey, null), 403);
    assertProblem(node().get("/v1/tenants/prov-b", ADMIN_TOKEN), 404);
  }

  @Test
  void onlyATenantKeyMintsTokensAndOnlyForItsOwnTenant() {
    String keyA = node().createTenant("mint-a");
    node().createTenant("mint-b");
    String customer = node().mintToken(keyA, "customer", "c1");
    assertProblem(node().post("/v1/tokens", customer, "{\"subject\":\"x\",\"role\":\"admin\"}"), 403);
    assertProblem(node().post("/v1/tokens", ADMIN_TOKEN, "{\"subject\":\"x\",\"role\":\"admin\"}"), 403);
    // the tenant of a minted token is the key's, whatever the body says
    Reply smuggled = node().post("/v1/tokens", keyA, "{\"subject\":\"x\",\"role\":\"admin\",\"tenant\":\"mint-b\"}");
    assertProblem(smuggled, 422);
    assertEquals(List.of("tenant"), errorFields(smuggled));
    assertEquals("mint-a", node().get("/v1/me", customer).json().get("tenantId").asText());
  }

  @Test
  void suspendedTenantsCredentialsStopWorkingUntilResumed() {
    String apiKey = node().createTenant("susp-a");
    String token = node().mintToken(apiKey, "courier", "courier-7");

    Reply suspended = node().post("/v1/tenants/susp-a/suspend", ADMIN_TOKEN, null);
    assertEquals(200, suspended.status(), suspended.toString());
    assertEquals("suspended", suspended.json().get("status").asText());
    assertProblem(node().get("/v1/me", apiKey), 403);
    assertProblem(node().get("/v1/me", token), 403);
    assertEquals(200, node().post("/v1/tenants/susp-a/suspend", ADMIN_TOKEN, null).status(), "idempotent");

    assertEquals("active", node().post("/v1/tenants/susp-a/resume", ADMIN_TOKEN, null).json().get("status").asText());
    assertEquals(200, node().get("/v1/me", apiKey).status());
    assertEquals(200, node().get("/v1/me", token).status());
  }

  @Test
  void revokedKeyStopsWorkingAndOthersKeepWorking() {
    String first = node().createTenant("keys-a");
    Reply issued = node().post("/v1/tenants/keys-a/keys", ADMIN_TOKEN, null);
    assertEquals(201, issued.status(), issued.toString());
    String second = issued.json().get("apiKey").asText();
    String secondId = issued.json().get("keyId").asText();
    assertEquals(200, node().get("/v1/me", second).status());
    assertEquals(2, node().get("/v1/tenants/keys-a/keys", ADMIN_TOKEN).json().get("items").size());

    assertEquals(204, node().delete("/v1/tenants/keys-a/keys/" + secondId, ADMIN_TOKEN).status());
    assertProblem(node().get("/v1/me", second), 401);
    assertEquals(200, node().get("/v1/me", first).status());
    assertEquals(204, node().delete("/v1/tenants/keys-a/keys/" + secondId, ADMIN_TOKEN).status(), "retried revoke");
    assertProblem(node().delete("/v1/tenants/keys-a/keys/neverissued", ADMIN_TOKEN), 404);
    assertEquals(1, node().get("/v1/tenants/keys-a/keys", ADMIN_TOKEN).json().get("items").size());
  }

  @Test
  void missingOrWrongCredentialsAre401WithAChallenge() {
    Reply none = node().get("/v1/me", null);
    assertProblem(none, 401);
    assertEquals("Bearer realm=\"dispatch\"", none.header("WWW-Authenticate"));
    assertProblem(node().get("/v1/me", "wrong-admin-token"), 401);
    assertProblem(node().get("/v1/me", "dk_aaaaaaaaaaaaaaaa_forged"), 401);
    assertProblem(node().get("/v1/me", "eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0."), 401);
    assertProblem(node().send(node().request("/v1/me", null).header("Authorization", "Basic YTpi").GET()), 401);
  }

  @Test
  void badBodiesAreClientErrorsThatChangeNothing() {
    assertProblem(node().post("/v1/tenants", ADMIN_TOKEN, "{\"id\":"), 400);
    assertProblem(node().post("/v1/tenants", ADMIN_TOKEN, "[1,2]"), 422);
    assertProblem(node().post("/v1/tenants", ADMIN_TOKEN, "{\"id\":\"x\"} trailing"), 400);
    assertProblem(node().post("/v1/tenants", ADMIN_TOKEN, null), 400);

    Reply invalid = node().post("/v1/tenants", ADMIN_TOKEN, "{\"id\":\"bad id!\",\"name\":\"\",\"colour\":\"red\"}");
    assertProblem(invalid, 422);
    assertEquals(List.of("colour", "id", "name"), errorFields(invalid).stream().sorted().toList());

    Reply notJson = node().send(node().request("/v1/tenants", ADMIN_TOKEN)
        .header("Content-Type", "text/plain").POST(HttpRequest.BodyPublishers.ofString("{}")));
    assertProblem(notJson, 415);

    String huge = "{\"id\":\"big\",\"name\":\"" + "x".repeat(MAX_BODY_BYTES) + "\"}";
    assertProblem(node().post("/v1/tenants", ADMIN_TOKEN, huge), 413);
    assertProblem(node().get("/v1/tenants/big", ADMIN_TOKEN), 404);

    String tooLongId = "a".repeat(65);
    Reply badPathId = node().get("/v1/tenants/" + tooLongId, ADMIN_TOKEN);
    assertProblem(badPathId, 422);
    assertEquals(List.of("tenantId"), errorFields(badPathId));
    assertProblem(node().get("/v1/tenants/bad%20id", ADMIN_TOKEN), 422);
  }

  @Test
  void tokenRequestsAreValidated() {
    String apiKey = node().createTenant("tokval-a");
    Reply badRole = node().post("/v1/tokens", apiKey, "{\"subject\":\"u1\",\"role\":\"root\"}");
    assertProblem(badRole, 422);
    assertEquals(List.of("role"), errorFields(badRole));
    assertEquals(List.of("storeId"),
        errorFields(node().post("/v1/tokens", apiKey, "{\"subject\":\"u1\",\"role\":\"store\"}")));
    assertEquals(List.of("storeId"),
        errorFields(node().post("/v1/tokens", apiKey, "{\"subject\":\"u1\",\"role\":\"customer\",\"storeId\":\"s\"}")));
    assertEquals(List.of("ttlSeconds"),
        errorFields(node().post("/v1/tokens", apiKey, "{\"subject\":\"u1\",\"role\":\"customer\",\"ttlSeconds\":5}")));
    assertEquals(List.of("subject"),
        errorFields(node().post("/v1/tokens", apiKey, "{\"role\":\"customer\"}")));
  }

  @Test
  void requestsRefusedBeforeRoutingAreProblemsToo() {
    assertProblem(node().get("/v1/tenants/" + "x".repeat(3000), ADMIN_TOKEN), 414);
    assertProblem(node().send(node().request("/v1/me", ADMIN_TOKEN).header("X-Big", "y".repeat(9000)).GET()), 431);
  }

  @Test
  void unknownRoutesAndMethodsAreProblems() {
    assertProblem(node().get("/v1/nothing-here", ADMIN_TOKEN), 404);
    Reply wrongMethod = node().delete("/v1/tenants", ADMIN_TOKEN);
    assertProblem(wrongMethod, 405);
    assertEquals("POST, GET", wrongMethod.header("Allow"));
  }

  @Test
  void metricsAndDocsAreServed() {
    node().get("/health/alive", null);
    String metrics = node().get("/metrics", null).raw().body();
    assertTrue(metrics.contains("http_server_requests_seconds_count{method=\"GET\",route=\"/health/alive\",status=\"200\"}"),
        metrics);
    assertTrue(metrics.contains("pekko_cluster_members{status=\"up\"} 1.0"), metrics);
    assertTrue(metrics.contains("jvm_memory_used_bytes"));

    Reply page = node().get("/docs", null);
    assertEquals(200, page.status());
    assertTrue(page.raw().body().contains("/docs/openapi.yaml"));
    Reply bundle = node().get("/docs/assets/swagger-ui-bundle.js", null);
    assertEquals(200, bundle.status());
    assertTrue(bundle.raw().body().length() > 100_000);
    Reply spec = node().get("/docs/openapi.yaml", null);
    assertTrue(spec.raw().body().startsWith("openapi: 3"));
    assertNotNull(spec.contentType());
    assertProblem(node().get("/docs/assets/..%2F..%2Fapplication.conf", null), 404);
  }
}
