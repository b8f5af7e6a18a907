package org.dispatchengine.engine.dispatch;

import org.dispatchengine.engine.courier.CourierPosition;
import org.dispatchengine.engine.setup.Zones;

import java.util.HashSet;
import java.util.Set;
import java.util.function.BiConsumer;

/**
 * Routes what orders and couriers tell dispatch to the dispatcher of their region: an order to that of its zone, a
 * courier to that of where it is (see {@link Zones#regionAt}). A tenant whose zones name no region has one dispatcher.
 */
public final class RegionRouter implements DispatcherLink {
  private final Zones zones;
  private final BiConsumer<String, Dispatcher.Command> dispatchers;

  /** @param dispatchers tells the dispatcher of the given entity id (see {@link Dispatcher#entityId}) a command */
  public RegionRouter(Zones zones, BiConsumer<String, Dispatcher.Command> dispatchers) {
    this.zones = zones;
    this.dispatchers = dispatchers;
  }

  @Override
  public String seen(CourierPosition position, String lastRegion) {
    String tenantId = position.tenantId();
    String region = position.fix() == null ? lastRegion : zones.regionAt(tenantId, position.fix().point());
    if (lastRegion == null) {
      // the first word since the courier entity (re)started: before that it may have been left in any region's index
      Set<String> elsewhere = new HashSet<>(zones.regions(tenantId));
      elsewhere.add("");
      elsewhere.remove(region);
      elsewhere.forEach(other -> tell(tenantId, other, new Dispatcher.Seen(position.unavailable())));
    } else if (!lastRegion.equals(region)) {
      tell(tenantId, lastRegion, new Dispatcher.Seen(position.unavailable()));
    }
    if (region != null) {
      tell(tenantId, region, new Dispatcher.Seen(position));
    }
    return region;
  }

  @Override
  public void request(DispatchRequest request) {
    tell(request.tenantId(), zones.regionOf(request.tenantId(), request.zoneId()), new Dispatcher.Request(request));
  }

  @Override
  public void withdraw(String tenantId, String zoneId, String orderId) {
    tell(tenantId, zones.regionOf(tenantId, zoneId), new Dispatcher.Withdraw(orderId));
  }

  private void tell(String tenantId, String region, Dispatcher.Command command) {
    dispatchers.accept(Dispatcher.entityId(tenantId, region), command);
  }
}
