package org.dispatchengine.engine.dispatch;

import org.dispatchengine.engine.ClusterLinks;
import org.dispatchengine.engine.courier.CourierPosition;
import org.dispatchengine.engine.courier.CourierViews;
import org.dispatchengine.engine.geo.LatLon;
import org.dispatchengine.engine.order.Order;
import org.dispatchengine.engine.setup.Definition;
import org.dispatchengine.engine.setup.Zones;

import java.util.List;
import java.util.Optional;

/** A dispatcher's links in a running node: this node's zone and courier views, orders through {@link ClusterLinks}. */
public final class ClusterDispatcherLinks implements Dispatcher.Links {
  private final ClusterLinks links;
  private final Zones zones;
  private final CourierViews couriers;

  public ClusterDispatcherLinks(ClusterLinks links, Zones zones, CourierViews couriers) {
    this.links = links;
    this.zones = zones;
    this.couriers = couriers;
  }

  @Override
  public List<CourierPosition> knownCouriers(String tenantId, String region) {
    return couriers.online(tenantId).stream()
        .filter(c -> c.lastSample() != null && zones.regionAt(tenantId, c.lastSample().point()).equals(region))
        .map(c -> CourierPosition.of(c, c.lastSample()))
        .toList();
  }

  @Override
  public Optional<String> zoneAt(String tenantId, LatLon point) {
    return zones.zoneAt(tenantId, point).map(Definition::id);
  }

  @Override
  public void propose(String tenantId, String orderId, int round, Decision decision) {
    links.order(tenantId, orderId, new Order.Propose(round, decision));
  }
}
