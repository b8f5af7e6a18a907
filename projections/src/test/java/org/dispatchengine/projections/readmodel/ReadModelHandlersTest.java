package org.dispatchengine.projections.readmodel;

import com.typesafe.config.ConfigFactory;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.japi.function.Effect;
import org.apache.pekko.persistence.query.Offset;
import org.apache.pekko.projection.ProjectionId;
import org.apache.pekko.projection.eventsourced.EventEnvelope;
import org.apache.pekko.projection.jdbc.javadsl.JdbcHandler;
import org.apache.pekko.projection.jdbc.javadsl.JdbcProjection;
import org.apache.pekko.projection.testkit.javadsl.ProjectionTestKit;
import org.apache.pekko.projection.testkit.javadsl.TestSourceProvider;
import org.apache.pekko.stream.javadsl.Source;
import org.dispatchengine.engine.Caller;
import org.dispatchengine.engine.Role;
import org.dispatchengine.engine.courier.Courier;
import org.dispatchengine.engine.courier.CourierOffer;
import org.dispatchengine.engine.courier.CourierProfile;
import org.dispatchengine.engine.courier.Fix;
import org.dispatchengine.engine.courier.Vehicle;
import org.dispatchengine.engine.dispatch.Decision;
import org.dispatchengine.engine.dispatch.DispatchMode;
import org.dispatchengine.engine.dispatch.DispatchSettings;
import org.dispatchengine.engine.dispatch.OfferReply;
import org.dispatchengine.engine.geo.Place;
import org.dispatchengine.engine.order.Item;
import org.dispatchengine.engine.order.Order;
import org.dispatchengine.engine.order.OrderKind;
import org.dispatchengine.engine.order.OrderStatus;
import org.dispatchengine.projections.db.DataSourceJdbcSession;
import org.dispatchengine.projections.db.Database;
import org.dispatchengine.projections.db.DatabaseSettings;
import org.dispatchengine.projections.testing.TestDatabases;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The read-model handlers run as real exactly-once JDBC projections (projection testkit, H2) over envelopes made
 * here, so that times, sequence numbers and replays are under the test's control.
 */
class ReadModelHandlersTest {
  private static final Caller KEY = new Caller(Role.TENANT, "key-1", null);
  private static final Caller COURIER = new Caller(Role.COURIER, "k1", null);
  private static final Instant T0 = Instant.parse("2026-11-20T10:00:00Z");
  private static final LocalDate DAY = LocalDate.of(2026, 11, 20);

  private static ActorTestKit testKit;
  private static Database database;

  @BeforeAll
  static void start() {
    DatabaseSettings settings = TestDatabases.h2();
    database = Database.open(settings);
    database.migrate();
    testKit = ActorTestKit.create("handlers", settings.pekkoConfig().withFallback(ConfigFactory.load()));
  }

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
    database.close();
  }

  private static Instant at(int minutes) {
    return T0.plus(Duration.ofMinutes(minutes));
  }

  /** Events of several entities, each numbered from 1 in its own order, as a tag delivers them. */
  private static final class Stream<E> {
    private final List<EventEnvelope<E>> envelopes = new ArrayList<>();
    private final java.util.Map<String, Long> seqNrs = new java.util.HashMap<>();

    Stream<E> add(String persistenceId, E event) {
      long seqNr = seqNrs.merge(persistenceId, 1L, Long::sum);
      envelopes.add(EventEnvelope.create(Offset.sequence(envelopes.size() + 1), persistenceId, seqNr, event,
          T0.toEpochMilli()));
      return this;
    }
  }

  private static <E> void project(String name, Stream<E> events,
      Supplier<JdbcHandler<List<EventEnvelope<E>>, DataSourceJdbcSession>> handler, Effect assertions) {
    var source = TestSourceProvider.<Offset, EventEnvelope<E>>create(Source.from(events.envelopes),
        EventEnvelope::offset);
    var projection = JdbcProjection.groupedWithin(ProjectionId.of(name, "slice-0"), source,
            () -> new DataSourceJdbcSession(database.dataSource()), handler, testKit.system())
        .withGroup(3, Duration.ofMillis(20));
    long lastOffset = events.envelopes.size();
    // the assertions already hold after a first run: a replay is judged only once its last group is committed
    Effect caughtUp = () -> {
      assertEquals(lastOffset, TestDatabases.queryLong(database.dataSource(),
          "SELECT \"current_offset\" FROM \"pekko_projection_offset_store\" WHERE \"projection_name\" = ?", name));
      assertions.apply();
    };
    ProjectionTestKit.create(testKit.system()).run(projection, Duration.ofSeconds(10), caughtUp);
  }

  private static Order.OrderCreated created(String tenant, String order, String customer, String zone, Instant at) {
    return new Order.OrderCreated(tenant, order, OrderKind.DELIVERY, customer, "s1", new Place(52.52, 13.405, "Store"),
        new Place(52.5, 13.45, "Home"), zone, new BigDecimal("6.20"), List.of(new Item("Pizza", 2)), null, null,
        "hash", KEY, at);
  }

  private static Order.StatusChanged status(String tenant, String order, OrderStatus to, String reason, Instant at) {
    return new Order.StatusChanged(tenant, order, to, reason, null, KEY, at);
  }

  @Test
  void ordersBecomeRowsHistoryAndDailyFiguresAndAReplayChangesNothing() throws Exception {
    String t = "h-orders";
    Decision broadcast = new Decision(DispatchMode.BROADCAST, 2, List.of(), List.of("k1", "k2"), false, null);
    Stream<Order.Event> events = new Stream<Order.Event>()
        .add("Order|h-orders:o1", created(t, "o1", "c1", "city", at(0)))
        .add("Order|h-orders:o2", created(t, "o2", "c2", "city", at(1)))
        .add("Order|h-orders:o1", new Order.DispatchStarted(t, "o1", DispatchSettings.DEFAULT, Order.DISPATCHER, at(0)))
        .add("Order|h-orders:o1", new Order.CourierOffered(t, "o1", "of1", broadcast, at(2), Order.DISPATCHER, at(1)))
        .add("Order|h-orders:o1", new Order.OfferDeclined(t, "o1", "of1", "k2", OfferReply.DECLINED, null, COURIER, at(1)))
        .add("Order|h-orders:o3", created(t, "o3", "c3", null, at(2)))
        .add("Order|h-orders:o1", new Order.CourierAssigned(t, "o1", "k1", null, "of1", COURIER, at(4)))
        .add("Order|h-orders:o1", status(t, "o1", OrderStatus.ACCEPTED, null, at(5)))
        .add("Order|h-orders:o2", status(t, "o2", OrderStatus.CANCELLED, "changed my mind", at(6)))
        .add("Order|h-orders:o1", status(t, "o1", OrderStatus.READY, null, at(10)))
        .add("Order|h-orders:o1", status(t, "o1", OrderStatus.PICKED_UP, null, at(12)))
        .add("Order|h-orders:o1", status(t, "o1", OrderStatus.DELIVERED, null, at(25).plusSeconds(30)))
        .add("Order|h-orders:o3", status(t, "o3", OrderStatus.ACCEPTED, null, at(3)))
        .add("Order|h-orders:o3", status(t, "o3", OrderStatus.DELIVERED, null, at(42)));
    OrderQueries orders = new OrderQueries(database.dataSource());
    StatsQueries stats = new StatsQueries(database.dataSource());

    Effect expected = () -> {
      List<OrderQueries.OrderItem> rows = orders.list(t, filter(null), 10, null).items();
      assertEquals(List.of("o3", "o2", "o1"), rows.stream().map(OrderQueries.OrderItem::id).toList());
      OrderQueries.OrderItem o1 = rows.get(2);
      assertEquals("delivered", o1.status());
      assertEquals("k1", o1.courierId());
      assertEquals("assigned", o1.assignmentState());
      assertEquals(1, o1.assignmentAttempts());
      assertEquals(new BigDecimal("6.20"), o1.fee());
      assertEquals(at(0), o1.createdAt());
      assertEquals(at(4), o1.assignedAt());
      assertEquals(at(12), o1.pickedUpAt());
      assertEquals(at(25).plusSeconds(30), o1.deliveredAt());
      assertEquals(9, o1.seq());
      assertEquals("changed my mind", rows.get(1).reason());
      assertEquals(at(6), rows.get(1).endedAt());

      List<OrderQueries.HistoryItem> history = orders.history(t, "o1").orElseThrow();
      assertEquals(List.of("pending", "accepted", "ready", "picked_up", "delivered"),
          history.stream().map(OrderQueries.HistoryItem::to).toList());
      assertNull(history.get(0).from());
      assertEquals("picked_up", history.get(4).from());
      assertEquals(List.of(1L, 6L, 7L, 8L, 9L), history.stream().map(OrderQueries.HistoryItem::seq).toList());

      StatsQueries.Stats figures = stats.stats(t, DAY, DAY);
      StatsQueries.ZoneFigures city = figures.days().stream().filter(f -> "city".equals(f.zoneId())).findFirst()
          .orElseThrow();
      assertEquals(new StatsQueries.ZoneFigures(DAY, "city", 2, 1, 1, 0, 25.5, 25, 1, 4.0), city);
      StatsQueries.ZoneFigures outside = figures.zones().stream().filter(f -> f.zoneId() == null).findFirst()
          .orElseThrow();
      assertEquals(new StatsQueries.ZoneFigures(null, null, 1, 1, 0, 0, 40.0, 40, 0, null), outside);
    };
    project("orders-first", events, () -> new OrderReadModel(0), expected);
    // another projection over the same events: every one of them is at or below the rows' seq_nr
    project("orders-replay", events, () -> new OrderReadModel(0), expected);
  }

  @Test
  void ninetiethPercentileIsTheNearestRankOfWholeMinutes() throws Exception {
    String t = "h-p90";
    Stream<Order.Event> events = new Stream<>();
    int[] minutes = {10, 12, 12, 15, 18, 20, 22, 25, 31, 45};
    for (int i = 0; i < minutes.length; i++) {
      String pid = "Order|h-p90:o" + i;
      events.add(pid, created(t, "o" + i, "c", "city", at(0)));
      events.add(pid, status(t, "o" + i, OrderStatus.DELIVERED, null, at(minutes[i]).plusSeconds(59)));
    }
    StatsQueries stats = new StatsQueries(database.dataSource());
    project("p90", events, () -> new OrderReadModel(0), () -> {
      StatsQueries.ZoneFigures city = stats.stats(t, DAY, DAY).zones().get(0);
      assertEquals(10, city.delivered());
      assertEquals(31, city.p90MinutesToDeliver());
      assertEquals(21.0 + 59 / 60.0, city.meanMinutesToDeliver(), 1e-9);
    });
  }

  @Test
  void couriersBecomeRowsWithShiftTotalsAndATrackWithinRetention() throws Exception {
    String t = "h-couriers";
    String pid = "Courier|h-couriers:k1";
    Instant now = Instant.now();
    Instant start = now.minus(Duration.ofHours(2));
    Stream<Courier.Event> events = new Stream<Courier.Event>()
        .add(pid, new Courier.CourierDefined(t, "k1", new CourierProfile("Kim", Vehicle.BIKE, 2), start))
        .add(pid, new Courier.TrackSampled(t, "k1", new Fix(52.0, 13.0, 5.0, 3.0, 90.0, now.minus(Duration.ofDays(40)))))
        .add(pid, new Courier.ShiftStarted(t, "k1", start))
        .add(pid, new Courier.TrackSampled(t, "k1", new Fix(52.50, 13.40, 5.0, 3.0, 90.0, start.plusSeconds(60))))
        .add(pid, new Courier.OfferReceived(t, "k1", new CourierOffer("of1", "o1", null, null, start, false, false, null),
            start.plusSeconds(70)))
        .add(pid, new Courier.OfferAccepted(t, "k1", "of1", start.plusSeconds(80)))
        .add(pid, new Courier.OrderTaken(t, "k1", "o1", null, null, start.plusSeconds(90)))
        .add(pid, new Courier.TrackSampled(t, "k1", new Fix(52.51, 13.41, null, null, null, start.plusSeconds(120))))
        .add(pid, new Courier.ShiftEnded(t, "k1", start.plusSeconds(3600)))
        .add(pid, new Courier.ShiftStarted(t, "k1", start.plusSeconds(5400)));
    CourierQueries couriers = new CourierQueries(database.dataSource(), Clock.fixed(start.plusSeconds(6000),
        ZoneOffset.UTC));
    Effect expected = () -> {
      CourierQueries.CourierItem kim = couriers.list(t, true, 10, null).items().get(0);
      assertEquals("Kim", kim.name());
      assertEquals("bike", kim.vehicle());
      assertEquals(1, kim.load());
      assertNull(kim.offerId());
      assertTrue(kim.available());
      assertEquals(2, kim.shifts());
      assertEquals(3600 + 600, kim.onlineSeconds());
      assertEquals(new CourierQueries.Position(52.51, 13.41, Sql.micros(start.plusSeconds(120))),
          kim.lastPosition());
      assertEquals(0, couriers.list(t, false, 10, null).items().size());

      List<CourierQueries.TrackPoint> track = couriers.track(t, "k1", now.minus(Duration.ofDays(50)), now, 10, null)
          .orElseThrow().items();
      assertEquals(List.of(4L, 8L), track.stream().map(CourierQueries.TrackPoint::seq).toList());
      assertEquals(3.0, track.get(0).speed());
      assertNull(track.get(1).speed());
    };
    project("couriers-first", events, () -> new CourierReadModel(Duration.ofDays(30), Clock.systemUTC()), expected);
    project("couriers-replay", events, () -> new CourierReadModel(Duration.ofDays(30), Clock.systemUTC()), expected);
  }

  @Test
  void couriersOfTwoTenantsWithTheSameIdsInterleavedAcrossGroupsKeepTheirOwnRows() throws Exception {
    Instant start = Instant.now().minus(Duration.ofHours(1));
    List<String> tenants = List.of("h-fleet-a", "h-fleet-b");
    List<String> ids = List.of("k1", "k2", "k3", "k4");
    Stream<Courier.Event> events = new Stream<>();
    for (int round = 0; round < 3; round++) {
      for (int t = 0; t < tenants.size(); t++) {
        for (int k = 0; k < ids.size(); k++) {
          String tenant = tenants.get(t);
          String id = ids.get(k);
          String pid = "Courier|" + tenant + ":" + id;
          Instant at = start.plusSeconds(60L * round + k);
          events.add(pid, switch (round) {
            case 0 -> new Courier.CourierDefined(tenant, id, new CourierProfile(tenant + "/" + id, Vehicle.BIKE, 2),
                at);
            case 1 -> new Courier.ShiftStarted(tenant, id, at);
            default -> new Courier.TrackSampled(tenant, id, new Fix(50 + t, 10 + k, null, null, null, at));
          });
        }
      }
    }
    CourierQueries couriers = new CourierQueries(database.dataSource(), Clock.systemUTC());
    Effect expected = () -> {
      for (int t = 0; t < tenants.size(); t++) {
        List<CourierQueries.CourierItem> items = couriers.list(tenants.get(t), true, 10, null).items();
        assertEquals(ids.size(), items.size());
        for (CourierQueries.CourierItem item : items) {
          int k = ids.indexOf(item.id());
          assertEquals(tenants.get(t) + "/" + item.id(), item.name());
          assertEquals(1, item.shifts());
          assertEquals(new CourierQueries.Position(50 + t, 10 + k, Sql.micros(start.plusSeconds(120L + k))),
              item.lastPosition());
        }
      }
    };
    project("fleets-first", events, () -> new CourierReadModel(Duration.ofDays(30), Clock.systemUTC()), expected);
    project("fleets-replay", events, () -> new CourierReadModel(Duration.ofDays(30), Clock.systemUTC()), expected);
  }

  @Test
  void aSampleAloneInItsGroupMovesAKnownCourierOnceAndNeverAnUnknownOne() throws Exception {
    String t = "h-moves";
    Instant now = Instant.now();
    Instant start = now.minus(Duration.ofHours(1));
    Fix outOfRetention = new Fix(51.0, 12.0, null, null, null, now.minus(Duration.ofDays(40)));
    Fix k1Last = new Fix(52.1, 13.1, null, 4.0, null, start.plusSeconds(60));
    Fix k2First = new Fix(52.2, 13.2, null, null, null, start.plusSeconds(30));
    Fix k2Last = new Fix(52.3, 13.3, null, null, null, start.plusSeconds(90));
    // groups of three: the samples of the second group and k1's of the third are each their courier's only event
    Stream<Courier.Event> events = new Stream<Courier.Event>()
        .add("Courier|h-moves:k1",
            new Courier.CourierDefined(t, "k1", new CourierProfile("Kim", Vehicle.BIKE, 1), start))
        .add("Courier|h-moves:k2",
            new Courier.CourierDefined(t, "k2", new CourierProfile("Lou", Vehicle.CAR, 1), start))
        .add("Courier|h-moves:k1", new Courier.ShiftStarted(t, "k1", start))
        .add("Courier|h-moves:k1", new Courier.TrackSampled(t, "k1", outOfRetention))
        .add("Courier|h-moves:k2", new Courier.TrackSampled(t, "k2", k2First))
        .add("Courier|h-moves:k9", new Courier.TrackSampled(t, "k9", k2First))
        .add("Courier|h-moves:k1", new Courier.TrackSampled(t, "k1", k1Last))
        .add("Courier|h-moves:k2", new Courier.ShiftStarted(t, "k2", start.plusSeconds(80)))
        .add("Courier|h-moves:k2", new Courier.TrackSampled(t, "k2", k2Last));
    CourierQueries couriers = new CourierQueries(database.dataSource(), Clock.systemUTC());
    Effect expected = () -> {
      List<CourierQueries.CourierItem> items = couriers.list(t, null, 10, null).items();
      assertEquals(List.of("k1", "k2"), items.stream().map(CourierQueries.CourierItem::id).toList());
      assertEquals(new CourierQueries.Position(52.1, 13.1, Sql.micros(k1Last.at())), items.get(0).lastPosition());
      assertEquals(new CourierQueries.Position(52.3, 13.3, Sql.micros(k2Last.at())), items.get(1).lastPosition());
      assertTrue(items.get(1).online());
      assertEquals(List.of(4L), trackSeqs(couriers, t, "k1", now));
      assertEquals(List.of(2L, 4L), trackSeqs(couriers, t, "k2", now));
      assertEquals(0, TestDatabases.queryLong(database.dataSource(),
          "SELECT COUNT(*) FROM \"courier_track\" WHERE \"tenant_id\" = ? AND \"courier_id\" = 'k9'", t));
    };
    project("moves-first", events, () -> new CourierReadModel(Duration.ofDays(30), Clock.systemUTC()), expected);
    project("moves-replay", events, () -> new CourierReadModel(Duration.ofDays(30), Clock.systemUTC()), expected);
  }

  private static List<Long> trackSeqs(CourierQueries couriers, String tenant, String courier, Instant now)
      throws SQLException {
    return couriers.track(tenant, courier, now.minus(Duration.ofDays(50)), now, 10, null).orElseThrow().items()
        .stream().map(CourierQueries.TrackPoint::seq).toList();
  }

  @Test
  void ordersOfTwoTenantsWithTheSameIdsInterleavedAcrossGroupsKeepTheirOwnRows() throws Exception {
    List<String> tenants = List.of("h-shop-a", "h-shop-b");
    List<OrderStatus> statuses = List.of(OrderStatus.ACCEPTED, OrderStatus.CANCELLED);
    List<String> ids = List.of("o1", "o2", "o3", "o4");
    Stream<Order.Event> events = new Stream<>();
    for (int round = 0; round < 2; round++) {
      for (int t = 0; t < tenants.size(); t++) {
        for (String id : ids) {
          String tenant = tenants.get(t);
          events.add("Order|" + tenant + ":" + id, round == 0
              ? created(tenant, id, tenant + "/" + id, "city", at(0))
              : status(tenant, id, statuses.get(t), null, at(1)));
        }
      }
    }
    OrderQueries orders = new OrderQueries(database.dataSource());
    Effect expected = () -> {
      for (int t = 0; t < tenants.size(); t++) {
        List<OrderQueries.OrderItem> items = orders.list(tenants.get(t), filter(null), 10, null).items();
        assertEquals(ids.size(), items.size());
        for (OrderQueries.OrderItem item : items) {
          assertEquals(tenants.get(t) + "/" + item.id(), item.customerId());
          assertEquals(statuses.get(t).name().toLowerCase(java.util.Locale.ROOT), item.status());
          assertEquals(2, item.seq());
        }
      }
    };
    project("shops-first", events, () -> new OrderReadModel(0), expected);
    project("shops-replay", events, () -> new OrderReadModel(0), expected);
  }

  @Test
  void pagesFollowTheCursorAndRefuseOneTheyDidNotMake() throws Exception {
    String t = "h-pages";
    Stream<Order.Event> events = new Stream<>();
    for (int i = 0; i < 7; i++) {
      // two orders share each creation time: the order id breaks the tie
      events.add("Order|h-pages:p" + i, created(t, "p" + i, "c", "city", at(i / 2)));
    }
    OrderQueries orders = new OrderQueries(database.dataSource());
    project("pages", events, () -> new OrderReadModel(0), () -> {
      List<String> seen = new ArrayList<>();
      String cursor = null;
      do {
        Page<OrderQueries.OrderItem> page = orders.list(t, filter(null), 3, cursor);
        page.items().forEach(item -> seen.add(item.id()));
        cursor = page.nextCursor();
      } while (cursor != null);
      assertEquals(List.of("p6", "p5", "p4", "p3", "p2", "p1", "p0"), seen);
      assertEquals(List.of("p1", "p0"), orders.list(t, new OrderQueries.Filter(null, null, null, null, null,
          null, at(1)), 10, null).items().stream().map(OrderQueries.OrderItem::id).toList());
    });
    org.junit.jupiter.api.Assertions.assertThrows(Cursor.InvalidCursor.class,
        () -> orders.list(t, filter(null), 3, "bm90LWEtY3Vyc29y"));
  }

  private static OrderQueries.Filter filter(String status) {
    return new OrderQueries.Filter(status, null, null, null, null, null, null);
  }
}
