package org.dispatchengine.engine.order;

import org.dispatchengine.engine.courier.Fix;
import org.dispatchengine.engine.courier.Vehicle;

import java.time.Duration;
import java.util.Optional;

/**
 * A simple, predictable estimate of when a courier reaches an order's dropoff: the straight-line distance still to
 * travel (via the pickup while it is not picked up) at the courier's reported speed, or at a typical speed for its
 * vehicle while it reports none or stands still. No roads, no traffic, no time at the pickup.
 */
public final class Eta {
  private static final double MOVING_METERS_PER_SECOND = 1.0;

  private Eta() {}

  /** Typical urban speed of a vehicle, in metres per second. */
  public static double typicalSpeed(Vehicle vehicle) {
    return switch (vehicle) {
      case FOOT -> 1.4;
      case BIKE -> 4.2;
      case CAR -> 8.3;
      case VAN -> 7.0;
    };
  }

  /** Time to the dropoff from {@code position}; empty once the order is over. */
  public static Optional<Duration> toDropoff(OrderRecord order, Fix position, Vehicle vehicle) {
    if (order.status().isFinal()) {
      return Optional.empty();
    }
    boolean viaPickup = order.pickup() != null && order.status() != OrderStatus.PICKED_UP;
    double meters = viaPickup
        ? position.point().metersTo(order.pickup().point()) + order.pickup().point().metersTo(order.dropoff().point())
        : position.point().metersTo(order.dropoff().point());
    double speed = position.speed() != null && position.speed() >= MOVING_METERS_PER_SECOND
        ? position.speed()
        : typicalSpeed(vehicle);
    return Optional.of(Duration.ofSeconds(Math.round(meters / speed)));
  }
}
