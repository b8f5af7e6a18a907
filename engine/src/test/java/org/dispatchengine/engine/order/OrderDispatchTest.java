package org.dispatchengine.engine.order;

import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.dispatchengine.engine.Caller;
import org.dispatchengine.engine.courier.CourierOffer;
import org.dispatchengine.engine.dispatch.Candidate;
import org.dispatchengine.engine.dispatch.Decision;
import org.dispatchengine.engine.dispatch.DispatchMode;
import org.dispatchengine.engine.dispatch.DispatchSettings;
import org.dispatchengine.engine.dispatch.DispatchTrigger;
import org.dispatchengine.engine.dispatch.OfferReply;
import org.dispatchengine.engine.geo.Place;
import org.dispatchengine.engine.testing.EntityTestKit;
import org.dispatchengine.engine.testing.MutableClock;
import org.dispatchengine.engine.testing.Wire;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;

/** The order's side of dispatch: rounds, offers, answers, deadlines, giving up, and the races between them. */
class OrderDispatchTest {
  private static final Instant T0 = Instant.parse("2026-11-22T12:00:00Z");
  private static final Caller TENANT = OrderRulesTest.TENANT;
  private static final NewOrder PIZZA = new NewOrder(OrderKind.DELIVERY, "c1", "s1", new Place(52.52, 13.40, "Mitte"),
      new Place(52.50, 13.45, "Home"), "berlin", new BigDecimal("8.03"), List.of(new Item("Pizza", 2)), null, null);
  private static final DispatchSettings OFFER =
      new DispatchSettings(DispatchMode.OFFER, DispatchTrigger.ACCEPTED, 30, 5000, 2, 2, 1500, 900, 3);

  @RegisterExtension
  static final EntityTestKit KIT = new EntityTestKit();

  private final Wire wire = new Wire();
  private final MutableClock clock = new MutableClock(T0);
  private EventSourcedBehaviorTestKit<Order.Command, Order.Event, Order.State> order;

  @BeforeEach
  void newOrder() {
    order = orderEntity("acme:o1");
  }

  private EventSourcedBehaviorTestKit<Order.Command, Order.Event, Order.State> orderEntity(String entityId) {
    return EventSourcedBehaviorTestKit.create(KIT.system(),
        Order.create(entityId, new Order.Links((topic, message) -> { }, wire, wire, wire.orderReminders()), clock));
  }

  private OrderRecord createAndAccept(DispatchSettings settings) {
    order.<StatusReply<OrderRecord>>runCommand(r -> new Order.Create(PIZZA, "h", settings, TENANT, r));
    return order.<StatusReply<OrderRecord>>runCommand(r -> new Order.Transition(OrderTransition.ACCEPT, null, null,
        false, settings, TENANT, r)).reply().getValue();
  }

  private static Decision decision(DispatchMode mode, boolean assign, String... chosen) {
    return new Decision(mode, 3, List.of(new Candidate(chosen[0], 400, 95, 0, 1, 60, true, 83.0)), List.of(chosen),
        assign, null);
  }

  private Order.CourierOffered propose(int round, Decision decision) {
    wire.clear();
    return order.runCommand(new Order.Propose(round, decision)).eventOfType(Order.CourierOffered.class);
  }

  private void answer(String offerId, String courierId, OfferReply reply) {
    order.runCommand(new Order.AnswerOffer(offerId, courierId, reply, reply == OfferReply.DECLINED ? "too far" : null));
  }

  private OrderRecord current() {
    return order.getState().order();
  }

  @Test
  void startsSearchingAtTheTriggerAndAsksTheDispatcher() {
    order.<StatusReply<OrderRecord>>runCommand(r -> new Order.Create(PIZZA, "h", OFFER, TENANT, r));
    assertEquals(AssignmentState.UNASSIGNED, current().assignmentState(), "the trigger is accepted");
    assertEquals(List.of(), wire.requests);

    var accepted = order.<StatusReply<OrderRecord>>runCommand(r -> new Order.Transition(OrderTransition.ACCEPT, null,
        null, false, OFFER, TENANT, r));
    assertEquals(2, accepted.events().size());
    Order.DispatchStarted started = assertInstanceOf(Order.DispatchStarted.class, accepted.events().get(1));
    assertEquals(OFFER, started.settings());
    assertEquals(Order.DISPATCHER, started.by());
    assertEquals(AssignmentState.SEARCHING, accepted.reply().getValue().assignmentState());
    assertEquals(3, accepted.reply().getValue().revision(), "seq counts the search's events too");
    assertEquals(List.of("request o1 round 1 excluding []"), wire.lines);
    assertEquals(new org.dispatchengine.engine.geo.LatLon(52.52, 13.40), wire.requests.get(0).target());
    assertEquals(Duration.ofSeconds(2), wire.orderReminders.get(0).after(), "asks again if no decision comes");
  }

  @Test
  void manualTenantsAndCreatedTriggers() {
    assertEquals(AssignmentState.UNASSIGNED, createAndAccept(DispatchSettings.DEFAULT).assignmentState());
    assertEquals(List.of(), wire.requests, "the default mode is manual");

    order = orderEntity("acme:o2");
    DispatchSettings onCreate = new DispatchSettings(DispatchMode.AUTO, DispatchTrigger.CREATED, 30, 5000, 2, 2,
        1500, 900, 1);
    var created = order.<StatusReply<OrderRecord>>runCommand(r -> new Order.Create(PIZZA, "h", onCreate, TENANT, r));
    assertEquals(AssignmentState.SEARCHING, created.reply().getValue().assignmentState());
  }

  @Test
  void offerAcceptedIsAssignedAndConfirmed() {
    createAndAccept(OFFER);
    Order.CourierOffered offered = propose(1, decision(DispatchMode.OFFER, false, "k1"));
    assertEquals(T0.plusSeconds(30), offered.expiresAt());
    assertEquals(AssignmentState.OFFERED, current().assignmentState());
    assertEquals(1, current().assignmentAttempts());
    assertEquals(List.of("offer k1 o1"), wire.lines);
    CourierOffer toCourier = wire.offers.get(0);
    assertEquals(offered.offerId(), toCourier.offerId());
    assertEquals(PIZZA.pickup(), toCourier.pickup());
    assertEquals(new Order.OfferDeadline(offered.offerId()), wire.orderReminders.get(0).message());
    assertEquals(Duration.ofSeconds(30), wire.orderReminders.get(0).after());

    wire.clear();
    var accepted = order.runCommand(new Order.AnswerOffer(offered.offerId(), "k1", OfferReply.ACCEPTED, null));
    Order.CourierAssigned assigned = accepted.eventOfType(Order.CourierAssigned.class);
    assertEquals("k1", assigned.courierId());
    assertEquals(offered.offerId(), assigned.offerId());
    assertEquals(AssignmentState.ASSIGNED, current().assignmentState());
    assertNull(order.getState().search());
    assertEquals(List.of("confirm k1", "withdraw o1"), wire.lines);

    wire.clear();
    answer(offered.offerId(), "k1", OfferReply.ACCEPTED);
    assertEquals(List.of("confirm k1"), wire.lines, "a repeated acceptance is confirmed again");
  }

  @Test
  void aDeclineMovesToTheNextRoundWithoutThatCourier() {
    createAndAccept(OFFER);
    Order.CourierOffered offered = propose(1, decision(DispatchMode.OFFER, false, "k1"));
    wire.clear();
    answer(offered.offerId(), "k1", OfferReply.DECLINED);
    assertEquals(AssignmentState.SEARCHING, current().assignmentState());
    assertEquals(List.of("request o1 round 2 excluding [k1]"), wire.lines);

    assertEquals(0, order.runCommand(new Order.Propose(1, decision(DispatchMode.OFFER, false, "k2"))).events().size(),
        "a decision for an old round is stale");
    assertEquals("k2", propose(2, decision(DispatchMode.OFFER, false, "k2")).decision().chosen().get(0));
  }

  @Test
  void anUnableCourierMayBeOfferedAgain() {
    createAndAccept(OFFER);
    Order.CourierOffered offered = propose(1, decision(DispatchMode.OFFER, false, "k1"));
    wire.clear();
    answer(offered.offerId(), "k1", OfferReply.UNABLE);
    assertEquals(List.of("request o1 round 2 excluding []"), wire.lines);
  }

  @Test
  void theDeadlineExpiresTheOfferRevokesItAndExcludesTheSilentCourier() {
    createAndAccept(OFFER);
    Order.CourierOffered offered = propose(1, decision(DispatchMode.OFFER, false, "k1"));
    wire.clear();
    clock.set(T0.plusSeconds(10));
    assertEquals(0, order.runCommand(new Order.OfferDeadline(offered.offerId())).events().size(), "too early");
    assertEquals(Duration.ofSeconds(20), wire.orderReminders.get(0).after(), "re-armed for the rest");

    wire.clear();
    clock.set(T0.plusSeconds(30));
    Order.OfferExpired expired =
        order.runCommand(new Order.OfferDeadline(offered.offerId())).eventOfType(Order.OfferExpired.class);
    assertEquals(List.of("k1"), expired.courierIds());
    assertEquals(List.of("revoke k1", "request o1 round 2 excluding [k1]"), wire.lines);
    assertEquals(List.of("expired"), wire.revokeReasons);

    wire.clear();
    answer(offered.offerId(), "k1", OfferReply.ACCEPTED);
    assertEquals(List.of("refuse k1"), wire.lines, "an acceptance after the deadline is refused");
    assertNull(current().courierId());
  }

  @Test
  void afterTheLastRoundTheOrderGoesToPeople() {
    createAndAccept(OFFER);
    answer(propose(1, decision(DispatchMode.OFFER, false, "k1")).offerId(), "k1", OfferReply.DECLINED);
    Order.CourierOffered second = propose(2, decision(DispatchMode.OFFER, false, "k2"));
    wire.clear();
    var declined = order.runCommand(new Order.AnswerOffer(second.offerId(), "k2", OfferReply.DECLINED, null));
    Order.SentToManual manual = assertInstanceOf(Order.SentToManual.class, declined.events().get(1));
    assertEquals("no courier took it in 2 offer rounds", manual.reason());
    assertEquals(AssignmentState.MANUAL, current().assignmentState());
    assertEquals(2, current().assignmentAttempts());
    assertEquals(List.of("withdraw o1"), wire.lines);
  }

  @Test
  void searchingTooLongGoesToPeople() {
    createAndAccept(OFFER);
    wire.clear();
    clock.set(T0.plusSeconds(60));
    order.runCommand(new Order.SearchReminder(1));
    assertEquals(List.of("request o1 round 1 excluding []"), wire.lines, "asks again");
    assertEquals(Duration.ofSeconds(15), wire.orderReminders.get(0).after(), "backing off");
    clock.set(T0.plusSeconds(900));
    var gaveUp = order.runCommand(new Order.SearchReminder(1));
    assertEquals("no courier found in 900 s", gaveUp.eventOfType(Order.SentToManual.class).reason());
    assertEquals(AssignmentState.MANUAL, current().assignmentState());
  }

  @Test
  void cancellingWhileOfferedRevokesTheOffer() {
    createAndAccept(OFFER);
    Order.CourierOffered offered = propose(1, decision(DispatchMode.OFFER, false, "k1"));
    wire.clear();
    order.<StatusReply<OrderRecord>>runCommand(r -> new Order.Transition(OrderTransition.CANCEL, "closed", null,
        false, OFFER, TENANT, r));
    assertEquals(List.of("revoke k1", "withdraw o1"), wire.lines);
    assertEquals(List.of("cancelled"), wire.revokeReasons);
    wire.clear();
    answer(offered.offerId(), "k1", OfferReply.ACCEPTED);
    assertEquals(List.of("refuse k1"), wire.lines);
  }

  @Test
  void broadcastFirstAcceptanceWinsTheOthersAreRevokedOrRefused() {
    createAndAccept(OFFER);
    Order.CourierOffered offered = propose(1, decision(DispatchMode.BROADCAST, false, "k1", "k2", "k3"));
    assertEquals(List.of("offer k1 o1", "offer k2 o1", "offer k3 o1"), wire.lines);
    wire.clear();
    answer(offered.offerId(), "k3", OfferReply.DECLINED);
    assertEquals(AssignmentState.OFFERED, current().assignmentState(), "two still may take it");
    answer(offered.offerId(), "k2", OfferReply.ACCEPTED);
    answer(offered.offerId(), "k1", OfferReply.ACCEPTED);
    assertEquals("k2", current().courierId());
    assertEquals(List.of("confirm k2", "revoke k1", "withdraw o1", "refuse k1"), wire.lines);
    assertEquals(List.of("taken"), wire.revokeReasons);
  }

  @Test
  void aManualAssignmentBeatsALaterAcceptance() {
    createAndAccept(OFFER);
    Order.CourierOffered offered = propose(1, decision(DispatchMode.OFFER, false, "k1"));
    wire.clear();
    order.<StatusReply<OrderRecord>>runCommand(r -> new Order.Assign("k9", TENANT, r));
    assertEquals(List.of("revoke k1", "withdraw o1"), wire.lines);
    wire.clear();
    answer(offered.offerId(), "k1", OfferReply.ACCEPTED);
    assertEquals(List.of("refuse k1"), wire.lines);
    assertEquals("k9", current().courierId());
  }

  @Test
  void aRestartedOrderRearmsItsDeadline() {
    createAndAccept(OFFER);
    Order.CourierOffered offered = propose(1, decision(DispatchMode.OFFER, false, "k1"));
    wire.clear();
    clock.set(T0.plusSeconds(12));
    order.restart();
    assertEquals(List.of(new Wire.Reminder<Order.Command>("acme:o1", new Order.OfferDeadline(offered.offerId()),
        Duration.ofSeconds(18))), wire.orderReminders);
    assertEquals(AssignmentState.OFFERED, current().assignmentState());
  }

  @Test
  void aRestartedSearchAsksAgain() {
    createAndAccept(OFFER);
    wire.clear();
    order.restart();
    assertEquals(List.of("request o1 round 1 excluding []"), wire.lines);
  }

  @Test
  void redispatchStartsAFreshSearchForAnOrderLeftToPeople() {
    createAndAccept(OFFER);
    answer(propose(1, decision(DispatchMode.OFFER, false, "k1")).offerId(), "k1", OfferReply.DECLINED);
    answer(propose(2, decision(DispatchMode.OFFER, false, "k2")).offerId(), "k2", OfferReply.DECLINED);
    assertEquals(AssignmentState.MANUAL, current().assignmentState());
    wire.clear();
    var again = order.<StatusReply<OrderRecord>>runCommand(r -> new Order.Redispatch(OFFER, TENANT, r));
    assertEquals(AssignmentState.SEARCHING, again.reply().getValue().assignmentState());
    assertEquals(List.of("request o1 round 1 excluding []"), wire.lines, "a new search forgets old declines");
    var byCustomer = order.<StatusReply<OrderRecord>>runCommand(
        r -> new Order.Redispatch(OFFER, OrderRulesTest.CUSTOMER, r));
    assertEquals("forbidden: only the tenant starts a dispatch", byCustomer.reply().getError().getMessage());
  }
}
