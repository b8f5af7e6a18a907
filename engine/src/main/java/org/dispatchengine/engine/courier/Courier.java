package org.dispatchengine.engine.courier;

import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.RecoveryCompleted;
import org.apache.pekko.persistence.typed.javadsl.CommandHandlerWithReply;
import org.apache.pekko.persistence.typed.javadsl.CommandHandlerWithReplyBuilder;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehaviorWithEnforcedReplies;
import org.apache.pekko.persistence.typed.javadsl.ReplyEffect;
import org.apache.pekko.persistence.typed.javadsl.RetentionCriteria;
import org.apache.pekko.persistence.typed.javadsl.SignalHandler;
import org.dispatchengine.engine.CborSerializable;
import org.dispatchengine.engine.EventTags;
import org.dispatchengine.engine.Ids;
import org.dispatchengine.engine.Rejection;
import org.dispatchengine.engine.TokenBucket;
import org.dispatchengine.engine.geo.Place;
import org.dispatchengine.engine.live.LiveUpdates;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * A courier, entity id {@code tenantId:courierId}: profile, shift, block, the orders it carries, and its position.
 *
 * <p>Every position report is judged by {@link LocationRules} and, when trusted, applied in memory and published at
 * once; only samples (at most one per interval or distance) are persisted, so the journal does not grow with every
 * ping. After a restart the last sample is the position until the next report. Reaching a stop of an active order
 * records an arrival once, on the courier and on the order. The courier refuses an order it cannot take: unknown,
 * offline, blocked or at capacity.
 */
public final class Courier
    extends EventSourcedBehaviorWithEnforcedReplies<Courier.Command, Courier.Event, Courier.State> {

  public static final EntityTypeKey<Command> ENTITY_KEY = EntityTypeKey.create(Command.class, "Courier");
  public static final String TAG_TYPE = "courier";
  public static final int TAG_SLICES = 8;

  // ---- commands

  public sealed interface Command extends CborSerializable {}

  public record Define(CourierProfile profile, ActorRef<StatusReply<CourierStatus>> replyTo) implements Command {}

  public record Get(ActorRef<StatusReply<CourierStatus>> replyTo) implements Command {}

  public record SetShift(boolean online, ActorRef<StatusReply<CourierStatus>> replyTo) implements Command {}

  public record SetBlocked(boolean blocked, ActorRef<StatusReply<CourierStatus>> replyTo) implements Command {}

  /**
   * {@code replyTo} may be null when nobody needs the outcome. {@code receivedNanos} is the
   * {@code System.nanoTime()} at which this node received the report, for measuring the time to publish; 0 when the
   * report came from another node (nano times do not compare across JVMs).
   */
  public record ReportLocation(Fix fix, long receivedNanos, ActorRef<StatusReply<LocationOutcome>> replyTo)
      implements Command {}

  /** Told how long a trusted report took from arrival on this node to publication. */
  public interface PublishTimer {
    PublishTimer NONE = nanos -> { };

    void published(long nanosSinceReceived);
  }

  public record TakeOrder(String orderId, Place pickup, Place dropoff, ActorRef<StatusReply<CourierStatus>> replyTo)
      implements Command {}

  /** @param reason {@code reassigned}, or the order's final status */
  public record ReleaseOrder(String orderId, String reason) implements Command {}

  // ---- replies

  /**
   * The courier with its live position.
   *
   * @param position the last trusted position, or null
   * @param staleDropped reports dropped as stale since this incarnation of the entity started
   * @param suspectFlagged reports flagged as implausible jumps since then
   */
  public record CourierStatus(CourierRecord courier, Fix position, long staleDropped, long suspectFlagged)
      implements CborSerializable {}

  public enum LocationOutcome implements CborSerializable {
    ACCEPTED,
    STALE,
    SUSPECT
  }

  // ---- events

  public sealed interface Event extends CborSerializable {
    String tenantId();

    String courierId();
  }

  public record CourierDefined(String tenantId, String courierId, CourierProfile profile, Instant at) implements Event {}

  public record ShiftStarted(String tenantId, String courierId, Instant at) implements Event {}

  public record ShiftEnded(String tenantId, String courierId, Instant at) implements Event {}

  public record BlockChanged(String tenantId, String courierId, boolean blocked, Instant at) implements Event {}

  public record TrackSampled(String tenantId, String courierId, Fix fix) implements Event {}

  public record OrderTaken(String tenantId, String courierId, String orderId, Place pickup, Place dropoff, Instant at)
      implements Event {}

  public record OrderReleased(String tenantId, String courierId, String orderId, String reason, Instant at)
      implements Event {}

  public record ArrivedAt(String tenantId, String courierId, String orderId, Stop stop, Instant at) implements Event {}

  /** {@code courier} is null until the courier is defined. */
  public record State(CourierRecord courier) implements CborSerializable {
    boolean exists() {
      return courier != null;
    }
  }

  public static void init(ActorSystem<?> system, LocationRules.Settings settings, TokenBucket samples,
      LiveUpdates live, OrderLink orders, PublishTimer timer) {
    ClusterSharding.get(system).init(Entity.of(ENTITY_KEY,
        ctx -> create(ctx.getEntityId(), settings, samples, live, orders, timer, Clock.systemUTC())));
  }

  public static Behavior<Command> create(String entityId, LocationRules.Settings settings, TokenBucket samples,
      LiveUpdates live, OrderLink orders, PublishTimer timer, Clock clock) {
    return new Courier(entityId, settings, samples, live, orders, timer, clock);
  }

  private final String tenantId;
  private final String courierId;
  private final LocationRules.Settings settings;
  private final TokenBucket samples;
  private final LiveUpdates live;
  private final OrderLink orders;
  private final PublishTimer timer;
  private final Clock clock;

  // the live position: in memory only, see the class comment
  private Fix trusted;
  private Fix suspect;
  private Instant lastTenantPublish;
  private long staleDropped;
  private long suspectFlagged;

  private Courier(String entityId, LocationRules.Settings settings, TokenBucket samples, LiveUpdates live,
      OrderLink orders, PublishTimer timer, Clock clock) {
    // a journal that fails a write (overloaded, restarting) restarts the courier after a pause instead of stopping it
    super(PersistenceId.of(ENTITY_KEY.name(), entityId),
        SupervisorStrategy.restartWithBackoff(Duration.ofMillis(200), Duration.ofSeconds(10), 0.2));
    this.tenantId = Ids.tenantOf(entityId);
    this.courierId = Ids.localOf(entityId);
    this.settings = settings;
    this.samples = samples;
    this.live = live;
    this.orders = orders;
    this.timer = timer;
    this.clock = clock;
  }

  @Override
  public State emptyState() {
    return new State(null);
  }

  @Override
  public Set<String> tagsFor(Event event) {
    return EventTags.forEntity(TAG_TYPE, TAG_SLICES, persistenceId().id());
  }

  @Override
  public RetentionCriteria retentionCriteria() {
    return RetentionCriteria.snapshotEvery(100, 2);
  }

  @Override
  public SignalHandler<State> signalHandler() {
    return newSignalHandlerBuilder()
        .onSignal(RecoveryCompleted.instance(), state -> trusted = state.exists() ? state.courier().lastSample() : null)
        .build();
  }

  @Override
  public CommandHandlerWithReply<Command, Event, State> commandHandler() {
    CommandHandlerWithReplyBuilder<Command, Event, State> builder = newCommandHandlerWithReplyBuilder();
    builder.forState(state -> !state.exists())
        .onCommand(Define.class, this::onDefine)
        .onCommand(Get.class, (state, cmd) -> Effect().reply(cmd.replyTo(), notFound()))
        .onCommand(SetShift.class, (state, cmd) -> Effect().reply(cmd.replyTo(), notFound()))
        .onCommand(SetBlocked.class, (state, cmd) -> Effect().reply(cmd.replyTo(), notFound()))
        .onCommand(ReportLocation.class, (state, cmd) -> replyIfAsked(cmd.replyTo(), notFound()))
        .onCommand(TakeOrder.class, (state, cmd) -> Effect().reply(cmd.replyTo(), notFound()))
        .onCommand(ReleaseOrder.class, (state, cmd) -> Effect().noReply());
    builder.forState(State::exists)
        .onCommand(Define.class, this::onDefine)
        .onCommand(Get.class, (state, cmd) -> Effect().reply(cmd.replyTo(), status(state)))
        .onCommand(SetShift.class, this::onSetShift)
        .onCommand(SetBlocked.class, this::onSetBlocked)
        .onCommand(ReportLocation.class, this::onReportLocation)
        .onCommand(TakeOrder.class, this::onTakeOrder)
        .onCommand(ReleaseOrder.class, this::onReleaseOrder);
    return builder.build();
  }

  private <T> StatusReply<T> notFound() {
    return Rejection.NOT_FOUND.reply("courier " + courierId + " does not exist");
  }

  private StatusReply<CourierStatus> status(State state) {
    return StatusReply.success(new CourierStatus(state.courier(), trusted, staleDropped, suspectFlagged));
  }

  private <T> ReplyEffect<Event, State> replyIfAsked(ActorRef<StatusReply<T>> replyTo, StatusReply<T> reply) {
    return replyTo == null ? Effect().noReply() : Effect().reply(replyTo, reply);
  }

  private ReplyEffect<Event, State> onDefine(State state, Define cmd) {
    if (state.exists() && state.courier().profile().equals(cmd.profile())) {
      return Effect().reply(cmd.replyTo(), status(state));
    }
    return Effect().persist(new CourierDefined(tenantId, courierId, cmd.profile(), clock.instant()))
        .thenReply(cmd.replyTo(), this::status);
  }

  private ReplyEffect<Event, State> onSetShift(State state, SetShift cmd) {
    CourierRecord courier = state.courier();
    if (courier.online() == cmd.online()) {
      return Effect().reply(cmd.replyTo(), status(state));
    }
    if (cmd.online() && courier.blocked()) {
      return Effect().reply(cmd.replyTo(), Rejection.CONFLICT.reply("courier " + courierId + " is blocked"));
    }
    Event event = cmd.online()
        ? new ShiftStarted(tenantId, courierId, clock.instant())
        : new ShiftEnded(tenantId, courierId, clock.instant());
    return Effect().persist(event).thenReply(cmd.replyTo(), this::status);
  }

  private ReplyEffect<Event, State> onSetBlocked(State state, SetBlocked cmd) {
    if (state.courier().blocked() == cmd.blocked()) {
      return Effect().reply(cmd.replyTo(), status(state));
    }
    return Effect().persist(new BlockChanged(tenantId, courierId, cmd.blocked(), clock.instant()))
        .thenReply(cmd.replyTo(), this::status);
  }

  private ReplyEffect<Event, State> onReportLocation(State state, ReportLocation cmd) {
    Fix fix = cmd.fix();
    switch (LocationRules.judge(trusted, suspect, fix, settings.maxSpeedMetersPerSecond())) {
      case STALE:
        staleDropped++;
        return replyIfAsked(cmd.replyTo(), StatusReply.success(LocationOutcome.STALE));
      case SUSPECT:
        suspect = fix;
        suspectFlagged++;
        return replyIfAsked(cmd.replyTo(), StatusReply.success(LocationOutcome.SUSPECT));
      default:
        break;
    }
    trusted = fix;
    suspect = null;
    CourierRecord courier = state.courier();
    publish(courier, fix);
    if (cmd.receivedNanos() != 0) {
      timer.published(System.nanoTime() - cmd.receivedNanos());
    }

    List<Event> events = new ArrayList<>();
    if (LocationRules.shouldSample(courier.lastSample(), fix, settings) && samples.tryTake(System.nanoTime())) {
      events.add(new TrackSampled(tenantId, courierId, fix));
    }
    for (ActiveOrder order : courier.activeOrders()) {
      if (order.pickup() != null && !order.atPickup() && near(fix, order.pickup())) {
        events.add(new ArrivedAt(tenantId, courierId, order.orderId(), Stop.PICKUP, fix.at()));
      }
      // a delivery reaches its dropoff only after its pickup, however close the two are
      boolean pickupDone = order.pickup() == null || order.atPickup();
      if (pickupDone && !order.atDropoff() && near(fix, order.dropoff())) {
        events.add(new ArrivedAt(tenantId, courierId, order.orderId(), Stop.DROPOFF, fix.at()));
      }
    }
    if (events.isEmpty()) {
      return replyIfAsked(cmd.replyTo(), StatusReply.success(LocationOutcome.ACCEPTED));
    }
    var persisted = Effect().persist(events).thenRun(s -> events.forEach(event -> {
      if (event instanceof ArrivedAt arrived) {
        orders.arrived(tenantId, arrived.orderId(), arrived.stop(), courierId, arrived.at());
      }
    }));
    return cmd.replyTo() == null
        ? persisted.thenNoReply()
        : persisted.thenReply(cmd.replyTo(), s -> StatusReply.success(LocationOutcome.ACCEPTED));
  }

  private boolean near(Fix fix, Place place) {
    return fix.point().metersTo(place.point()) <= settings.arrivalRadiusMeters();
  }

  private void publish(CourierRecord courier, Fix fix) {
    CourierPosition position = new CourierPosition(tenantId, courierId, fix, courier.available(), courier.load(),
        courier.profile().capacity());
    if (courier.online() && !courier.blocked()) {
      live.publish(LiveUpdates.dispatchTopic(tenantId), position);
    }
    for (ActiveOrder order : courier.activeOrders()) {
      live.publish(LiveUpdates.orderTopic(tenantId, order.orderId()), position);
    }
    Instant now = clock.instant();
    if (lastTenantPublish == null || !now.isBefore(lastTenantPublish.plus(settings.liveConflation()))) {
      lastTenantPublish = now;
      live.publish(LiveUpdates.tenantTopic(tenantId), position);
    }
  }

  private ReplyEffect<Event, State> onTakeOrder(State state, TakeOrder cmd) {
    CourierRecord courier = state.courier();
    if (courier.activeOrders().stream().anyMatch(o -> o.orderId().equals(cmd.orderId()))) {
      return Effect().reply(cmd.replyTo(), status(state));
    }
    String refusal = courier.blocked() ? "is blocked"
        : !courier.online() ? "is offline"
        : courier.load() >= courier.profile().capacity()
            ? "is at capacity (" + courier.load() + " of " + courier.profile().capacity() + " orders)"
            : null;
    if (refusal != null) {
      return Effect().reply(cmd.replyTo(), Rejection.CONFLICT.reply("courier " + courierId + " " + refusal));
    }
    Instant now = clock.instant();
    return Effect().persist(new OrderTaken(tenantId, courierId, cmd.orderId(), cmd.pickup(), cmd.dropoff(), now))
        .thenRun(s -> notice("assigned", cmd.orderId(), null, now))
        .thenReply(cmd.replyTo(), this::status);
  }

  private ReplyEffect<Event, State> onReleaseOrder(State state, ReleaseOrder cmd) {
    if (state.courier().activeOrders().stream().noneMatch(o -> o.orderId().equals(cmd.orderId()))) {
      return Effect().noReply();
    }
    Instant now = clock.instant();
    return Effect().persist(new OrderReleased(tenantId, courierId, cmd.orderId(), cmd.reason(), now))
        .thenRun(s -> notice("unassigned", cmd.orderId(), cmd.reason(), now))
        .thenNoReply();
  }

  private void notice(String type, String orderId, String reason, Instant at) {
    live.publish(LiveUpdates.courierTopic(tenantId, courierId),
        new CourierNotice(tenantId, courierId, type, orderId, reason, at));
  }

  @Override
  public EventHandler<State, Event> eventHandler() {
    return newEventHandlerBuilder().forAnyState()
        .onAnyEvent((state, event) -> new State(CourierRecord.fold(state.courier(), event, tenantId, courierId)));
  }
}
