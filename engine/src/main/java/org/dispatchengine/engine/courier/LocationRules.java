package org.dispatchengine.engine.courier;

import java.time.Duration;

/**
 * Which position reports to trust and which to keep. Plain functions; the courier entity applies them.
 *
 * <ul>
 *   <li>A fix not newer than the last trusted one is stale: out of order or repeated, it is dropped.
 *   <li>A fix that implies a speed above the limit from the last trusted fix is suspect: not trusted, not published.
 *       If the next fix is plausible from the suspect one, the device really moved (a GPS jump after a tunnel, say),
 *       and that next fix is trusted.
 *   <li>A trusted fix is sampled into the track when the last sample is older than the sampling interval or farther
 *       than the sampling distance.
 *   <li>A trusted fix of an available courier is told to the dispatcher when the last one told is older than the
 *       dispatch refresh interval or farther than the dispatch move distance. The dispatcher ranks couriers by
 *       distance to a pickup, where a few metres change nothing, and it is one actor per tenant or region: every
 *       report that reached it would queue ahead of the orders waiting for their offers.
 * </ul>
 */
public final class LocationRules {
  private LocationRules() {}

  public enum Verdict {
    TRUST,
    STALE,
    SUSPECT
  }

  /** The settings of location handling. */
  public record Settings(Duration sampleEvery, double sampleMeters, double maxSpeedMetersPerSecond,
      double arrivalRadiusMeters, Duration liveConflation, Duration dispatchRefresh, double dispatchMoveMeters) {}

  /**
   * @param trusted the last trusted fix, or null
   * @param suspect the last suspect fix since then, or null
   */
  public static Verdict judge(Fix trusted, Fix suspect, Fix fix, double maxSpeed) {
    if (trusted == null) {
      return Verdict.TRUST;
    }
    if (!fix.at().isAfter(trusted.at())) {
      return Verdict.STALE;
    }
    if (plausible(trusted, fix, maxSpeed)) {
      return Verdict.TRUST;
    }
    return suspect != null && fix.at().isAfter(suspect.at()) && plausible(suspect, fix, maxSpeed)
        ? Verdict.TRUST
        : Verdict.SUSPECT;
  }

  /** Whether the move fits the speed limit, given that each fix may be off by its reported accuracy. */
  private static boolean plausible(Fix from, Fix to, double maxSpeed) {
    double seconds = Duration.between(from.at(), to.at()).toMillis() / 1000.0;
    double uncertainty = accuracy(from) + accuracy(to);
    return from.point().metersTo(to.point()) - uncertainty <= maxSpeed * seconds;
  }

  private static double accuracy(Fix fix) {
    return fix.accuracy() == null ? 0 : fix.accuracy();
  }

  /** Whether {@code fix} goes into the persisted track after {@code lastSample} (null: nothing sampled yet). */
  public static boolean shouldSample(Fix lastSample, Fix fix, Settings settings) {
    return movedOrAged(lastSample, fix, settings.sampleEvery(), settings.sampleMeters());
  }

  /** Whether {@code fix} goes to the dispatcher after {@code lastTold} (null: nothing told yet). */
  public static boolean shouldTellDispatcher(Fix lastTold, Fix fix, Settings settings) {
    return movedOrAged(lastTold, fix, settings.dispatchRefresh(), settings.dispatchMoveMeters());
  }

  private static boolean movedOrAged(Fix last, Fix fix, Duration every, double meters) {
    return last == null || !fix.at().isBefore(last.at().plus(every)) || last.point().metersTo(fix.point()) >= meters;
  }
}
