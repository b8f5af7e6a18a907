package org.dispatchengine.engine.courier;

import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.dispatchengine.engine.geo.Place;
import org.dispatchengine.engine.live.LiveUpdates;
import org.dispatchengine.engine.testing.EntityTestKit;
import org.dispatchengine.engine.testing.Wire;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.dispatchengine.engine.courier.LocationRulesTest.SETTINGS;
import static org.dispatchengine.engine.courier.LocationRulesTest.fix;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CourierTest {
  @RegisterExtension
  static final EntityTestKit KIT = new EntityTestKit();
  private static final Instant NOW = LocationRulesTest.T0;
  private static final CourierProfile BIKE = new CourierProfile("Kim", Vehicle.BIKE, 2);

  private record Published(String topic, Object message) {}

  private final List<Published> published = new CopyOnWriteArrayList<>();
  private final Wire wire = new Wire();
  private EventSourcedBehaviorTestKit<Courier.Command, Courier.Event, Courier.State> courier;

  @BeforeEach
  void newCourier() {
    LiveUpdates live = (topic, message) -> published.add(new Published(topic, message));
    courier = EventSourcedBehaviorTestKit.create(KIT.system(),
        Courier.create("acme:k1", SETTINGS, new TrackBudget(1000, 1000),
            new Courier.Links(live, wire, wire, wire.courierReminders(), Courier.PublishTimer.NONE),
            Clock.fixed(NOW, ZoneOffset.UTC)));
  }

  private StatusReply<Courier.CourierStatus> define() {
    return courier.<StatusReply<Courier.CourierStatus>>runCommand(r -> new Courier.Define(BIKE, r)).reply();
  }

  private StatusReply<Courier.CourierStatus> shift(boolean online) {
    return courier.<StatusReply<Courier.CourierStatus>>runCommand(r -> new Courier.SetShift(online, r)).reply();
  }

  private StatusReply<Courier.CourierStatus> block(boolean blocked) {
    return courier.<StatusReply<Courier.CourierStatus>>runCommand(r -> new Courier.SetBlocked(blocked, r)).reply();
  }

  private EventSourcedBehaviorTestKit.CommandResultWithReply<Courier.Command, Courier.Event, Courier.State,
      StatusReply<Courier.Located>> report(Fix fix) {
    return courier.runCommand(r -> new Courier.ReportLocation(fix, 0, r));
  }

  private StatusReply<Courier.CourierStatus> take(String orderId, Place pickup, Place dropoff) {
    return courier.<StatusReply<Courier.CourierStatus>>runCommand(r -> new Courier.TakeOrder(orderId, pickup, dropoff, r))
        .reply();
  }

  @Test
  void shiftsStartAndEndAndABlockedCourierCannotGoOnline() {
    define();
    assertTrue(shift(true).getValue().courier().online());
    assertEquals(NOW, courier.getState().courier().shiftStartedAt());
    assertTrue(courier.<StatusReply<Courier.CourierStatus>>runCommand(r -> new Courier.SetShift(true, r)).hasNoEvents());

    Courier.CourierStatus blocked = block(true).getValue();
    assertTrue(blocked.courier().blocked());
    assertFalse(blocked.courier().online(), "blocking ends the shift");
    assertEquals("conflict: courier k1 is blocked", shift(true).getError().getMessage());
    block(false);
    assertTrue(shift(true).getValue().courier().online());
  }

  @Test
  void aReportsAnswerNamesTheEntityWhichTakesTheNextReportsItself() {
    define();
    shift(true);
    Courier.Located answer = report(fix(0, 0)).reply().getValue();
    TestProbe<StatusReply<Courier.Located>> probe = TestProbe.create(KIT.system());
    answer.courier().tell(new Courier.ReportLocation(fix(10, 5), 0, probe.ref()));
    Courier.Located next = probe.receiveMessage().getValue();
    assertEquals(Courier.LocationOutcome.ACCEPTED, next.outcome());
    assertEquals(answer.courier(), next.courier());
    Courier.CourierStatus status = courier.<StatusReply<Courier.CourierStatus>>runCommand(Courier.Get::new)
        .reply().getValue();
    assertEquals(fix(10, 5), status.position(), "the report told to the entity itself moved the courier");
  }

  @Test
  void aReportsArrivalTimeCountsOnlyOnTheJvmThatTookIt() {
    TestProbe<StatusReply<Courier.Located>> probe = TestProbe.create(KIT.system());
    long receivedNanos = System.nanoTime();
    Courier.ReportLocation report = new Courier.ReportLocation(fix(0, 0), receivedNanos, probe.ref());
    Serialization serialization = SerializationExtension.get(Adapter.toClassic(KIT.system()));
    Courier.ReportLocation back = (Courier.ReportLocation) serialization
        .deserialize(serialization.serialize(report).get(), serialization.findSerializerFor(report).identifier(),
            Courier.ReportLocation.class.getName()).get();
    assertEquals(report, back);
    assertEquals(receivedNanos, back.receivedNanosHere(), "serialized and read on the same JVM");
    Courier.ReportLocation fromElsewhere =
        new Courier.ReportLocation(fix(0, 0), receivedNanos, Courier.THIS_JVM + 1, probe.ref());
    assertEquals(0, fromElsewhere.receivedNanosHere(), "nano times do not compare across JVMs");
  }

  @Test
  void positionsLiveInMemoryAndOnlySamplesArePersisted() {
    define();
    shift(true);
    var first = report(fix(0, 0));
    assertEquals(Courier.LocationOutcome.ACCEPTED, first.reply().getValue().outcome());
    assertInstanceOf(Courier.TrackSampled.class, first.event());

    var second = report(fix(20, 5));
    assertEquals(Courier.LocationOutcome.ACCEPTED, second.reply().getValue().outcome());
    assertTrue(second.hasNoEvents(), "5 s and 20 m later: not sampled");
    Courier.CourierStatus status = courier.<StatusReply<Courier.CourierStatus>>runCommand(Courier.Get::new)
        .reply().getValue();
    assertEquals(fix(20, 5), status.position(), "but it is the live position");
    assertEquals(fix(0, 0), status.courier().lastSample());

    assertInstanceOf(Courier.TrackSampled.class, report(fix(40, 30)).event(), "30 s after the last sample");
  }

  @Test
  void aDueSampleIsSkippedWhileTheNodesBudgetIsSpent() {
    courier = EventSourcedBehaviorTestKit.create(KIT.system(), Courier.create("acme:k2", SETTINGS, new TrackBudget(0.001, 1),
        new Courier.Links((topic, message) -> { }, wire, wire, wire.courierReminders(), Courier.PublishTimer.NONE),
        Clock.fixed(NOW, ZoneOffset.UTC)));
    define();
    assertInstanceOf(Courier.TrackSampled.class, report(fix(0, 0)).event(), "the budget holds one sample");
    var skipped = report(fix(500, 10));
    assertEquals(Courier.LocationOutcome.ACCEPTED, skipped.reply().getValue().outcome());
    assertTrue(skipped.hasNoEvents(), "due, but over budget: skipped, and the position is still live");
  }

  @Test
  void staleAndSuspectReportsAreNotTrusted() {
    define();
    report(fix(0, 10));
    assertEquals(Courier.LocationOutcome.STALE, report(fix(5, 9)).reply().getValue().outcome());
    var jump = report(fix(50_000, 11));
    assertEquals(Courier.LocationOutcome.SUSPECT, jump.reply().getValue().outcome());
    assertTrue(jump.hasNoEvents());
    Courier.CourierStatus status = courier.<StatusReply<Courier.CourierStatus>>runCommand(Courier.Get::new)
        .reply().getValue();
    assertEquals(fix(0, 10), status.position());
    assertEquals(1, status.staleDropped());
    assertEquals(1, status.suspectFlagged());
  }

  @Test
  void tellsTheDispatcherAndPublishesToActiveOrdersAndTheConflatedTenantTopic() {
    define();
    shift(true);
    take("o1", null, new Place(10, 10, null));
    published.clear();
    wire.seen.clear();
    report(fix(0, 0));
    report(fix(10, 1));
    report(fix(40, 2));
    report(fix(45, 17));
    List<String> topics = published.stream().map(Published::topic).toList();
    assertEquals(List.of("order:acme:o1", "live:acme", "order:acme:o1", "order:acme:o1", "order:acme:o1"), topics,
        "orders get every position, the tenant topic at most one per second (the entity's clock stands still)");
    assertEquals(List.of(fix(0, 0), fix(40, 2), fix(45, 17)), wire.seen.stream().map(CourierPosition::fix).toList(),
        "the dispatcher hears of 25 m moves, and of the position every 15 s");
    CourierPosition position = wire.seen.get(0);
    assertEquals(1, position.load());
    assertTrue(position.available());
    assertEquals(Vehicle.BIKE, position.vehicle());
  }

  @Test
  void aChangeOfLoadReachesTheDispatcherWhateverTheMove() {
    define();
    shift(true);
    report(fix(0, 0));
    wire.seen.clear();
    take("o1", null, new Place(10, 10, null));
    report(fix(5, 1));
    assertEquals(1, wire.seen.size(), "the order taken is told; the 5 m move after it is not");
    assertEquals(1, wire.seen.get(0).load());
    assertEquals(fix(0, 0), wire.seen.get(0).fix());
  }

  @Test
  void refusesOrdersItCannotTakeAndNeverExceedsCapacity() {
    define();
    assertEquals("conflict: courier k1 is offline", take("o1", null, new Place(1, 1, null)).getError().getMessage());
    shift(true);
    take("o1", null, new Place(1, 1, null));
    assertTrue(take("o1", null, new Place(1, 1, null)).isSuccess(), "taking the same order again is acknowledged");
    take("o2", null, new Place(1, 1, null));
    assertEquals("conflict: courier k1 is at capacity (2 of 2 orders)",
        take("o3", null, new Place(1, 1, null)).getError().getMessage());
    assertEquals(2, courier.getState().courier().load());

    courier.runCommand(new Courier.ReleaseOrder("o1", "delivered"));
    assertEquals(1, courier.getState().courier().load());
    assertEquals(new CourierNotice("acme", "k1", "unassigned", "o1", "delivered", NOW, null),
        published.get(published.size() - 1).message());
    assertTrue(take("o3", null, new Place(1, 1, null)).isSuccess());
  }

  @Test
  void recordsArrivalsOncePerStopAndDropoffOnlyAfterPickup() {
    define();
    shift(true);
    Place pickup = new Place(fix(0, 0).lat(), 13.4, null);
    Place dropoff = new Place(fix(30, 0).lat(), 13.4, null);
    take("o1", pickup, dropoff);
    report(fix(25, 0));
    assertEquals(List.of("arrived o1 PICKUP k1"), wire.lines, "both stops are near; the pickup comes first");
    report(fix(30, 10));
    assertEquals(List.of("arrived o1 PICKUP k1", "arrived o1 DROPOFF k1"), wire.lines);
    report(fix(31, 20));
    assertEquals(2, wire.lines.size(), "once per stop");
    ActiveOrder order = courier.getState().courier().activeOrders().get(0);
    assertTrue(order.atPickup() && order.atDropoff());
  }

  @Test
  void recoversItsLastSampleAsThePosition() {
    define();
    shift(true);
    report(fix(0, 0));
    report(fix(20, 5));
    var restarted = courier.restart();
    assertTrue(restarted.state().courier().online());
    Courier.CourierStatus status = courier.<StatusReply<Courier.CourierStatus>>runCommand(Courier.Get::new)
        .reply().getValue();
    assertEquals(fix(0, 0), status.position());
    assertEquals(Courier.LocationOutcome.STALE, report(fix(1, 0)).reply().getValue().outcome());
  }

  @Test
  void anUnknownCourierIsNotFound() {
    assertEquals("not_found: courier k1 does not exist",
        courier.<StatusReply<Courier.CourierStatus>>runCommand(Courier.Get::new).reply().getError().getMessage());
    assertNull(courier.getState().courier());
  }
}
