package org.dispatchengine.engine.testing;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * A clock a test moves by hand, for deadlines without waiting: stopped at a given instant, or following the system
 * clock at a distance the test sets (for a running node, whose time must also pass on its own).
 */
public final class MutableClock extends Clock {
  private volatile Clock base;
  private volatile Duration shift = Duration.ZERO;

  public MutableClock(Instant start) {
    this.base = Clock.fixed(start, ZoneOffset.UTC);
  }

  private MutableClock(Clock base) {
    this.base = base;
  }

  /** The system clock, until moved by {@link #advance}. */
  public static MutableClock followingTheSystem() {
    return new MutableClock(Clock.systemUTC());
  }

  /** Stops the clock at {@code instant}. */
  public void set(Instant instant) {
    base = Clock.fixed(instant, ZoneOffset.UTC);
    shift = Duration.ZERO;
  }

  public void advance(Duration by) {
    shift = shift.plus(by);
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    return this;
  }

  @Override
  public Instant instant() {
    return base.instant().plus(shift);
  }
}
