package org.dispatchengine.engine.courier;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;

import static org.dispatchengine.engine.courier.LocationRules.Verdict.STALE;
import static org.dispatchengine.engine.courier.LocationRules.Verdict.SUSPECT;
import static org.dispatchengine.engine.courier.LocationRules.Verdict.TRUST;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LocationRulesTest {
  static final Instant T0 = Instant.parse("2026-11-22T10:00:00Z");
  static final LocationRules.Settings SETTINGS =
      new LocationRules.Settings(Duration.ofSeconds(30), 100, 70, 50, Duration.ofSeconds(1), Duration.ofSeconds(15),
          25);
  static final double MAX = 70;

  /** A fix {@code metersNorth} north of 52.5N 13.4E, {@code seconds} after T0. */
  static Fix fix(double metersNorth, long seconds) {
    return new Fix(52.5 + metersNorth / 111_195.0, 13.4, 5.0, null, null, T0.plusSeconds(seconds));
  }

  @Test
  void theFirstFixIsTrusted() {
    assertEquals(TRUST, LocationRules.judge(null, null, fix(0, 0), MAX));
  }

  @Test
  void olderOrRepeatedFixesAreStale() {
    assertEquals(STALE, LocationRules.judge(fix(0, 10), null, fix(10, 9), MAX));
    assertEquals(STALE, LocationRules.judge(fix(0, 10), null, fix(10, 10), MAX));
  }

  @Test
  void anImpossibleJumpIsSuspectUntilConfirmed() {
    Fix trusted = fix(0, 0);
    Fix jump = fix(5_000, 10);
    assertEquals(TRUST, LocationRules.judge(trusted, null, fix(600, 10), MAX), "60 m/s is possible");
    assertEquals(SUSPECT, LocationRules.judge(trusted, null, jump, MAX), "500 m/s is not");
    assertEquals(TRUST, LocationRules.judge(trusted, jump, fix(5_050, 12), MAX), "the next fix confirms the jump");
    assertEquals(SUSPECT, LocationRules.judge(trusted, jump, fix(-5_000, 12), MAX), "a second jump elsewhere does not");
  }

  @Test
  void reportedAccuracyWidensWhatIsPlausible() {
    Fix trusted = new Fix(52.5, 13.4, 40.0, null, null, T0);
    Fix jitter = new Fix(52.5 + 100 / 111_195.0, 13.4, 40.0, null, null, T0.plusMillis(300));
    assertEquals(TRUST, LocationRules.judge(trusted, null, jitter, MAX), "100 m of which 80 m may be GPS error");
    Fix precise = new Fix(52.5 + 100 / 111_195.0, 13.4, 1.0, null, null, T0.plusMillis(300));
    assertEquals(SUSPECT, LocationRules.judge(new Fix(52.5, 13.4, 1.0, null, null, T0), null, precise, MAX));
  }

  @Test
  void samplesByTimeOrDistance() {
    Fix sample = fix(0, 0);
    assertTrue(LocationRules.shouldSample(null, fix(0, 0), SETTINGS));
    assertFalse(LocationRules.shouldSample(sample, fix(50, 10), SETTINGS));
    assertTrue(LocationRules.shouldSample(sample, fix(10, 30), SETTINGS), "30 s later");
    assertTrue(LocationRules.shouldSample(sample, fix(120, 5), SETTINGS), "120 m away");
  }

  @Test
  void tellsTheDispatcherOfMovesAndNowAndThen() {
    Fix told = fix(0, 0);
    assertTrue(LocationRules.shouldTellDispatcher(null, fix(0, 0), SETTINGS));
    assertFalse(LocationRules.shouldTellDispatcher(told, fix(24, 14), SETTINGS));
    assertTrue(LocationRules.shouldTellDispatcher(told, fix(25, 1), SETTINGS), "25 m away");
    assertTrue(LocationRules.shouldTellDispatcher(told, fix(0, 15), SETTINGS), "15 s later, not moved");
  }
}
