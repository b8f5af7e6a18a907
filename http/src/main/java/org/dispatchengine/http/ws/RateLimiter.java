package org.dispatchengine.http.ws;

/**
 * A token bucket: {@code perSecond} tokens a second, up to {@code burst} saved. Used by one connection's stream at a
 * time, so it needs no locking.
 */
final class RateLimiter {
  private final double perNano;
  private final double burst;
  private double tokens;
  private long last;

  RateLimiter(double perSecond, double burst, long nowNanos) {
    this.perNano = perSecond / 1_000_000_000.0;
    this.burst = burst;
    this.tokens = burst;
    this.last = nowNanos;
  }

  boolean tryAcquire(long nowNanos) {
    tokens = Math.min(burst, tokens + (nowNanos - last) * perNano);
    last = nowNanos;
    if (tokens < 1) {
      return false;
    }
    tokens -= 1;
    return true;
  }
}
