package org.dispatchengine.engine.dispatch;

import java.util.Locale;

/** How a tenant's orders find couriers; see the Dispatch page of the documentation. */
public enum DispatchMode {
  /** The best candidate gets an offer with a deadline; a decline or silence moves on to the next. */
  OFFER,
  /** The best few candidates get the same offer at once; the first to accept wins. */
  BROADCAST,
  /** The best candidate is assigned without being asked. */
  AUTO,
  /** Orders and couriers are collected over a short window and matched together, then offered. */
  BATCH,
  /** The engine does not look for couriers; people assign them. */
  MANUAL;

  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
