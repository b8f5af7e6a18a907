package org.dispatchengine.engine.order;

import org.dispatchengine.engine.courier.CourierOffer;

/** How an order tells couriers what concerns them. Every message is idempotent on arrival. */
public interface CourierLink {
  /** @param reason {@code reassigned}, or the order's final status */
  void release(String tenantId, String courierId, String orderId, String reason);

  void offer(String tenantId, String courierId, CourierOffer offer);

  /**
   * The offer is over for this courier.
   *
   * @param reason {@code expired}, {@code taken} (another courier, or a person, got the order) or the order's final
   *     status
   */
  void revokeOffer(String tenantId, String courierId, String offerId, String reason);

  /** The courier's acceptance won: the order is assigned to it. */
  void confirmOffer(String tenantId, String courierId, String offerId);

  /** The courier's acceptance came too late. */
  void refuseOffer(String tenantId, String courierId, String offerId, String reason);
}
