package org.dispatchengine.http.persistence;

import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.pattern.StatusReply;
import org.dispatchengine.engine.tenant.Tenant;
import org.dispatchengine.http.testing.Eventually;
import org.dispatchengine.http.testing.RunningNode;
import org.dispatchengine.projections.testing.TestDatabases;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.dispatchengine.http.testing.RunningNode.ADMIN_TOKEN;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * 2,000 entities recovering and writing at the same moment: the journal's buffer and Slick's queue must absorb the
 * burst without opening the circuit breaker, and every acknowledged write must be in the journal.
 */
class JournalBurstPostgresTest {
  private static final int ENTITIES = 2_000;

  @Test
  void twoThousandEntitiesWritingAtOnceAreAllPersisted() throws Exception {
    try (TestDatabases.Postgres postgres = TestDatabases.postgres();
         RunningNode node = RunningNode.start(postgres.settings())) {
      ClusterSharding sharding = ClusterSharding.get(node.node().system());
      // recover every entity first, so that the writes below reach the journal at the same moment
      List<CompletableFuture<Void>> recoveries = new ArrayList<>();
      for (int i = 0; i < ENTITIES; i++) {
        recoveries.add(sharding.entityRefFor(Tenant.ENTITY_KEY, "burst-" + i)
            .askWithStatus(Tenant.Get::new, Duration.ofSeconds(60))
            .handle((tenant, notFound) -> (Void) null)
            .toCompletableFuture());
      }
      CompletableFuture.allOf(recoveries.toArray(CompletableFuture[]::new)).get(120, TimeUnit.SECONDS);

      List<CompletableFuture<Tenant.Created>> writes = new ArrayList<>();
      for (int i = 0; i < ENTITIES; i++) {
        String name = "Burst " + i;
        writes.add(sharding.entityRefFor(Tenant.ENTITY_KEY, "burst-" + i)
            .askWithStatus((ActorRef<StatusReply<Tenant.Created>> replyTo) -> new Tenant.Create(name, replyTo),
                Duration.ofSeconds(60))
            .toCompletableFuture());
      }
      CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new)).get(120, TimeUnit.SECONDS);
      assertEquals(ENTITIES, writes.stream().filter(w -> w.join().tenant().revision() == 1).count());

      assertEquals(ENTITIES, TestDatabases.journalRows(node.node().database().dataSource(), "Tenant|burst-%"));
      // and the node's directory, fed from the read journal, sees every one of them
      Eventually.await("every tenant listed", () -> node.get("/v1/tenants", ADMIN_TOKEN).json().get("items").size(),
          listed -> listed == ENTITIES);
    }
  }
}
