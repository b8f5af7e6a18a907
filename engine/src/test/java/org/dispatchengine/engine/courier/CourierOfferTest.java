package org.dispatchengine.engine.courier;

import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.dispatchengine.engine.geo.Place;
import org.dispatchengine.engine.live.LiveUpdates;
import org.dispatchengine.engine.testing.EntityTestKit;
import org.dispatchengine.engine.testing.MutableClock;
import org.dispatchengine.engine.testing.Wire;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.dispatchengine.engine.courier.LocationRulesTest.SETTINGS;
import static org.dispatchengine.engine.courier.LocationRulesTest.fix;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The courier's side of offers: what it can take, its answers, its deadline, and never more than its capacity. */
class CourierOfferTest {
  private static final Instant NOW = LocationRulesTest.T0;
  private static final Place PICKUP = new Place(52.52, 13.40, "Mitte");
  private static final Place DROPOFF = new Place(52.50, 13.45, "Home");

  @RegisterExtension
  static final EntityTestKit KIT = new EntityTestKit();

  private final List<Object> published = new CopyOnWriteArrayList<>();
  private final Wire wire = new Wire();
  private final MutableClock clock = new MutableClock(NOW);
  private EventSourcedBehaviorTestKit<Courier.Command, Courier.Event, Courier.State> courier;

  @BeforeEach
  void onlineCourierWithRoomForOne() {
    LiveUpdates live = (topic, message) -> published.add(message);
    courier = EventSourcedBehaviorTestKit.create(KIT.system(), Courier.create("acme:k1", SETTINGS,
        new TrackBudget(1000, 1000), new Courier.Links(live, wire, wire, wire.courierReminders(), Courier.PublishTimer.NONE),
        clock));
    courier.<StatusReply<Courier.CourierStatus>>runCommand(
        r -> new Courier.Define(new CourierProfile("Kim", Vehicle.BIKE, 1), r));
    courier.<StatusReply<Courier.CourierStatus>>runCommand(r -> new Courier.SetShift(true, r));
    courier.<StatusReply<Courier.Located>>runCommand(r -> new Courier.ReportLocation(fix(0, 0), 0, r));
    published.clear();
  }

  private static CourierOffer offer(String offerId, String orderId, boolean assign) {
    return new CourierOffer(offerId, orderId, PICKUP, DROPOFF, NOW.plusSeconds(30), assign, false, null);
  }

  private StatusReply<Courier.CourierStatus> answer(String offerId, boolean accept) {
    return courier.<StatusReply<Courier.CourierStatus>>runCommand(
        r -> new Courier.AnswerOffer(offerId, accept, accept ? null : "too far", r)).reply();
  }

  private CourierRecord record() {
    return courier.getState().courier();
  }

  private List<CourierNotice> notices() {
    return published.stream().filter(CourierNotice.class::isInstance).map(CourierNotice.class::cast).toList();
  }

  @Test
  void anOfferIsHeldPushedAndTimedByTheCourier() {
    courier.runCommand(new Courier.ReceiveOffer(offer("f1", "o1", false)));
    assertEquals("f1", record().offer().offerId());
    assertFalse(record().available(), "holding an offer");
    assertEquals(List.of("offer"), notices().stream().map(CourierNotice::type).toList());
    assertEquals(new Wire.Reminder<Courier.Command>("acme:k1", new Courier.OfferDeadline("f1"),
        Duration.ofSeconds(30)), wire.courierReminders.get(0));
    CourierPosition announced = wire.seen.get(wire.seen.size() - 1);
    assertFalse(announced.available(), "the dispatcher hears it is taken");
  }

  @Test
  void acceptingCountsAtOnceAndTheConfirmationMakesItAnActiveOrder() {
    courier.runCommand(new Courier.ReceiveOffer(offer("f1", "o1", false)));
    wire.clear();
    assertTrue(answer("f1", true).isSuccess());
    assertEquals(1, record().load(), "an accepted offer counts against capacity");
    assertEquals(List.of("answer o1 k1 ACCEPTED"), wire.lines);
    assertEquals(new Courier.AcceptanceReminder("f1", 1), wire.courierReminders.get(0).message());

    wire.clear();
    courier.runCommand(new Courier.AcceptanceReminder("f1", 1));
    assertEquals(List.of("answer o1 k1 ACCEPTED"), wire.lines, "told again until the order answers");

    courier.runCommand(new Courier.ConfirmOffer("f1"));
    assertNull(record().offer());
    assertEquals(List.of("o1"), record().activeOrders().stream().map(ActiveOrder::orderId).toList());
    assertEquals(1, record().load());
    assertEquals("assigned", notices().get(notices().size() - 1).type());
    wire.clear();
    courier.runCommand(new Courier.AcceptanceReminder("f1", 2));
    assertEquals(List.of(), wire.lines, "nothing left to tell");
  }

  @Test
  void aRefusedAcceptanceFreesTheCourier() {
    courier.runCommand(new Courier.ReceiveOffer(offer("f1", "o1", false)));
    answer("f1", true);
    courier.runCommand(new Courier.RefuseOffer("f1", "offer f1 is no longer open"));
    assertNull(record().offer());
    assertEquals(0, record().load());
    assertTrue(record().available());
    CourierNotice revoked = notices().get(notices().size() - 1);
    assertEquals("offer.revoked", revoked.type());
    assertEquals("offer f1 is no longer open", revoked.reason());
  }

  @Test
  void declinesAndDeadlinesAreToldToTheOrder() {
    courier.runCommand(new Courier.ReceiveOffer(offer("f1", "o1", false)));
    wire.clear();
    answer("f1", false);
    assertEquals(List.of("answer o1 k1 DECLINED"), wire.lines);
    assertEquals("too far", wire.answers.get(0).reason());
    assertNull(record().offer());
    assertEquals("not_found: offer f1 is not open", answer("f1", true).getError().getMessage());

    courier.runCommand(new Courier.ReceiveOffer(offer("f2", "o2", false)));
    wire.clear();
    clock.set(NOW.plusSeconds(30));
    courier.runCommand(new Courier.OfferDeadline("f2"));
    assertEquals(List.of("answer o2 k1 EXPIRED"), wire.lines);
    assertEquals("offer.revoked", notices().get(notices().size() - 1).type());

    courier.runCommand(new Courier.ReceiveOffer(
        new CourierOffer("f3", "o3", PICKUP, DROPOFF, NOW.plusSeconds(90), false, false, null)));
    assertEquals("f3", record().offer().offerId());
    courier.runCommand(new Courier.RevokeOffer("f3", "expired"));
    CourierNotice revoked = notices().get(notices().size() - 1);
    assertEquals("offer.revoked", revoked.type());
    assertEquals("f3", revoked.offer().offerId());
    assertEquals("expired", revoked.reason(), "the order's deadline reads the same as the courier's own");
    assertNull(record().offer());
  }

  @Test
  void refusesOffersItCannotTake() {
    courier.runCommand(new Courier.ReceiveOffer(offer("f1", "o1", false)));
    wire.clear();
    courier.runCommand(new Courier.ReceiveOffer(offer("f2", "o2", false)));
    assertEquals(List.of("answer o2 k1 UNABLE"), wire.lines);
    assertEquals("courier k1 holds another offer", wire.answers.get(0).reason());
    assertEquals("f1", record().offer().offerId());

    courier.runCommand(new Courier.ReceiveOffer(offer("f1", "o1", false)));
    assertEquals(1, wire.answers.size(), "the same offer again is a duplicate, not a refusal");

    wire.clear();
    courier.<StatusReply<Courier.CourierStatus>>runCommand(r -> new Courier.SetShift(false, r));
    assertEquals(List.of("answer o1 k1 UNABLE"), wire.lines, "going offline gives the offer back");
    assertNull(record().offer());
    wire.clear();
    courier.runCommand(new Courier.ReceiveOffer(offer("f3", "o3", false)));
    assertEquals("courier k1 is offline", wire.answers.get(0).reason());
  }

  @Test
  void neverExceedsCapacityWhenAManualAssignmentComesBetween() {
    courier.runCommand(new Courier.ReceiveOffer(offer("f1", "o1", false)));
    courier.<StatusReply<Courier.CourierStatus>>runCommand(r -> new Courier.TakeOrder("o9", PICKUP, DROPOFF, r));
    assertEquals("conflict: courier k1 is at capacity (1 of 1 orders)", answer("f1", true).getError().getMessage());
    assertEquals(1, record().load());
  }

  @Test
  void anAutomaticAssignmentIsAcceptedWithoutAsking() {
    courier.runCommand(new Courier.ReceiveOffer(offer("f1", "o1", true)));
    assertTrue(record().offer().accepted());
    assertEquals(List.of("answer o1 k1 ACCEPTED"), wire.lines);
    assertEquals(List.of(), notices(), "no offer to show");
  }

  @Test
  void aRestartedCourierRearmsItsOffer() {
    courier.runCommand(new Courier.ReceiveOffer(offer("f1", "o1", false)));
    answer("f1", true);
    wire.clear();
    courier.restart();
    assertEquals(List.of(new Wire.Reminder<Courier.Command>("acme:k1", new Courier.AcceptanceReminder("f1", 0),
        Duration.ZERO)), wire.courierReminders);
  }
}
