package org.dispatchengine.engine.dispatch;

import org.dispatchengine.engine.CborSerializable;

import java.time.Duration;

/**
 * A tenant's dispatch policy. Each change gets the next {@code version}; an order's search keeps the settings it
 * started with and records their version in its decision trail.
 *
 * @param offerTimeoutSeconds how long a courier has to answer an offer
 * @param maxRadiusMeters couriers farther than this from the pickup (the dropoff for visits) are not considered
 * @param maxOffers offer rounds before the order is handed to people ({@code manual})
 * @param broadcastSize couriers offered at once in {@code broadcast} mode
 * @param batchWindowMillis how long {@code batch} mode collects orders before matching them
 * @param giveUpAfterSeconds searching longer than this without an assignment hands the order to people
 */
public record DispatchSettings(DispatchMode mode, DispatchTrigger trigger, int offerTimeoutSeconds,
    int maxRadiusMeters, int maxOffers, int broadcastSize, int batchWindowMillis, int giveUpAfterSeconds, int version)
    implements CborSerializable {

  public static final DispatchSettings DEFAULT =
      new DispatchSettings(DispatchMode.MANUAL, DispatchTrigger.ACCEPTED, 30, 5000, 5, 3, 1500, 900, 0);

  public Duration offerTimeout() {
    return Duration.ofSeconds(offerTimeoutSeconds);
  }

  public Duration giveUpAfter() {
    return Duration.ofSeconds(giveUpAfterSeconds);
  }

  public Duration batchWindow() {
    return Duration.ofMillis(batchWindowMillis);
  }

  public DispatchSettings withVersion(int newVersion) {
    return new DispatchSettings(mode, trigger, offerTimeoutSeconds, maxRadiusMeters, maxOffers, broadcastSize,
        batchWindowMillis, giveUpAfterSeconds, newVersion);
  }

  /** Whether both say the same, whatever their versions. */
  public boolean samePolicy(DispatchSettings other) {
    return withVersion(0).equals(other.withVersion(0));
  }
}
