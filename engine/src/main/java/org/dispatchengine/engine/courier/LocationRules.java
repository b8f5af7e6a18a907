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
      double arrivalRadiusMeters, Duration liveConflation) {}

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
    return lastSample == null
        || !fix.at().isBefore(lastSample.at().plus(settings.sampleEvery()))
        || lastSample.point().metersTo(fix.point()) >= settings.sampleMeters();
  }
}
