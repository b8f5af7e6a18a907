package org.dispatchengine.engine.courier;

import org.dispatchengine.engine.dispatch.OfferReply;

import java.time.Instant;

/** How a courier tells an order what it did. Every message is idempotent on arrival. */
public interface OrderLink {
  void arrived(String tenantId, String orderId, Stop stop, String courierId, Instant at);

  /** @param reason why the courier declined or could not take it, may be null */
  void offerAnswered(String tenantId, String orderId, String offerId, String courierId, OfferReply reply,
      String reason);
}
