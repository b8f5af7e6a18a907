package org.dispatchengine.engine;

/**
 * A token bucket: {@code perSecond} tokens a second, at most {@code burst} saved. Limits a courier connection's frames
 * and a node's track samples alike: what is over the limit is dropped by the caller, never queued.
 */
public final class TokenBucket {
  private final double perNano;
  private final double burst;
  private double tokens;
  private long last;

  public TokenBucket(double perSecond, double burst) {
    this.perNano = perSecond / 1_000_000_000.0;
    this.burst = Math.max(1, burst);
    this.tokens = this.burst;
    this.last = System.nanoTime();
  }

  /** Takes a token if one is left at {@code nowNanos} ({@code System.nanoTime()}). */
  public synchronized boolean tryTake(long nowNanos) {
    tokens = Math.min(burst, tokens + Math.max(0, nowNanos - last) * perNano);
    last = Math.max(last, nowNanos);
    if (tokens < 1) {
      return false;
    }
    tokens -= 1;
    return true;
  }
}
