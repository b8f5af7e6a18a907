package org.dispatchengine.engine.dispatch;

/** How an order reaches its tenant's dispatcher. */
public interface DispatcherLink {
  void request(DispatchRequest request);

  /** The order no longer needs a courier (assigned, ended, or handed to people). */
  void withdraw(String tenantId, String orderId);
}
