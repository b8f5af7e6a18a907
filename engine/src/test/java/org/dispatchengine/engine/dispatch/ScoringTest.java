package org.dispatchengine.engine.dispatch;

import org.dispatchengine.engine.courier.Vehicle;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ScoringTest {
  @Test
  void turnsDistanceIntoSecondsByVehicle() {
    Candidate bike = Scoring.score("b", 4_200, Vehicle.BIKE, 0, 1, 0, true);
    assertEquals(new Candidate("b", 4_200, 1_000, 0, 1, 0, true, 1_000.0), bike);
    assertEquals(506.0, Scoring.score("c", 4_200, Vehicle.CAR, 0, 1, 0, true).score());
  }

  @Test
  void chargesLoadAndLeavingTheZoneAndCreditsWaiting() {
    assertEquals(100 + 150.0, Scoring.score("k", 420, Vehicle.BIKE, 1, 2, 0, true).score(), "half full: +150 s");
    assertEquals(100 + 120.0, Scoring.score("k", 420, Vehicle.BIKE, 0, 1, 0, false).score(), "outside the zone");
    assertEquals(100 - 60.0, Scoring.score("k", 420, Vehicle.BIKE, 0, 1, 300, true).score(), "5 min idle: -60 s");
    assertEquals(100 - 120.0, Scoring.score("k", 420, Vehicle.BIKE, 0, 1, 86_400, true).score(), "credit is capped");
  }

  @Test
  void aNearBusyCourierCanLoseToAFartherIdleOne() {
    Candidate nearBusy = Scoring.score("near", 500, Vehicle.BIKE, 1, 2, 0, true);
    Candidate fartherIdle = Scoring.score("far", 1_000, Vehicle.BIKE, 0, 2, 600, true);
    assertTrue(fartherIdle.score() < nearBusy.score());
  }
}
