package org.dispatchengine.engine.order;

import java.util.Locale;

/** {@code delivery}: pickup then dropoff. {@code visit}: someone travels to the customer; nothing is picked up. */
public enum OrderKind {
  DELIVERY,
  VISIT;

  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
