package org.dispatchengine.engine.courier;

import java.util.Locale;

/** The places of an order a courier travels to. */
public enum Stop {
  PICKUP,
  DROPOFF;

  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
