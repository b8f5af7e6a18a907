package org.dispatchengine.engine.dispatch;

import org.apache.pekko.actor.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.dispatchengine.engine.Ids;
import org.dispatchengine.engine.geo.LatLon;
import org.dispatchengine.engine.live.ClusterLiveUpdates;
import org.dispatchengine.engine.order.Order;
import org.dispatchengine.engine.setup.Definition;
import org.dispatchengine.engine.setup.Zones;

import java.util.Optional;

/** A dispatcher's links in a running node: pub-sub topics, this node's zone view, orders through sharding. */
public final class ClusterDispatcherLinks implements Dispatcher.Links {
  private final ClusterSharding sharding;
  private final ClusterLiveUpdates live;
  private final Zones zones;

  public ClusterDispatcherLinks(ActorSystem<?> system, ClusterLiveUpdates live, Zones zones) {
    this.sharding = ClusterSharding.get(system);
    this.live = live;
    this.zones = zones;
  }

  @Override
  public void subscribe(String topic, ActorRef subscriber) {
    live.subscribe(topic, subscriber);
  }

  @Override
  public Optional<String> zoneAt(String tenantId, LatLon point) {
    return zones.zoneAt(tenantId, point).map(Definition::id);
  }

  @Override
  public void propose(String tenantId, String orderId, int round, Decision decision) {
    sharding.entityRefFor(Order.ENTITY_KEY, Ids.entityId(tenantId, orderId)).tell(new Order.Propose(round, decision));
  }
}
