package org.dispatchengine.engine.courier;

import org.dispatchengine.engine.CborSerializable;
import org.dispatchengine.engine.geo.Place;

/** An order the courier carries, with the stops it still has to reach; {@code pickup} is null for visits. */
public record ActiveOrder(String orderId, Place pickup, Place dropoff, boolean atPickup, boolean atDropoff)
    implements CborSerializable {

  ActiveOrder arrivedAt(Stop stop) {
    return stop == Stop.PICKUP
        ? new ActiveOrder(orderId, pickup, dropoff, true, atDropoff)
        : new ActiveOrder(orderId, pickup, dropoff, atPickup, true);
  }
}
