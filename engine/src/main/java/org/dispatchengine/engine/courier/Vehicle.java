package org.dispatchengine.engine.courier;

import java.util.Locale;

public enum Vehicle {
  BIKE,
  CAR,
  FOOT,
  VAN;

  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
