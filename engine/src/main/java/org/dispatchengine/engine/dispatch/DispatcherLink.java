package org.dispatchengine.engine.dispatch;

import org.dispatchengine.engine.courier.CourierPosition;

/** How orders and couriers reach their tenant's dispatcher. */
public interface DispatcherLink {
  /** A courier's position and availability; also starts the dispatcher if it is not running. */
  void seen(CourierPosition position);

  void request(DispatchRequest request);

  /** The order no longer needs a courier (assigned, ended, or handed to people). */
  void withdraw(String tenantId, String orderId);
}
