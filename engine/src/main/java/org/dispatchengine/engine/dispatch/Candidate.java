package org.dispatchengine.engine.dispatch;

import org.dispatchengine.engine.CborSerializable;

/**
 * A courier considered for an order, with what its score was made of; recorded in the order's history.
 *
 * @param etaSeconds straight-line time to the pickup at the vehicle's typical speed
 * @param idleSeconds how long the courier had been without an order
 * @param inZone whether the courier was inside the order's zone
 * @param score lower is better; comparable only within one decision
 */
public record Candidate(String courierId, int distanceMeters, int etaSeconds, int load, int capacity, int idleSeconds,
    boolean inZone, double score) implements CborSerializable {}
