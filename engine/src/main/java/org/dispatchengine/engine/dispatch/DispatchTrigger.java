package org.dispatchengine.engine.dispatch;

import org.dispatchengine.engine.order.OrderKind;
import org.dispatchengine.engine.order.OrderStatus;

import java.util.Locale;

/** The order status at which the search for a courier starts. */
public enum DispatchTrigger {
  CREATED,
  ACCEPTED,
  READY;

  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * Whether an order of {@code kind} in {@code status} has reached this trigger. A visit has nothing to prepare and
   * may skip {@code ready}, so for visits {@code ready} is reached at {@code accepted}.
   */
  public boolean reachedBy(OrderKind kind, OrderStatus status) {
    return switch (status) {
      case PENDING -> this == CREATED;
      case ACCEPTED -> this != READY || kind == OrderKind.VISIT;
      case READY -> true;
      default -> false;
    };
  }
}
