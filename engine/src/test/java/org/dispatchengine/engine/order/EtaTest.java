package org.dispatchengine.engine.order;

import org.dispatchengine.engine.courier.Fix;
import org.dispatchengine.engine.courier.Vehicle;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;

class EtaTest {
  private static final Instant T = Instant.parse("2026-11-22T10:00:00Z");

  /** Pickup at (1, 1), dropoff at (2, 2) in OrderRulesTest's order; 1 degree of latitude is 111,195 m. */
  private static Fix at(double lat, double lon, Double speed) {
    return new Fix(lat, lon, null, speed, null, T);
  }

  @Test
  void goesThroughThePickupUntilPickedUp() {
    OrderRecord ready = OrderRulesTest.delivery(OrderStatus.READY);
    Duration viaPickup = Eta.toDropoff(ready, at(0, 1, 10.0), Vehicle.BIKE).orElseThrow();
    double legs = 111_195 + ready.pickup().point().metersTo(ready.dropoff().point());
    assertEquals(Math.round(legs / 10.0), viaPickup.toSeconds(), 2);

    OrderRecord carried = OrderRulesTest.delivery(OrderStatus.PICKED_UP);
    Duration direct = Eta.toDropoff(carried, at(1, 2, 10.0), Vehicle.BIKE).orElseThrow();
    assertEquals(Math.round(111_195 / 10.0), direct.toSeconds(), 2);
  }

  @Test
  void aCourierStandingStillMovesAtItsVehiclesTypicalSpeed() {
    OrderRecord carried = OrderRulesTest.delivery(OrderStatus.PICKED_UP);
    assertEquals(Math.round(111_195 / 4.2), Eta.toDropoff(carried, at(1, 2, 0.2), Vehicle.BIKE).orElseThrow().toSeconds(), 2);
    assertEquals(Math.round(111_195 / 1.4), Eta.toDropoff(carried, at(1, 2, null), Vehicle.FOOT).orElseThrow().toSeconds(), 2);
  }

  @Test
  void anOrderThatIsOverHasNoEta() {
    assertEquals(Optional.empty(), Eta.toDropoff(OrderRulesTest.delivery(OrderStatus.DELIVERED), at(2, 2, 5.0), Vehicle.CAR));
  }
}
