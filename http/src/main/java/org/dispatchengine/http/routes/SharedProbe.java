package org.dispatchengine.http.routes;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.LongSupplier;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * A probe that runs at most once at a time, whose answer every caller shares: callers arriving while it runs wait
 * for that run, and a good answer serves for {@code maxAge} from the start of its run. The readiness endpoint needs
 * no credentials, so without this every request would take a blocking thread and a database connection of its own;
 * a bad answer is not kept, so a node that recovers says so at the next call.
 */
final class SharedProbe<T> {
  private final Supplier<CompletionStage<T>> probe;
  private final Predicate<T> good;
  private final long maxAgeNanos;
  private final LongSupplier nanoTime;
  private CompletableFuture<T> latest;
  private long latestStartedAt;

  SharedProbe(Supplier<CompletionStage<T>> probe, Predicate<T> good, Duration maxAge, LongSupplier nanoTime) {
    this.probe = probe;
    this.good = good;
    this.maxAgeNanos = maxAge.toNanos();
    this.nanoTime = nanoTime;
  }

  synchronized CompletionStage<T> answer() {
    long now = nanoTime.getAsLong();
    if (latest == null || latest.isDone() && !(goodAnswer(latest) && now - latestStartedAt < maxAgeNanos)) {
      latestStartedAt = now;
      latest = probe.get().toCompletableFuture();
    }
    // callers get a view: completing it must not answer for the others
    return latest.minimalCompletionStage();
  }

  private boolean goodAnswer(CompletableFuture<T> done) {
    return !done.isCompletedExceptionally() && good.test(done.join());
  }
}
