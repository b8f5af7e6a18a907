package org.dispatchengine.engine.order;

import java.util.Locale;

public enum OrderStatus {
  PENDING,
  ACCEPTED,
  READY,
  PICKED_UP,
  DELIVERED,
  CANCELLED,
  FAILED;

  public boolean isFinal() {
    return this == DELIVERED || this == CANCELLED || this == FAILED;
  }

  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
