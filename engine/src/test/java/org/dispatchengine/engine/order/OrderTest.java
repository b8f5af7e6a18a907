package org.dispatchengine.engine.order;

import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.dispatchengine.engine.Caller;
import org.dispatchengine.engine.Role;
import org.dispatchengine.engine.geo.Place;
import org.dispatchengine.engine.live.LiveUpdates;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.dispatchengine.engine.testing.EntityTestKit;
import org.dispatchengine.engine.testing.Wire;
import org.dispatchengine.engine.dispatch.DispatchSettings;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OrderTest {
  private static final Instant NOW = Instant.parse("2026-11-22T10:00:00Z");
  private static final Caller TENANT = OrderRulesTest.TENANT;
  private static final NewOrder PIZZA = new NewOrder(OrderKind.DELIVERY, "c1", "s1", new Place(52.52, 13.40, "Mitte"),
      new Place(52.50, 13.45, "Home"), "berlin", new BigDecimal("8.03"), List.of(new Item("Pizza", 2)), "ring twice",
      "ext-1");
  @RegisterExtension
  static final EntityTestKit KIT = new EntityTestKit();

  /** What the order published, in order, as topic and update. */
  private record Published(String topic, OrderUpdate update) {}

  private final List<Published> published = new CopyOnWriteArrayList<>();
  private final LiveUpdates live = (topic, message) -> published.add(new Published(topic, (OrderUpdate) message));
  private final Wire wire = new Wire();
  private EventSourcedBehaviorTestKit<Order.Command, Order.Event, Order.State> order;

  @BeforeEach
  void newOrder() {
    order = EventSourcedBehaviorTestKit.create(KIT.system(),
        Order.create("acme:o1", new Order.Links(live, wire, wire, wire.orderReminders()),
            Clock.fixed(NOW, ZoneOffset.UTC)));
  }

  private EventSourcedBehaviorTestKit.CommandResultWithReply<Order.Command, Order.Event, Order.State,
      StatusReply<OrderRecord>> create(String hash) {
    return order.runCommand(r -> new Order.Create(PIZZA, hash, DispatchSettings.DEFAULT, TENANT, r));
  }

  private EventSourcedBehaviorTestKit.CommandResultWithReply<Order.Command, Order.Event, Order.State,
      StatusReply<OrderRecord>> transition(OrderTransition t, Caller by) {
    return order.runCommand(r -> new Order.Transition(t, null, null, false, DispatchSettings.DEFAULT, by, r));
  }

  private void assign(String courierId) {
    order.<StatusReply<OrderRecord>>runCommand(r -> new Order.Assign(courierId, TENANT, r));
  }

  @Test
  void createsAPendingUnassignedOrderAndPublishesIt() {
    var result = create("h1");
    OrderRecord created = result.reply().getValue();
    assertEquals(OrderStatus.PENDING, created.status());
    assertEquals(AssignmentState.UNASSIGNED, created.assignmentState());
    assertNull(created.courierId());
    assertEquals(new BigDecimal("8.03"), created.fee());
    assertEquals("berlin", created.zoneId());
    assertEquals(NOW, created.createdAt());
    assertEquals(1, created.revision());
    Order.OrderCreated event = result.eventOfType(Order.OrderCreated.class);
    assertEquals(TENANT, event.by());
    assertEquals("h1", event.requestHash());

    assertEquals(List.of("order:acme:o1", "live:acme"), published.stream().map(Published::topic).toList());
    assertEquals("created", published.get(0).update().type());
    assertEquals(1, published.get(0).update().seq());
  }

  @Test
  void repeatedCreateAnswersTheOrderAsFirstCreated() {
    create("h1");
    transition(OrderTransition.ACCEPT, TENANT);
    var again = create("h1");
    assertTrue(again.hasNoEvents());
    assertEquals(OrderStatus.PENDING, again.reply().getValue().status(), "the original answer, not today's state");
    assertEquals(1, again.reply().getValue().revision());

    var different = create("h2");
    assertEquals("conflict: order o1 already exists with other content", different.reply().getError().getMessage());
    assertTrue(different.hasNoEvents());
  }

  @Test
  void runsTheWholeDeliveryLifecycleWithWhoAndWhen() {
    create("h1");
    transition(OrderTransition.ACCEPT, OrderRulesTest.STORE);
    transition(OrderTransition.READY, OrderRulesTest.STORE);
    assign("k1");
    transition(OrderTransition.PICK_UP, OrderRulesTest.COURIER);
    var delivered = order.<StatusReply<OrderRecord>>runCommand(r -> new Order.Transition(OrderTransition.DELIVER,
        null, new Proof("pin", "4321", null), true, DispatchSettings.DEFAULT, OrderRulesTest.COURIER, r));

    OrderRecord done = delivered.reply().getValue();
    assertEquals(OrderStatus.DELIVERED, done.status());
    assertEquals(new Proof("pin", "4321", null), done.proof());
    assertEquals(6, done.revision());
    assertEquals(new Order.StatusChanged("acme", "o1", OrderStatus.DELIVERED, null, new Proof("pin", "4321", null),
        OrderRulesTest.COURIER, NOW), delivered.event());
    assertEquals(List.of("created", "accepted", "ready", "assigned", "picked_up", "delivered"),
        published.stream().filter(p -> p.topic().startsWith("order:")).map(p -> p.update().type()).toList());
  }

  @Test
  void refusesWithTheRightReasons() {
    create("h1");
    var illegal = transition(OrderTransition.PICK_UP, TENANT);
    assertEquals("conflict: order o1 is pending; it cannot become picked_up", illegal.reply().getError().getMessage());
    var forbidden = transition(OrderTransition.ACCEPT, OrderRulesTest.CUSTOMER);
    assertEquals("forbidden: a customer may not accept this order", forbidden.reply().getError().getMessage());
    var hidden = transition(OrderTransition.CANCEL, OrderRulesTest.OTHER_CUSTOMER);
    assertEquals("not_found: order o1 does not exist", hidden.reply().getError().getMessage());
    assertTrue(illegal.hasNoEvents() && forbidden.hasNoEvents() && hidden.hasNoEvents());
  }

  @Test
  void acknowledgesARepeatedTransitionWithoutANewEvent() {
    create("h1");
    transition(OrderTransition.ACCEPT, TENANT);
    var repeated = transition(OrderTransition.ACCEPT, OrderRulesTest.STORE);
    assertTrue(repeated.reply().isSuccess());
    assertTrue(repeated.hasNoEvents());
  }

  @Test
  void deliveringWithoutRequiredProofIsAFieldError() {
    create("h1");
    transition(OrderTransition.ACCEPT, TENANT);
    transition(OrderTransition.READY, TENANT);
    transition(OrderTransition.PICK_UP, TENANT);
    var refused = order.<StatusReply<OrderRecord>>runCommand(
        r -> new Order.Transition(OrderTransition.DELIVER, null, null, true, DispatchSettings.DEFAULT, TENANT, r));
    assertEquals("invalid: proof | is required by this tenant", refused.reply().getError().getMessage());
    assertTrue(refused.hasNoEvents());
  }

  @Test
  void cancellationKeepsItsReason() {
    create("h1");
    var cancelled = order.<StatusReply<OrderRecord>>runCommand(
        r -> new Order.Transition(OrderTransition.CANCEL, "changed my mind", null, false, DispatchSettings.DEFAULT,
            OrderRulesTest.CUSTOMER, r));
    assertEquals("changed my mind", cancelled.reply().getValue().reason());
    assertEquals(OrderStatus.CANCELLED, cancelled.reply().getValue().status());
  }

  @Test
  void reassignmentRecordsThePreviousCourier() {
    create("h1");
    assign("k1");
    var again = order.<StatusReply<OrderRecord>>runCommand(r -> new Order.Assign("k1", TENANT, r));
    assertTrue(again.hasNoEvents());
    var second = order.<StatusReply<OrderRecord>>runCommand(r -> new Order.Assign("k2", TENANT, r));
    assertEquals(new Order.CourierAssigned("acme", "o1", "k2", "k1", null, TENANT, NOW), second.event());
    var byStore = order.<StatusReply<OrderRecord>>runCommand(r -> new Order.Assign("k3", OrderRulesTest.STORE, r));
    assertEquals("forbidden: only the tenant assigns couriers by hand", byStore.reply().getError().getMessage());
  }

  @Test
  void releasesTheCourierWhenTheOrderEndsOrMovesToAnother() {
    create("h1");
    assign("k1");
    assign("k2");
    assertEquals(List.of("release k1 o1 reassigned"), wire.lines);
    transition(OrderTransition.CANCEL, TENANT);
    assertEquals(List.of("release k1 o1 reassigned", "release k2 o1 cancelled"), wire.lines);
  }

  @Test
  void recordsTheAssignedCouriersArrivalOncePerStop() {
    create("h1");
    assign("k1");
    Instant at = NOW.plusSeconds(60);
    var arrived = order.runCommand(new Order.RecordArrival(org.dispatchengine.engine.courier.Stop.PICKUP, "k1", at));
    assertEquals(at, arrived.state().order().arrivedAtPickup());
    assertEquals("arrived_at_pickup", Order.typeOf(arrived.event()));
    assertTrue(order.runCommand(new Order.RecordArrival(org.dispatchengine.engine.courier.Stop.PICKUP, "k1", at))
        .hasNoEvents(), "once per stop");
    assertTrue(order.runCommand(new Order.RecordArrival(org.dispatchengine.engine.courier.Stop.DROPOFF, "k9", at))
        .hasNoEvents(), "only the assigned courier");
  }

  @Test
  void revokingTrackingLinksMovesTheGenerationAndIsPublished() {
    create("h1");
    var revoked = order.<StatusReply<OrderRecord>>runCommand(r -> new Order.RevokeTrackingLinks(TENANT, r));
    assertEquals(1, revoked.reply().getValue().trackingGeneration());
    assertEquals("tracking_links_revoked", published.get(published.size() - 1).update().type());
    var byStore = order.<StatusReply<OrderRecord>>runCommand(r -> new Order.RevokeTrackingLinks(OrderRulesTest.STORE, r));
    assertEquals("forbidden: only the customer and the tenant manage links", byStore.reply().getError().getMessage());
  }

  @Test
  void recoversALongHistoryFromSnapshotAndEvents() {
    create("h1");
    for (int i = 0; i < 120; i++) {
      assign(i % 2 == 0 ? "k1" : "k2");
    }
    transition(OrderTransition.ACCEPT, TENANT);
    Order.State before = order.getState();
    assertEquals(122, before.order().revision());

    var restarted = order.restart();
    assertEquals(before, restarted.state());
    assertEquals("k2", restarted.state().order().courierId());
    assertInstanceOf(OrderRecord.class, restarted.state().asCreated());
    assertEquals(1, restarted.state().asCreated().revision());
  }
}
