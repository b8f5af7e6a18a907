package org.dispatchengine.engine.live;

import com.typesafe.config.ConfigFactory;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.pubsub.DistributedPubSubMediator;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** One node, alone in its cluster: updates go from the publisher straight to the subscribers known here. */
class ClusterLiveUpdatesTest {
  private ActorTestKit kit;
  private ClusterLiveUpdates live;

  @BeforeEach
  void start() {
    kit = ActorTestKit.create(ConfigFactory.parseString("""
        pekko.actor.provider = cluster
        pekko.remote.artery.canonical.hostname = 127.0.0.1
        pekko.remote.artery.canonical.port = 0
        """).withFallback(ConfigFactory.load()));
    Cluster cluster = Cluster.get(kit.system());
    cluster.manager().tell(Join.create(cluster.selfMember().address()));
    live = ClusterLiveUpdates.get(kit.system());
  }

  @AfterEach
  void stop() {
    kit.shutdownTestKit();
  }

  private void subscribed(TestProbe<Object> probe, String topic, ActorRef<Object> subscriber) {
    live.subscribe(topic, Adapter.toClassic(subscriber));
    probe.expectMessageClass(DistributedPubSubMediator.SubscribeAck.class);
  }

  @Test
  void subscribersGetTheirTopicsUpdatesInOrderAndNoOthers() {
    TestProbe<Object> probe = kit.createTestProbe();
    subscribed(probe, "order:t1:o1", probe.ref());

    live.publish("order:t1:o1", "assigned");
    live.publish("order:t1:o2", "someone else's");
    live.publish("order:t1:o1", "picked_up");

    assertEquals("assigned", probe.receiveMessage());
    assertEquals("picked_up", probe.receiveMessage());
    probe.expectNoMessage(Duration.ofMillis(200));
    assertEquals(1, live.subscriptionsHere());
  }

  @Test
  void aSubscriberThatStopsIsForgotten() {
    TestProbe<Object> probe = kit.createTestProbe();
    ActorRef<Object> watcher = kit.spawn(Behaviors.receive(Object.class)
        .onAnyMessage(message -> {
          probe.ref().tell(message);
          return Behaviors.same();
        })
        .build());
    subscribed(probe, "order:t1:o1", watcher);
    subscribed(probe, "live:t1", watcher);
    assertEquals(2, live.subscriptionsHere());

    kit.stop(watcher);

    probe.awaitAssert(() -> {
      assertEquals(0, live.subscriptionsHere());
      return null;
    });
    live.publish("order:t1:o1", "assigned");
    probe.expectNoMessage(Duration.ofMillis(200));
  }
}
