package org.dispatchengine.engine.dispatch;

import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.dispatchengine.engine.Ids;
import org.dispatchengine.engine.courier.CourierPosition;
import org.dispatchengine.engine.courier.CourierViews;
import org.dispatchengine.engine.geo.LatLon;
import org.dispatchengine.engine.order.Order;
import org.dispatchengine.engine.setup.Definition;
import org.dispatchengine.engine.setup.Zones;

import java.util.List;
import java.util.Optional;

/** A dispatcher's links in a running node: this node's zone and courier views, orders through sharding. */
public final class ClusterDispatcherLinks implements Dispatcher.Links {
  private final ClusterSharding sharding;
  private final Zones zones;

  private final CourierViews couriers;

  public ClusterDispatcherLinks(ActorSystem<?> system, Zones zones, CourierViews couriers) {
    this.sharding = ClusterSharding.get(system);
    this.zones = zones;
    this.couriers = couriers;
  }

  @Override
  public List<CourierPosition> knownCouriers(String tenantId) {
    return couriers.online(tenantId).stream()
        .filter(c -> c.lastSample() != null)
        .map(c -> CourierPosition.of(c, c.lastSample()))
        .toList();
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
