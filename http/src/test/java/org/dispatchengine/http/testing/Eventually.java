package org.dispatchengine.http.testing;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Waits for something the engine does asynchronously (a journal feed, a release told to a courier) by reading it
 * again until it holds, as a client polling the API would; fails with the last value read after 20 s.
 */
public final class Eventually {
  private static final long TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(20);
  private static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(25);

  private Eventually() {}

  public static <T> T await(String what, Supplier<T> read, Predicate<T> done) {
    long deadline = System.nanoTime() + TIMEOUT_NANOS;
    T value = read.get();
    while (!done.test(value)) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("Not reached in 20 s: " + what + "; last read: " + value);
      }
      LockSupport.parkNanos(POLL_NANOS);
      value = read.get();
    }
    return value;
  }
}
