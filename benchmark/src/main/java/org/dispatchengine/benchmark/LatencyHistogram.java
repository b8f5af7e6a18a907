package org.dispatchengine.benchmark;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Latencies in buckets of 100 µs up to 10 s (longer ones count as 10 s), recorded from many threads without locks;
 * quantiles are exact to the bucket.
 */
final class LatencyHistogram {
  private static final long BUCKET_MICROS = 100;
  private final AtomicLongArray counts = new AtomicLongArray(100_000);

  void recordMicros(long micros) {
    counts.incrementAndGet((int) Math.min(counts.length() - 1, Math.max(0, micros / BUCKET_MICROS)));
  }

  void reset() {
    for (int i = 0; i < counts.length(); i++) {
      counts.set(i, 0);
    }
  }

  long count() {
    long total = 0;
    for (int i = 0; i < counts.length(); i++) {
      total += counts.get(i);
    }
    return total;
  }

  /** The upper bound, in milliseconds, of the bucket holding quantile {@code q} (nearest rank); NaN when empty. */
  double quantileMillis(double q) {
    long total = count();
    if (total == 0) {
      return Double.NaN;
    }
    long rank = Math.max(1, (long) Math.ceil(q * total));
    long seen = 0;
    for (int i = 0; i < counts.length(); i++) {
      seen += counts.get(i);
      if (seen >= rank) {
        return (i + 1) * BUCKET_MICROS / 1000.0;
      }
    }
    return counts.length() * BUCKET_MICROS / 1000.0;
  }
}
