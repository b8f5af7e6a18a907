package org.dispatchengine.engine.order;

import org.dispatchengine.engine.CborSerializable;
import org.dispatchengine.engine.courier.Stop;
import org.dispatchengine.engine.geo.Place;
import org.dispatchengine.engine.view.Revisioned;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;

/**
 * An order as its entity knows it.
 *
 * @param storeId null unless picked up from a store
 * @param pickup null for visit orders
 * @param courierId null until a courier is assigned
 * @param proof null until delivered with proof
 * @param reason why it was cancelled or failed, else null
 * @param arrivedAtPickup when the assigned courier reached the pickup, else null
 * @param arrivedAtDropoff when the assigned courier reached the dropoff, else null
 * @param trackingGeneration tracking links carry the generation they were made in; revoking them starts a new one
 * @param revision sequence number of the order's last event, exposed as {@code seq}
 */
public record OrderRecord(
    String tenantId,
    String orderId,
    OrderKind kind,
    OrderStatus status,
    String customerId,
    String storeId,
    Place pickup,
    Place dropoff,
    String zoneId,
    BigDecimal fee,
    List<Item> items,
    String notes,
    String externalRef,
    String courierId,
    AssignmentState assignmentState,
    int assignmentAttempts,
    Proof proof,
    String reason,
    Instant arrivedAtPickup,
    Instant arrivedAtDropoff,
    int trackingGeneration,
    Instant createdAt,
    Instant updatedAt,
    long revision)
    implements CborSerializable, Revisioned {

  public OrderRecord {
    items = List.copyOf(items);
  }

  static OrderRecord created(Order.OrderCreated e) {
    return new OrderRecord(e.tenantId(), e.orderId(), e.kind(), OrderStatus.PENDING, e.customerId(), e.storeId(),
        e.pickup(), e.dropoff(), e.zoneId(), e.fee(), e.items(), e.notes(), e.externalRef(), null,
        AssignmentState.UNASSIGNED, 0, null, null, null, null, 0, e.at(), e.at(), 1);
  }

  OrderRecord withAssignment(AssignmentState state, int attempts, Instant at) {
    return new OrderRecord(tenantId, orderId, kind, status, customerId, storeId, pickup, dropoff, zoneId, fee, items,
        notes, externalRef, courierId, state, attempts, proof, reason, arrivedAtPickup, arrivedAtDropoff,
        trackingGeneration, createdAt, at, revision + 1);
  }

  OrderRecord apply(Order.Event event) {
    if (event instanceof Order.StatusChanged e) {
      return new OrderRecord(tenantId, orderId, kind, e.to(), customerId, storeId, pickup, dropoff, zoneId, fee, items,
          notes, externalRef, courierId, assignmentState, assignmentAttempts, e.proof() != null ? e.proof() : proof,
          e.reason(), arrivedAtPickup, arrivedAtDropoff, trackingGeneration, createdAt, e.at(), revision + 1);
    }
    if (event instanceof Order.CourierAssigned e) {
      return new OrderRecord(tenantId, orderId, kind, status, customerId, storeId, pickup, dropoff, zoneId, fee, items,
          notes, externalRef, e.courierId(), AssignmentState.ASSIGNED, assignmentAttempts, proof, reason,
          arrivedAtPickup, arrivedAtDropoff, trackingGeneration, createdAt, e.at(), revision + 1);
    }
    if (event instanceof Order.TrackingLinksRevoked e) {
      return new OrderRecord(tenantId, orderId, kind, status, customerId, storeId, pickup, dropoff, zoneId, fee, items,
          notes, externalRef, courierId, assignmentState, assignmentAttempts, proof, reason, arrivedAtPickup,
          arrivedAtDropoff, trackingGeneration + 1, createdAt, e.at(), revision + 1);
    }
    if (event instanceof Order.CourierArrived e) {
      boolean atPickup = e.stop() == Stop.PICKUP;
      return new OrderRecord(tenantId, orderId, kind, status, customerId, storeId, pickup, dropoff, zoneId, fee, items,
          notes, externalRef, courierId, assignmentState, assignmentAttempts, proof, reason,
          atPickup ? e.at() : arrivedAtPickup, atPickup ? arrivedAtDropoff : e.at(), trackingGeneration, createdAt,
          e.at(), revision + 1);
    }
    throw new IllegalStateException("Event " + event.getClass().getSimpleName() + " cannot follow creation");
  }
}
