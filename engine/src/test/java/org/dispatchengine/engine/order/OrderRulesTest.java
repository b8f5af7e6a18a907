package org.dispatchengine.engine.order;

import org.dispatchengine.engine.Caller;
import org.dispatchengine.engine.Role;
import org.dispatchengine.engine.geo.Place;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;

import static org.dispatchengine.engine.order.OrderRules.Verdict.ALLOWED;
import static org.dispatchengine.engine.order.OrderRules.Verdict.ALREADY_DONE;
import static org.dispatchengine.engine.order.OrderRules.Verdict.FORBIDDEN;
import static org.dispatchengine.engine.order.OrderRules.Verdict.ILLEGAL;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OrderRulesTest {
  static final Caller TENANT = new Caller(Role.TENANT, "key1", null);
  static final Caller ADMIN = new Caller(Role.ADMIN, "boss", null);
  static final Caller STORE = new Caller(Role.STORE, "clerk", "s1");
  static final Caller OTHER_STORE = new Caller(Role.STORE, "clerk2", "s2");
  static final Caller COURIER = new Caller(Role.COURIER, "k1", null);
  static final Caller OTHER_COURIER = new Caller(Role.COURIER, "k2", null);
  static final Caller CUSTOMER = new Caller(Role.CUSTOMER, "c1", null);
  static final Caller OTHER_CUSTOMER = new Caller(Role.CUSTOMER, "c2", null);

  static OrderRecord order(OrderKind kind, OrderStatus status, String courierId) {
    Instant t = Instant.parse("2026-11-22T10:00:00Z");
    return new OrderRecord("acme", "o1", kind, status, "c1", "s1", kind == OrderKind.VISIT ? null : new Place(1, 1, null),
        new Place(2, 2, null), "z1", BigDecimal.TEN, List.of(), null, null, courierId,
        courierId == null ? AssignmentState.UNASSIGNED : AssignmentState.ASSIGNED, 0, null, null, null, null, 0, t, t, 1);
  }

  static OrderRecord delivery(OrderStatus status) {
    return order(OrderKind.DELIVERY, status, "k1");
  }

  @Test
  void eachPartySeesOnlyItsOwnOrders() {
    OrderRecord o = delivery(OrderStatus.PENDING);
    assertTrue(OrderRules.maySee(o, TENANT));
    assertTrue(OrderRules.maySee(o, ADMIN));
    assertTrue(OrderRules.maySee(o, STORE));
    assertTrue(OrderRules.maySee(o, COURIER));
    assertTrue(OrderRules.maySee(o, CUSTOMER));
    assertFalse(OrderRules.maySee(o, OTHER_STORE));
    assertFalse(OrderRules.maySee(o, OTHER_COURIER));
    assertFalse(OrderRules.maySee(o, OTHER_CUSTOMER));
    assertFalse(OrderRules.maySee(order(OrderKind.DELIVERY, OrderStatus.PENDING, null), COURIER));
  }

  @Test
  void deliveryFollowsTheLifecycleInOrder() {
    assertEquals(ALLOWED, OrderRules.judge(delivery(OrderStatus.PENDING), OrderTransition.ACCEPT, STORE));
    assertEquals(ALLOWED, OrderRules.judge(delivery(OrderStatus.ACCEPTED), OrderTransition.READY, STORE));
    assertEquals(ALLOWED, OrderRules.judge(delivery(OrderStatus.READY), OrderTransition.PICK_UP, COURIER));
    assertEquals(ALLOWED, OrderRules.judge(delivery(OrderStatus.PICKED_UP), OrderTransition.DELIVER, COURIER));
    assertEquals(ILLEGAL, OrderRules.judge(delivery(OrderStatus.PENDING), OrderTransition.READY, STORE));
    assertEquals(ILLEGAL, OrderRules.judge(delivery(OrderStatus.ACCEPTED), OrderTransition.PICK_UP, COURIER));
    assertEquals(ILLEGAL, OrderRules.judge(delivery(OrderStatus.READY), OrderTransition.DELIVER, COURIER));
    assertEquals(ILLEGAL, OrderRules.judge(delivery(OrderStatus.DELIVERED), OrderTransition.CANCEL, TENANT));
  }

  @Test
  void aRepeatedTransitionIsAlreadyDone() {
    assertEquals(ALREADY_DONE, OrderRules.judge(delivery(OrderStatus.ACCEPTED), OrderTransition.ACCEPT, STORE));
    assertEquals(ALREADY_DONE, OrderRules.judge(delivery(OrderStatus.CANCELLED), OrderTransition.CANCEL, CUSTOMER));
  }

  @Test
  void rolesMayOnlyDoTheirPart() {
    assertEquals(FORBIDDEN, OrderRules.judge(delivery(OrderStatus.PENDING), OrderTransition.ACCEPT, COURIER));
    assertEquals(FORBIDDEN, OrderRules.judge(delivery(OrderStatus.PENDING), OrderTransition.ACCEPT, CUSTOMER));
    assertEquals(FORBIDDEN, OrderRules.judge(delivery(OrderStatus.READY), OrderTransition.PICK_UP, STORE));
    assertEquals(FORBIDDEN, OrderRules.judge(delivery(OrderStatus.PICKED_UP), OrderTransition.DELIVER, CUSTOMER));
    assertEquals(ALLOWED, OrderRules.judge(delivery(OrderStatus.READY), OrderTransition.PICK_UP, ADMIN));
  }

  @Test
  void cancellingDependsOnWhoAndWhen() {
    assertEquals(ALLOWED, OrderRules.judge(delivery(OrderStatus.PENDING), OrderTransition.CANCEL, CUSTOMER));
    assertEquals(ILLEGAL, OrderRules.judge(delivery(OrderStatus.ACCEPTED), OrderTransition.CANCEL, CUSTOMER));
    assertEquals(ALLOWED, OrderRules.judge(delivery(OrderStatus.READY), OrderTransition.CANCEL, STORE));
    assertEquals(ILLEGAL, OrderRules.judge(delivery(OrderStatus.PICKED_UP), OrderTransition.CANCEL, STORE));
    assertEquals(ALLOWED, OrderRules.judge(delivery(OrderStatus.PICKED_UP), OrderTransition.CANCEL, TENANT));
    assertEquals(ALLOWED, OrderRules.judge(delivery(OrderStatus.PICKED_UP), OrderTransition.CANCEL, ADMIN));
    assertEquals(FORBIDDEN, OrderRules.judge(delivery(OrderStatus.PENDING), OrderTransition.CANCEL, COURIER));
  }

  @Test
  void failingOnlyAfterPickup() {
    assertEquals(ILLEGAL, OrderRules.judge(delivery(OrderStatus.READY), OrderTransition.FAIL, COURIER));
    assertEquals(ALLOWED, OrderRules.judge(delivery(OrderStatus.PICKED_UP), OrderTransition.FAIL, COURIER));
  }

  @Test
  void aVisitHasNoPickupAndEndsAtTheCustomer() {
    OrderRecord accepted = order(OrderKind.VISIT, OrderStatus.ACCEPTED, "k1");
    assertEquals(ALLOWED, OrderRules.judge(accepted, OrderTransition.DELIVER, COURIER));
    assertEquals(ALLOWED, OrderRules.judge(accepted, OrderTransition.FAIL, COURIER));
    assertEquals(ILLEGAL, OrderRules.judge(order(OrderKind.VISIT, OrderStatus.READY, "k1"), OrderTransition.PICK_UP,
        COURIER));
    assertEquals(ALLOWED, OrderRules.judge(order(OrderKind.VISIT, OrderStatus.READY, "k1"), OrderTransition.DELIVER,
        COURIER));
    assertEquals(ILLEGAL, OrderRules.judge(order(OrderKind.VISIT, OrderStatus.PENDING, "k1"), OrderTransition.DELIVER,
        TENANT));
  }

  @Test
  void manualAssignmentIsForTheTenantBeforePickup() {
    assertTrue(OrderRules.mayAssign(TENANT));
    assertTrue(OrderRules.mayAssign(ADMIN));
    assertFalse(OrderRules.mayAssign(STORE));
    assertTrue(OrderRules.refuseAssignment(delivery(OrderStatus.READY)).isEmpty());
    assertEquals("order o1 is picked_up", OrderRules.refuseAssignment(delivery(OrderStatus.PICKED_UP)).orElseThrow());
  }
}
