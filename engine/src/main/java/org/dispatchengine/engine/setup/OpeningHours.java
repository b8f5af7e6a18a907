package org.dispatchengine.engine.setup;

import org.dispatchengine.engine.CborSerializable;

import java.util.List;

/**
 * Weekly opening hours in the store's time zone.
 *
 * @param timeZone an IANA zone id such as {@code Europe/Berlin}
 */
public record OpeningHours(String timeZone, List<Period> periods) implements CborSerializable {
  public OpeningHours {
    periods = List.copyOf(periods);
  }

  /** Open on {@code day} ({@code mon}..{@code sun}) from {@code opens} to {@code closes} ({@code HH:mm}). */
  public record Period(String day, String opens, String closes) implements CborSerializable {}
}
