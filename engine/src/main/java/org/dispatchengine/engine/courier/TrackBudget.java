package org.dispatchengine.engine.courier;

import org.dispatchengine.engine.InFlightBound;
import org.dispatchengine.engine.TokenBucket;

import java.time.Duration;

/**
 * The track samples one node may write: at most a rate, and at most a number of writes under way at once. Samples
 * are best-effort (a refused one is tried again with the courier's next report), so when the journal slows down,
 * under load or with a struggling database, the node writes fewer samples instead of queueing them: a queue of
 * writes is a queue of couriers waiting on their writes, and past the journal's timeout, failing.
 */
public final class TrackBudget {
  /** Longer than the journal's call timeout (10 s): a write not finished by then has failed and will never finish. */
  private static final Duration LOST_AFTER = Duration.ofSeconds(30);

  private final TokenBucket rate;
  private final InFlightBound writes;

  public TrackBudget(double perSecond, int maxWriting) {
    this.rate = new TokenBucket(perSecond, perSecond);
    this.writes = new InFlightBound(maxWriting, LOST_AFTER);
  }

  /** Whether a sample may be written now; if so, {@link #written} must follow once it is. */
  boolean tryStart(long nowNanos) {
    // the writes first: a sample refused because writes are under way must not spend a token, or the next one, once a
    // write has finished, would find none left
    if (writes.tryStart(nowNanos) == InFlightBound.Start.REFUSED) {
      return false;
    }
    if (!rate.tryTake(nowNanos)) {
      writes.finished(nowNanos);
      return false;
    }
    return true;
  }

  void written(long nowNanos) {
    writes.finished(nowNanos);
  }
}
