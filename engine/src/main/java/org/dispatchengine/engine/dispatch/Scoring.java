package org.dispatchengine.engine.dispatch;

import org.dispatchengine.engine.courier.Vehicle;
import org.dispatchengine.engine.order.Eta;

/**
 * How good a courier is for an order, in seconds of pickup time (lower is better), so that every term reads the
 * same way: the time to reach the pickup at the vehicle's typical speed, plus a courier's share of its capacity
 * already in use (a full courier counts as {@link #FULL_LOAD_SECONDS} farther away), minus credit for having waited
 * long without an order (fairness: up to {@link #MAX_IDLE_CREDIT_SECONDS}), plus {@link #OUT_OF_ZONE_SECONDS} for a
 * courier outside the order's zone. Couriers beyond the radius are not candidates at all.
 */
public final class Scoring {
  static final double FULL_LOAD_SECONDS = 300;
  static final double IDLE_CREDIT_PER_SECOND = 0.2;
  static final double MAX_IDLE_CREDIT_SECONDS = 120;
  static final double OUT_OF_ZONE_SECONDS = 120;

  private Scoring() {}

  /**
   * @param load orders the courier carries now
   * @param idleSeconds time since the courier last had no order to carry, 0 while it carries one
   * @param inZone whether the courier is in the order's zone (true when the order has none)
   */
  public static Candidate score(String courierId, double distanceMeters, Vehicle vehicle, int load, int capacity,
      long idleSeconds, boolean inZone) {
    double eta = distanceMeters / Eta.typicalSpeed(vehicle);
    double loadPenalty = capacity <= 0 ? FULL_LOAD_SECONDS : FULL_LOAD_SECONDS * load / capacity;
    double idleCredit = Math.min(MAX_IDLE_CREDIT_SECONDS, IDLE_CREDIT_PER_SECOND * Math.max(0, idleSeconds));
    double score = eta + loadPenalty - idleCredit + (inZone ? 0 : OUT_OF_ZONE_SECONDS);
    return new Candidate(courierId, (int) Math.round(distanceMeters), (int) Math.round(eta), load, capacity,
        (int) Math.min(Integer.MAX_VALUE, Math.max(0, idleSeconds)), inZone, Math.round(score * 10) / 10.0);
  }
}
