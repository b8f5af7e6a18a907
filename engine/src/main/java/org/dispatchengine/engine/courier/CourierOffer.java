package org.dispatchengine.engine.courier;

import org.dispatchengine.engine.CborSerializable;
import org.dispatchengine.engine.geo.Place;

import java.time.Instant;

/**
 * An order offered to a courier.
 *
 * @param pickup null for visits
 * @param assign the courier is assigned without being asked: it takes the order if it can
 * @param accepted the courier accepted and waits for the order to confirm
 * @param requestedAt when the order asked dispatch for the courier this offer answers, by the wall clock of its node,
 *     so that the courier's socket can measure the time to the offer frame; null when not known (the order's entity
 *     restarted since, or an offer recorded before this was kept)
 */
public record CourierOffer(String offerId, String orderId, Place pickup, Place dropoff, Instant expiresAt,
    boolean assign, boolean accepted, Instant requestedAt) implements CborSerializable {
  CourierOffer asAccepted() {
    return new CourierOffer(offerId, orderId, pickup, dropoff, expiresAt, assign, true, requestedAt);
  }
}
