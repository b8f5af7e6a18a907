package org.dispatchengine.engine.dispatch;

import org.dispatchengine.engine.CborSerializable;
import org.dispatchengine.engine.geo.LatLon;

import java.util.List;

/**
 * An order asking its tenant's dispatcher for a courier, for one search round. A newer request of the same order
 * replaces an older one; the answer quotes {@code round}, so the order can tell it from an answer to an older round.
 *
 * @param target where the courier must go first: the pickup, or the dropoff of a visit
 * @param zoneId the order's zone, for the zone term of the score
 * @param excluded couriers who declined or ignored this order; they are not proposed again
 */
public record DispatchRequest(String tenantId, String orderId, LatLon target, String zoneId, DispatchSettings settings,
    List<String> excluded, int round) implements CborSerializable {
  public DispatchRequest {
    excluded = List.copyOf(excluded);
  }
}
