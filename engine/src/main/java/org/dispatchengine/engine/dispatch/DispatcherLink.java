package org.dispatchengine.engine.dispatch;

import org.dispatchengine.engine.courier.CourierPosition;

/** How orders and couriers reach the dispatcher of their tenant's region. */
public interface DispatcherLink {
  /**
   * Tells a courier's position and availability to the dispatcher of the region it is in (starting that dispatcher if
   * it is not running) and, when the courier has moved from another region, tells that region's dispatcher it left.
   *
   * @param lastRegion what this answered for the courier's previous position; null when not known
   * @return the courier's region now, to be passed as {@code lastRegion} next time; null when still not known
   */
  String seen(CourierPosition position, String lastRegion);

  /** Asks the dispatcher of the order's region, the region of its zone. */
  void request(DispatchRequest request);

  /** The order, in zone {@code zoneId} (may be null), no longer needs a courier (assigned, ended, or handed to people). */
  void withdraw(String tenantId, String zoneId, String orderId);
}
