package org.dispatchengine.http.persistence;

import org.dispatchengine.engine.order.KeyClaim;
import org.dispatchengine.http.testing.RunningNode;
import org.dispatchengine.projections.db.DatabaseSettings;
import org.dispatchengine.projections.db.JournalPurge;
import org.dispatchengine.projections.testing.TestDatabases;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.time.Instant;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Expired idempotency claims are deleted from the journal; orders and everything else stay. */
class JournalPurgeTest {

  @Test
  void purgesExpiredClaimsOnlyOnH2() throws Exception {
    purgesExpiredClaimsOnly(TestDatabases.h2());
  }

  @Test
  void purgesExpiredClaimsOnlyOnPostgres() throws Exception {
    try (TestDatabases.Postgres postgres = TestDatabases.postgres()) {
      purgesExpiredClaimsOnly(postgres.settings());
    }
  }

  private static void purgesExpiredClaimsOnly(DatabaseSettings database) throws Exception {
    try (RunningNode node = RunningNode.start(database)) {
      String key = node.createTenant("purge-a");
      node.send(node.request("/v1/zones/all", key).header("Content-Type", "application/json")
          .PUT(HttpRequest.BodyPublishers.ofString("{\"name\":\"All\",\"area\":{\"type\":\"Polygon\",\"coordinates\":"
              + "[[[-10,-10],[10,-10],[10,10],[-10,10],[-10,-10]]]},\"fee\":{\"base\":1,\"perKm\":0}}")));
      int created = node.send(node.request("/v1/orders", key).header("Content-Type", "application/json")
          .header("Idempotency-Key", "purge-key")
          .POST(HttpRequest.BodyPublishers.ofString("{\"kind\":\"visit\",\"customerId\":\"c\","
              + "\"dropoff\":{\"lat\":1,\"lon\":1}}"))).status();
      assertEquals(201, created);
      DataSource dataSource = node.node().database().dataSource();
      String claims = KeyClaim.ENTITY_KEY.name() + "|purge-a:%";
      assertEquals(1, TestDatabases.journalRows(dataSource, claims));

      assertEquals(0, JournalPurge.purge(dataSource, KeyClaim.ENTITY_KEY.name(), Instant.now().minus(Duration.ofHours(1))),
          "a fresh claim is kept");
      assertEquals(1, JournalPurge.purge(dataSource, KeyClaim.ENTITY_KEY.name(), Instant.now().plusSeconds(60)));
      assertEquals(0, TestDatabases.journalRows(dataSource, claims));
      assertEquals(1, TestDatabases.journalRows(dataSource, "Order|purge-a:%"));
      assertEquals(1, TestDatabases.journalRows(dataSource, "Tenant|purge-a"));
    }
  }
}
