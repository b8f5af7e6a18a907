package org.dispatchengine.http.routes;

import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.cluster.sharding.ShardRegion;
import org.apache.pekko.cluster.sharding.typed.GetShardRegionState;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.dispatchengine.engine.Ids;
import org.dispatchengine.engine.courier.Courier;
import org.dispatchengine.http.testing.Eventually;
import org.dispatchengine.http.testing.NodeExtension;
import org.dispatchengine.http.testing.RunningNode;
import org.dispatchengine.http.testing.WsClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A socket tells its reports straight to the courier entity once it has answered (ADR 0020). The entity, not its shard,
 * judges when it is idle (the shard no longer sees its reports): a courier that keeps reporting stays, one that went
 * quiet is passivated (here after a second), and the next reports must find the courier's next incarnation.
 */
class CourierSocketEntityEndsTest extends FlowSupport {
  @RegisterExtension
  static final NodeExtension NODE = NodeExtension.onH2(Map.of(
      "pekko.cluster.sharding.passivation.default-idle-strategy.idle-entity.timeout", "1s"));

  @Override
  RunningNode node() {
    return NODE.node();
  }

  private double latitudeOf(TestTenant t, String courierId) {
    return node().get("/v1/couriers/" + courierId, t.key()).json().path("location").path("lat").asDouble();
  }

  private Set<String> runningCouriers() throws Exception {
    var system = node().node().system();
    ShardRegion.CurrentShardRegionState state = AskPattern.<org.apache.pekko.cluster.sharding.typed.ClusterShardingQuery,
            ShardRegion.CurrentShardRegionState>ask(ClusterSharding.get(system).shardState(),
            replyTo -> new GetShardRegionState(Courier.ENTITY_KEY, replyTo), Duration.ofSeconds(5), system.scheduler())
        .toCompletableFuture().get();
    return state.getShards().stream().flatMap(shard -> shard.getEntityIds().stream()).collect(Collectors.toSet());
  }

  /** Courier k1 of {@code t}, online, connected, and answered once: its socket now reports to the entity itself. */
  private WsClient reportingCourier(TestTenant t) {
    onlineCourier(t, "k1", 1);
    WsClient kim = WsClient.connect(URI.create("ws://127.0.0.1:" + node().node().port() + "/v1/ws/courier"),
        Map.of("Authorization", "Bearer " + t.token("courier", "k1")));
    kim.send("{\"type\":\"location\",\"lat\":52.5,\"lon\":13.41}");
    Eventually.await("the first report arrived", () -> latitudeOf(t, "k1"), lat -> lat == 52.5);
    return kim;
  }

  @Test
  void aCourierReportingOverItsSocketIsNotPassivated() throws Exception {
    TestTenant t = tenant("keeps-reporting");
    WsClient kim = reportingCourier(t);
    String entityId = Ids.entityId(t.id(), "k1");
    // three idle times of reports told to the entity itself, four a second, and nothing else for it; a shard judging
    // idleness by what passes through it would passivate the entity within the first one and a half
    long until = System.nanoTime() + Duration.ofSeconds(3).toNanos();
    int sent = 0;
    while (System.nanoTime() < until) {
      // checked before each report: a passivated entity would only start again with the next one
      assertTrue(runningCourierSafely().contains(entityId), "running after " + sent + " reports");
      kim.send("{\"type\":\"location\",\"lat\":" + (52.5 + ++sent / 100_000.0) + ",\"lon\":13.41}");
      assertNull(kim.poll(250), "no error frame");
    }
    kim.close();
  }

  @Test
  void reportsReachTheCourierAfterItsEntityEnded() throws Exception {
    TestTenant t = tenant("entity-ends");
    WsClient kim = reportingCourier(t);
    String entityId = Ids.entityId(t.id(), "k1");
    Eventually.await("the courier's entity passivated", this::runningCourierSafely,
        running -> !running.contains(entityId));
    // the position lived in the ended entity's memory only: a report must reach a new incarnation. Sent again until
    // one does, as an app reports on: one told in the instant before the socket learned of the end is lost with it;
    // told to the ended entity for good, none would arrive
    Eventually.await("reports after the entity ended arrive", () -> {
      kim.send("{\"type\":\"location\",\"lat\":52.52,\"lon\":13.41}");
      return latitudeOf(t, "k1");
    }, lat -> lat == 52.52);
    kim.close();
  }

  private Set<String> runningCourierSafely() {
    try {
      return runningCouriers();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
