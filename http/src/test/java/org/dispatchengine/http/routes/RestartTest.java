package org.dispatchengine.http.routes;

import org.dispatchengine.http.testing.RunningNode;
import org.dispatchengine.projections.db.DatabaseSettings;
import org.dispatchengine.projections.testing.TestDatabases;
import org.junit.jupiter.api.Test;

import static org.dispatchengine.http.testing.RunningNode.ADMIN_TOKEN;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** A stopped and restarted node rebuilds its tenant directory from the journal before it reports ready. */
class RestartTest {

  @Test
  void restartedNodeOnH2KnowsEveryTenantKeyAndSuspension() throws Exception {
    restartKeepsCredentials(TestDatabases.h2());
  }

  @Test
  void restartedNodeOnPostgresKnowsEveryTenantKeyAndSuspension() throws Exception {
    try (TestDatabases.Postgres postgres = TestDatabases.postgres()) {
      restartKeepsCredentials(postgres.settings());
    }
  }

  private static void restartKeepsCredentials(DatabaseSettings database) throws Exception {
    String activeKey;
    String suspendedKey;
    String token;
    try (RunningNode first = RunningNode.start(database)) {
      activeKey = first.createTenant("restart-a");
      suspendedKey = first.createTenant("restart-b");
      token = first.mintToken(activeKey, "customer", "cust-1");
      assertEquals(200, first.post("/v1/tenants/restart-b/suspend", ADMIN_TOKEN, null).status());
    }
    try (RunningNode second = RunningNode.start(database)) {
      assertEquals(200, second.get("/v1/me", activeKey).status());
      assertEquals("cust-1", second.get("/v1/me", token).json().get("subject").asText());
      assertEquals(403, second.get("/v1/me", suspendedKey).status());
      assertEquals(2, second.get("/v1/tenants", ADMIN_TOKEN).json().get("items").size());
    }
  }
}
