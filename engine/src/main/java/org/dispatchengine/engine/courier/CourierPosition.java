package org.dispatchengine.engine.courier;

import org.dispatchengine.engine.CborSerializable;

import java.time.Instant;

/**
 * A courier's position and whether it can be offered an order, told to the tenant's dispatcher (with every trusted
 * report while it is available, and whenever its availability changes), published to the topics of its active orders
 * (customer tracking), and conflated to the tenant's live topic (admin map).
 *
 * @param fix the last trusted position, null when none is known yet
 * @param idleSince since when the courier has carried no order, null while it carries one
 * @param reportReceivedAt when a node received the report of {@code fix}, by its wall clock, so that those who pass
 *     the position on can measure how long it took; null for a position not fresh from a report
 */
public record CourierPosition(String tenantId, String courierId, Fix fix, boolean available, int load, int capacity,
    Vehicle vehicle, Instant idleSince, Instant reportReceivedAt) implements CborSerializable {

  /** The courier at {@code fix} (may be null), with its availability as its record says. */
  public static CourierPosition of(CourierRecord courier, Fix fix) {
    return of(courier, fix, null);
  }

  /** As {@link #of(CourierRecord, Fix)}, for a position fresh from a report received at {@code reportReceivedAt}. */
  public static CourierPosition of(CourierRecord courier, Fix fix, Instant reportReceivedAt) {
    return new CourierPosition(courier.tenantId(), courier.courierId(), fix, courier.available(), courier.load(),
        courier.profile().capacity(), courier.profile().vehicle(), courier.idleSince(), reportReceivedAt);
  }

  /** The same courier, no longer to be offered anything. */
  public CourierPosition unavailable() {
    return new CourierPosition(tenantId, courierId, fix, false, load, capacity, vehicle, idleSince, reportReceivedAt);
  }
}
