package org.dispatchengine.engine.live;

/**
 * Where entities publish what changed, for sockets on any node to push on. Topics are named by tenant, so a
 * subscriber can only ever be given its own tenant's topics.
 */
public interface LiveUpdates {
  void publish(String topic, Object message);

  static String orderTopic(String tenantId, String orderId) {
    return "order:" + tenantId + ":" + orderId;
  }

  static String tenantTopic(String tenantId) {
    return "live:" + tenantId;
  }

  /** What concerns one courier: assignments for its sockets, and their replacement by a newer connection. */
  static String courierTopic(String tenantId, String courierId) {
    return "courier:" + tenantId + ":" + courierId;
  }
}
