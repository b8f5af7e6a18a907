package org.dispatchengine.engine.order;

import org.dispatchengine.engine.CborSerializable;
import org.dispatchengine.engine.geo.Place;

import java.math.BigDecimal;
import java.util.List;

/**
 * A validated order request with its zone and fee already resolved on the receiving node.
 *
 * @param storeId null unless picked up at a store
 * @param pickup null for visit orders
 */
public record NewOrder(
    OrderKind kind,
    String customerId,
    String storeId,
    Place pickup,
    Place dropoff,
    String zoneId,
    BigDecimal fee,
    List<Item> items,
    String notes,
    String externalRef)
    implements CborSerializable {
  public NewOrder {
    items = List.copyOf(items);
  }
}
