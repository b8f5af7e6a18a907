package org.dispatchengine.engine.live;

import org.apache.pekko.actor.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.cluster.pubsub.DistributedPubSub;
import org.apache.pekko.cluster.pubsub.DistributedPubSubMediator;

/**
 * Live updates over Pekko's distributed pub-sub: a topic exists only while someone subscribes to it, so a topic per
 * order costs nothing until a customer watches that order, and publishing to an unwatched topic is a lookup.
 */
public final class ClusterLiveUpdates implements LiveUpdates {
  private final ActorRef mediator;

  public ClusterLiveUpdates(ActorSystem<?> system) {
    this.mediator = DistributedPubSub.get(Adapter.toClassic(system)).mediator();
  }

  @Override
  public void publish(String topic, Object message) {
    mediator.tell(new DistributedPubSubMediator.Publish(topic, message), ActorRef.noSender());
  }

  /**
   * Subscribes {@code subscriber} (a classic or adapted typed actor) to {@code topic}; the subscriber receives a
   * {@code SubscribeAck} once updates will reach it.
   */
  public void subscribe(String topic, ActorRef subscriber) {
    mediator.tell(new DistributedPubSubMediator.Subscribe(topic, subscriber), subscriber);
  }
}
