package org.dispatchengine.engine.live;

import org.apache.pekko.actor.ActorRef;
import org.apache.pekko.actor.NoSerializationVerificationNeeded;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.Extension;
import org.apache.pekko.actor.typed.ExtensionId;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.Terminated;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.Cluster;
import org.apache.pekko.cluster.pubsub.DistributedPubSub;
import org.apache.pekko.cluster.pubsub.DistributedPubSubMediator;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArraySet;

/**
 * Live updates over Pekko's distributed pub-sub: a topic exists only while someone subscribes to it, so a topic per
 * order costs nothing until a customer watches that order, and publishing to an unwatched topic is a lookup.
 *
 * <p>Every subscriber is also known here, on its own node. A node alone in its cluster hands each update straight to
 * its subscribers, from the publisher's thread, without the mediator and the topic's actor in between (ADR 0022);
 * with other members, updates go through the mediator, which knows where each topic has subscribers.
 */
public final class ClusterLiveUpdates implements LiveUpdates, Extension {
  /** One per actor system: publishers and subscribers of a node must share who subscribes here. */
  private static final ExtensionId<ClusterLiveUpdates> ID = new ExtensionId<>() {
    @Override
    public ClusterLiveUpdates createExtension(ActorSystem<?> system) {
      return new ClusterLiveUpdates(system);
    }
  };

  private final ActorRef mediator;
  private final Cluster cluster;
  private final Map<String, Set<ActorRef>> subscribersHere = new ConcurrentHashMap<>();
  private final org.apache.pekko.actor.typed.ActorRef<Subscription> registry;

  public static ClusterLiveUpdates get(ActorSystem<?> system) {
    return ID.apply(system);
  }

  private ClusterLiveUpdates(ActorSystem<?> system) {
    this.mediator = DistributedPubSub.get(Adapter.toClassic(system)).mediator();
    this.cluster = Cluster.get(Adapter.toClassic(system));
    this.registry = system.systemActorOf(registry(), "live-subscriptions", Props.empty());
  }

  @Override
  public void publish(String topic, Object message) {
    if (cluster.state().members().size() > 1) {
      mediator.tell(new DistributedPubSubMediator.Publish(topic, message), ActorRef.noSender());
      return;
    }
    Set<ActorRef> subscribers = subscribersHere.get(topic);
    if (subscribers != null) {
      for (ActorRef subscriber : subscribers) {
        subscriber.tell(message, ActorRef.noSender());
      }
    }
  }

  /**
   * Subscribes {@code subscriber} (a classic or adapted typed actor, or a stream stage's actor) to {@code topic} until
   * it stops; it receives a {@code SubscribeAck} once updates will reach it.
   */
  public void subscribe(String topic, ActorRef subscriber) {
    registry.tell(new Subscription(topic, subscriber));
  }

  /** Subscriptions of actors on this node: one per open order stream, live map and courier socket. */
  public int subscriptionsHere() {
    return subscribersHere.values().stream().mapToInt(Set::size).sum();
  }

  /** Told to this node's registry only. */
  private record Subscription(String topic, ActorRef subscriber) implements NoSerializationVerificationNeeded {}

  /** Knows every subscriber of this node, forgets it when it stops; the mediator does the same for itself. */
  private Behavior<Subscription> registry() {
    return Behaviors.setup(ctx -> {
      Map<ActorRef, List<String>> topicsOf = new HashMap<>();
      return Behaviors.receive(Subscription.class)
          .onMessage(Subscription.class, subscription -> {
            ActorRef subscriber = subscription.subscriber();
            subscribersHere.computeIfAbsent(subscription.topic(), topic -> new CopyOnWriteArraySet<>()).add(subscriber);
            topicsOf.computeIfAbsent(subscriber, ref -> {
              ctx.watch(Adapter.toTyped(ref));
              return new ArrayList<>();
            }).add(subscription.topic());
            // acknowledged to the subscriber after it is known here: it may count on every update from then on
            mediator.tell(new DistributedPubSubMediator.Subscribe(subscription.topic(), subscriber), subscriber);
            return Behaviors.same();
          })
          .onSignal(Terminated.class, stopped -> {
            ActorRef subscriber = Adapter.toClassic(stopped.getRef());
            for (String topic : topicsOf.getOrDefault(subscriber, List.of())) {
              subscribersHere.computeIfPresent(topic, (t, subscribers) -> {
                subscribers.remove(subscriber);
                return subscribers.isEmpty() ? null : subscribers;
              });
            }
            topicsOf.remove(subscriber);
            return Behaviors.same();
          })
          .build();
    });
  }
}
