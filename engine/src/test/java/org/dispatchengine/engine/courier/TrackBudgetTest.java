package org.dispatchengine.engine.courier;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TrackBudgetTest {
  private static final long SECOND = 1_000_000_000L;

  @Test
  void samplesWaitForTheWritesUnderWayNotOnlyForTheRate() {
    TrackBudget budget = new TrackBudget(1000, 2);
    assertTrue(budget.tryStart(0));
    assertTrue(budget.tryStart(0));
    assertFalse(budget.tryStart(SECOND), "the rate allows it, but two writes are under way");
    budget.written(SECOND);
    assertTrue(budget.tryStart(SECOND));
  }

  @Test
  void writesThatNeverFinishStopHoldingTheBudgetAfterThirtySeconds() {
    TrackBudget budget = new TrackBudget(1000, 1);
    assertTrue(budget.tryStart(0));
    assertFalse(budget.tryStart(29 * SECOND));
    assertTrue(budget.tryStart(30 * SECOND), "the first write failed with its courier and was never finished");
  }

  @Test
  void aSampleRefusedForTheWritesUnderWayLeavesTheRateUntouched() {
    TrackBudget budget = new TrackBudget(1, 1);
    long now = System.nanoTime();
    assertTrue(budget.tryStart(now));
    assertFalse(budget.tryStart(now + 2 * SECOND), "one write under way");
    budget.written(now + 2 * SECOND);
    assertTrue(budget.tryStart(now + 2 * SECOND), "the refused sample took no token");
    assertFalse(budget.tryStart(now + 2 * SECOND), "one write under way again");
  }

  @Test
  void theRateStillHolds() {
    TrackBudget budget = new TrackBudget(1, 100);
    // the rate's bucket runs on System.nanoTime()
    long now = System.nanoTime();
    assertTrue(budget.tryStart(now));
    assertFalse(budget.tryStart(now + SECOND / 2));
    assertTrue(budget.tryStart(now + 2 * SECOND));
  }
}
