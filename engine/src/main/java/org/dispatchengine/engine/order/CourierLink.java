package org.dispatchengine.engine.order;

/** How an order tells a courier that it no longer carries it. */
public interface CourierLink {
  /** @param reason {@code reassigned}, or the order's final status */
  void release(String tenantId, String courierId, String orderId, String reason);
}
