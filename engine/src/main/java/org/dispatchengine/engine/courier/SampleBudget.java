package org.dispatchengine.engine.courier;

/**
 * How many track samples all couriers of a node may write per second. Samples are best-effort: when the budget is
 * spent, a due sample is skipped and the courier's next report tries again. Without it, thousands of couriers
 * connecting at once (after a deploy, say) would each write their first sample in the same second, and the burst
 * would time out the journal for everyone.
 */
public final class SampleBudget {
  private final double perNano;
  private final double burst;
  private double tokens;
  private long last = System.nanoTime();

  public SampleBudget(double perSecond) {
    this.perNano = perSecond / 1_000_000_000.0;
    this.burst = Math.max(1, perSecond);
    this.tokens = burst;
  }

  public synchronized boolean tryTake() {
    long now = System.nanoTime();
    tokens = Math.min(burst, tokens + (now - last) * perNano);
    last = now;
    if (tokens < 1) {
      return false;
    }
    tokens -= 1;
    return true;
  }
}
