package org.dispatchengine.engine;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

import static org.dispatchengine.engine.InFlightBound.Start.REFUSED;
import static org.dispatchengine.engine.InFlightBound.Start.STARTED;
import static org.dispatchengine.engine.InFlightBound.Start.STARTED_AFTER_LOSS;
import static org.junit.jupiter.api.Assertions.assertEquals;

class InFlightBoundTest {
  private static final long SECOND = 1_000_000_000L;
  private final InFlightBound inFlight = new InFlightBound(2, Duration.ofSeconds(10));

  @Test
  void aFullConnectionRefusesUntilAnAnswerComes() {
    assertEquals(STARTED, inFlight.tryStart(0));
    assertEquals(STARTED, inFlight.tryStart(SECOND));
    assertEquals(REFUSED, inFlight.tryStart(2 * SECOND));
    inFlight.finished(3 * SECOND);
    assertEquals(STARTED, inFlight.tryStart(3 * SECOND));
    assertEquals(REFUSED, inFlight.tryStart(4 * SECOND));
  }

  @Test
  void reportsKnownLostMakeRoomAtOnce() {
    inFlight.tryStart(0);
    inFlight.tryStart(SECOND);
    inFlight.allLost(2 * SECOND);
    assertEquals(STARTED, inFlight.tryStart(2 * SECOND));
    assertEquals(STARTED, inFlight.tryStart(2 * SECOND));
    assertEquals(REFUSED, inFlight.tryStart(3 * SECOND));
    // an answer that comes after all: the count never goes below zero
    inFlight.finished(3 * SECOND);
    inFlight.finished(3 * SECOND);
    inFlight.finished(3 * SECOND);
    assertEquals(STARTED, inFlight.tryStart(4 * SECOND));
    assertEquals(STARTED, inFlight.tryStart(4 * SECOND));
    assertEquals(REFUSED, inFlight.tryStart(4 * SECOND));
  }

  @Test
  void reportsUnansweredForTheLossTimeoutAreGivenUp() {
    inFlight.tryStart(0);
    inFlight.tryStart(SECOND);
    // measured from the first report sent while none was outstanding
    assertEquals(REFUSED, inFlight.tryStart(10 * SECOND - 1));
    assertEquals(STARTED_AFTER_LOSS, inFlight.tryStart(10 * SECOND));
    // the count started over with the report just sent
    assertEquals(STARTED, inFlight.tryStart(10 * SECOND + 1));
    assertEquals(REFUSED, inFlight.tryStart(10 * SECOND + 2));
  }

  @Test
  void answersArrivingAfterTheLossNeverMakeRoomForMoreThanTheBound() {
    inFlight.tryStart(0);
    inFlight.tryStart(0);
    inFlight.tryStart(10 * SECOND);
    // the two given up answer late, and so does the one sent after them
    inFlight.finished(11 * SECOND);
    inFlight.finished(11 * SECOND);
    inFlight.finished(11 * SECOND);
    inFlight.finished(11 * SECOND);
    assertEquals(STARTED, inFlight.tryStart(12 * SECOND));
    assertEquals(STARTED, inFlight.tryStart(12 * SECOND));
    assertEquals(REFUSED, inFlight.tryStart(12 * SECOND));
  }

  @Test
  void threadsStartingAtOnceNeverPassTheBound() throws Exception {
    InFlightBound shared = new InFlightBound(100, Duration.ofHours(1));
    AtomicInteger started = new AtomicInteger();
    CountDownLatch go = new CountDownLatch(1);
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < 8; t++) {
      Thread thread = new Thread(() -> {
        try {
          go.await();
        } catch (InterruptedException e) {
          return;
        }
        for (int i = 0; i < 10_000; i++) {
          if (shared.tryStart(0) == STARTED) {
            started.incrementAndGet();
          }
        }
      });
      thread.start();
      threads.add(thread);
    }
    go.countDown();
    for (Thread thread : threads) {
      thread.join();
    }
    assertEquals(100, started.get());
  }
}
