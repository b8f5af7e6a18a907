package org.dispatchengine.http.ws;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The reports of one courier connection told to the courier entity and not yet answered, bounded so that a node that
 * is behind drops new positions instead of queueing them without end.
 *
 * <p>An answer can be lost for good: a report waiting in an entity whose write failed (the journal was unreachable)
 * dies with that incarnation of the entity. Counting it forever would leave the connection dropping every later
 * report until the app reconnects. So when the count is full and no answer has come for {@code lostAfter}, the
 * outstanding reports are taken as lost and the count starts over; answers arriving later never take it below zero.
 *
 * <p>{@link #tryStart} runs on the connection's inbound stream, {@link #answered} on its actor: both are thread-safe.
 */
final class ReportsInFlight {
  private final int max;
  private final long lostAfterNanos;
  private final AtomicInteger count = new AtomicInteger();
  /** When the connection last saw progress: an answer, or a report sent while none was outstanding. */
  private volatile long progressNanos;

  ReportsInFlight(int max, Duration lostAfter) {
    this.max = max;
    this.lostAfterNanos = lostAfter.toNanos();
  }

  enum Start { STARTED, STARTED_AFTER_LOSS, REFUSED }

  /** Counts one more report under way, if the bound allows it at {@code nowNanos} ({@code System.nanoTime()}). */
  Start tryStart(long nowNanos) {
    int outstanding = count.get();
    if (outstanding < max) {
      if (count.getAndIncrement() == 0) {
        progressNanos = nowNanos;
      }
      return Start.STARTED;
    }
    if (nowNanos - progressNanos < lostAfterNanos) {
      return Start.REFUSED;
    }
    progressNanos = nowNanos;
    count.set(1);
    return Start.STARTED_AFTER_LOSS;
  }

  void answered(long nowNanos) {
    progressNanos = nowNanos;
    count.getAndUpdate(outstanding -> Math.max(0, outstanding - 1));
  }
}
