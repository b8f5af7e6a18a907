package org.dispatchengine.engine.order;

import java.util.Locale;

/** Where an order stands with finding a courier; dispatch drives it, manual assignment sets it to assigned. */
public enum AssignmentState {
  UNASSIGNED,
  SEARCHING,
  OFFERED,
  ASSIGNED,
  MANUAL;

  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
