package org.dispatchengine.engine;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Bounds how many requests are under way, for senders that would rather drop than queue: a courier connection's
 * reports not yet answered by its courier, a node's track samples not yet written.
 *
 * <p>A completion can be lost for good: a request waiting in an entity whose journal write failed dies with that
 * incarnation of the entity. Counting it forever would leave the sender refusing everything after it. So when the
 * count is full and nothing has completed for {@code lostAfter}, the outstanding requests are taken as lost and the
 * count starts over; completions arriving later never take it below zero.
 *
 * <p>Thread-safe: {@link #tryStart} and {@link #finished} may run on different threads.
 */
public final class InFlightBound {
  private final int max;
  private final long lostAfterNanos;
  private final AtomicInteger count = new AtomicInteger();
  /** When the sender last saw progress: a completion, or a start while nothing was outstanding. */
  private volatile long progressNanos;

  public InFlightBound(int max, Duration lostAfter) {
    this.max = max;
    this.lostAfterNanos = lostAfter.toNanos();
  }

  public enum Start { STARTED, STARTED_AFTER_LOSS, REFUSED }

  /** Counts one more request under way, if the bound allows it at {@code nowNanos} ({@code System.nanoTime()}). */
  public Start tryStart(long nowNanos) {
    // one atomic step: many threads start at once on a node-wide bound, and a check before the increment would let
    // them all through
    int before = count.getAndUpdate(outstanding -> outstanding < max ? outstanding + 1 : outstanding);
    if (before < max) {
      if (before == 0) {
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

  public void finished(long nowNanos) {
    progressNanos = nowNanos;
    count.getAndUpdate(outstanding -> Math.max(0, outstanding - 1));
  }

  /** The outstanding requests are known to be lost (their receiver ended): the count starts over at once. */
  public void allLost(long nowNanos) {
    progressNanos = nowNanos;
    count.set(0);
  }
}
