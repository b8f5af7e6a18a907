package org.dispatchengine.engine.courier;

import java.time.Instant;

/** How a courier tells an order that it arrived at one of the order's stops. */
public interface OrderLink {
  void arrived(String tenantId, String orderId, Stop stop, String courierId, Instant at);
}
