package org.dispatchengine.engine.courier;

import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.cluster.sharding.typed.ClusterShardingSettings;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.RecoveryCompleted;
import org.apache.pekko.persistence.typed.javadsl.CommandHandlerWithReply;
import org.apache.pekko.persistence.typed.javadsl.CommandHandlerWithReplyBuilder;
import org.apache.pekko.persistence.typed.javadsl.EffectBuilder;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehaviorWithEnforcedReplies;
import org.apache.pekko.persistence.typed.javadsl.ReplyEffect;
import org.apache.pekko.persistence.typed.javadsl.RetentionCriteria;
import org.apache.pekko.persistence.typed.javadsl.SignalHandler;
import org.dispatchengine.engine.CborSerializable;
import org.dispatchengine.engine.EventTags;
import org.dispatchengine.engine.Ids;
import org.dispatchengine.engine.Rejection;
import org.dispatchengine.engine.Reminders;
import org.dispatchengine.engine.dispatch.DispatcherLink;
import org.dispatchengine.engine.dispatch.OfferReply;
import org.dispatchengine.engine.geo.Place;
import org.dispatchengine.engine.live.LiveUpdates;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/**
 * A courier, entity id {@code tenantId:courierId}: profile, shift, block, the orders it carries, and its position.
 *
 * <p>Every position report is judged by {@link LocationRules} and, when trusted, applied in memory and published at
 * once; only samples (at most one per interval or distance) are persisted, so the journal does not grow with every
 * ping. After a restart the last sample is the position until the next report. Reaching a stop of an active order
 * records an arrival once, on the courier and on the order. The courier refuses an order it cannot take: unknown,
 * offline, blocked or at capacity.
 *
 * <p>Offers: the courier holds at most one. It refuses an offer it cannot take (the order then asks the next
 * courier), pushes one it can to its sockets, and times it out at its deadline even if the order's node is gone. An
 * acceptance counts against capacity at once, is told to the order, and is repeated until the order confirms (the
 * courier then carries the order) or refuses (the courier is free again).
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
   * {@code replyTo} may be null when nobody needs the outcome. {@code receivedNanos} is the {@code System.nanoTime()}
   * at which a node received the report, for measuring the time to publish (0: not measured), and {@code receivedOn}
   * names that node's JVM: nano times do not compare across JVMs, so a report that crossed to another is not timed.
   */
  public record ReportLocation(Fix fix, long receivedNanos, long receivedOn, ActorRef<StatusReply<Located>> replyTo)
      implements Command {
    /** A report received on this JVM. */
    public ReportLocation(Fix fix, long receivedNanos, ActorRef<StatusReply<Located>> replyTo) {
      this(fix, receivedNanos, THIS_JVM, replyTo);
    }

    /** {@code receivedNanos} when it was taken on this JVM, else 0. */
    long receivedNanosHere() {
      return receivedOn == THIS_JVM ? receivedNanos : 0;
    }
  }

  /** Tells this JVM's nano times from another's. */
  static final long THIS_JVM = new SecureRandom().nextLong();

  /** Told how long a trusted report took from arrival on this node to publication. */
  public interface PublishTimer {
    PublishTimer NONE = nanos -> { };

    void published(long nanosSinceReceived);
  }

  public record TakeOrder(String orderId, Place pickup, Place dropoff, ActorRef<StatusReply<CourierStatus>> replyTo)
      implements Command {}

  /** @param reason {@code reassigned}, or the order's final status */
  public record ReleaseOrder(String orderId, String reason) implements Command {}

  /** An order offered by its dispatch; refused (told to the order) when the courier cannot take it. */
  public record ReceiveOffer(CourierOffer offer) implements Command {}

  /** The courier's answer, from its app; {@code reason} only for declines, may be null. */
  public record AnswerOffer(String offerId, boolean accept, String reason,
      ActorRef<StatusReply<CourierStatus>> replyTo) implements Command {}

  public record ConfirmOffer(String offerId) implements Command {}

  public record RefuseOffer(String offerId, String reason) implements Command {}

  /** @param reason as the order gives it: {@code expired}, {@code taken} or the order's final status */
  public record RevokeOffer(String offerId, String reason) implements Command {}

  /** Reminder: the offer's deadline has come. */
  public record OfferDeadline(String offerId) implements Command {}

  /** Reminder: the order has not answered an acceptance yet; tell it again. */
  public record AcceptanceReminder(String offerId, int attempt) implements Command {}

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

  /**
   * The answer to a report: its outcome, and the courier entity itself, to which a sender of many reports may tell the
   * next ones directly (see {@link CourierService.Reports}).
   */
  public record Located(LocationOutcome outcome, ActorRef<Command> courier) implements CborSerializable {}

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

  public record OfferReceived(String tenantId, String courierId, CourierOffer offer, Instant at) implements Event {}

  public record OfferAccepted(String tenantId, String courierId, String offerId, Instant at) implements Event {}

  /** @param outcome {@code declined}, {@code expired}, {@code revoked}, {@code refused} or {@code went_offline} */
  public record OfferClosed(String tenantId, String courierId, String offerId, String outcome, Instant at)
      implements Event {}

  /** {@code courier} is null until the courier is defined. */
  public record State(CourierRecord courier) implements CborSerializable {
    boolean exists() {
      return courier != null;
    }
  }

  /** The links of a courier to the rest of the engine. */
  public record Links(LiveUpdates live, OrderLink orders, DispatcherLink dispatcher, Reminders<Command> reminders,
      PublishTimer timer) {}

  /**
   * A courier judges its own idleness: sockets tell reports to the entity itself (ADR 0020), past its shard, which
   * would take a courier reporting every second for an idle one and passivate it. So the shard does not passivate
   * couriers; a courier that received no message for the configured idle time asks its shard to.
   */
  public static void init(ActorSystem<?> system, LocationRules.Settings settings, TrackBudget samples, Links links) {
    ClusterShardingSettings sharding = ClusterShardingSettings.create(system);
    Duration idle = Duration.ofNanos(sharding.passivateIdleEntityAfter().toNanos());
    ClusterSharding.get(system).init(Entity.of(ENTITY_KEY,
            entity -> create(entity.getEntityId(), settings, samples, links, Clock.systemUTC(), idle,
                self -> entity.getShard().tell(new ClusterSharding.Passivate<>(self))))
        .withSettings(sharding.withNoPassivationStrategy()));
  }

  /** A courier outside sharding, which is never passivated (tests). */
  public static Behavior<Command> create(String entityId, LocationRules.Settings settings, TrackBudget samples,
      Links links, Clock clock) {
    return create(entityId, settings, samples, links, clock, Duration.ZERO, self -> { });
  }

  /**
   * @param idle after this long without a message (at most a quarter more) the courier calls {@code passivate};
   *     zero: never
   */
  private static Behavior<Command> create(String entityId, LocationRules.Settings settings, TrackBudget samples,
      Links links, Clock clock, Duration idle, Consumer<ActorRef<Command>> passivate) {
    // a check every quarter of the idle time rather than a receive timeout: that one is cancelled and scheduled
    // again on every message, and a courier gets two reports a second (with the scheduler thread's work, 3.8 % of a
    // node's CPU samples at 20,000 reports/s)
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> {
      if (!idle.isZero()) {
        timers.startTimerWithFixedDelay(IdleCheck.INSTANCE, idle.dividedBy(IDLE_CHECKS_PER_IDLE_TIME));
      }
      return new Courier(entityId, settings, samples, links, clock, ctx.getSelf(), passivate);
    }));
  }

  /** Time to see whether the courier has been idle. Never leaves the node. */
  enum IdleCheck implements Command { INSTANCE }

  /** A courier is idle after one more check than this in a row with no other message between them. */
  private static final int IDLE_CHECKS_PER_IDLE_TIME = 4;

  static final Duration MAX_ACCEPTANCE_RETRY = Duration.ofSeconds(30);

  private final String entityId;
  private final String tenantId;
  private final String courierId;
  private final LocationRules.Settings settings;
  private final TrackBudget samples;
  private final LiveUpdates live;
  private final OrderLink orders;
  private final DispatcherLink dispatcher;
  private final Reminders<Command> reminders;
  private final PublishTimer timer;
  private final Clock clock;
  private final ActorRef<Command> self;
  private final Consumer<ActorRef<Command>> passivate;
  /** The answers to reports, one per outcome: they name this entity, and a report is answered for every frame. */
  private final Map<LocationOutcome, StatusReply<Located>> answers = new EnumMap<>(LocationOutcome.class);

  // the live position: in memory only, see the class comment
  private Fix trusted;
  private Fix suspect;
  // the position the dispatcher last heard of: reports that moved less than LocationRules allows are not told
  private Fix toldDispatcher;
  private Instant lastTenantPublish;
  private long staleDropped;
  private long suspectFlagged;
  // the dispatch region last told of this courier (null: none since this incarnation started), so that a courier
  // moving to another region is taken out of the old one's index
  private String dispatchRegion;
  // idle checks since the last other message
  private int quietChecks;

  private Courier(String entityId, LocationRules.Settings settings, TrackBudget samples, Links links, Clock clock,
      ActorRef<Command> self, Consumer<ActorRef<Command>> passivate) {
    // a journal that fails a write (overloaded, restarting) restarts the courier after a pause instead of stopping it
    super(PersistenceId.of(ENTITY_KEY.name(), entityId),
        SupervisorStrategy.restartWithBackoff(Duration.ofMillis(200), Duration.ofSeconds(10), 0.2));
    this.entityId = entityId;
    this.tenantId = Ids.tenantOf(entityId);
    this.courierId = Ids.localOf(entityId);
    this.settings = settings;
    this.samples = samples;
    this.live = links.live();
    this.orders = links.orders();
    this.dispatcher = links.dispatcher();
    this.reminders = links.reminders();
    this.timer = links.timer();
    this.clock = clock;
    this.self = self;
    this.passivate = passivate;
    for (LocationOutcome outcome : LocationOutcome.values()) {
      answers.put(outcome, StatusReply.success(new Located(outcome, self)));
    }
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
        .onSignal(RecoveryCompleted.instance(), state -> {
          trusted = state.exists() ? state.courier().lastSample() : null;
          if (state.exists() && state.courier().offer() != null) {
            rearm(state.courier().offer());
          }
        })
        .build();
  }

  /** After a restart the reminders of the node that armed them may be gone. */
  private void rearm(CourierOffer offer) {
    if (offer.accepted()) {
      reminders.remind(entityId, new AcceptanceReminder(offer.offerId(), 0), Duration.ZERO);
    } else {
      Duration left = Duration.between(clock.instant(), offer.expiresAt());
      reminders.remind(entityId, new OfferDeadline(offer.offerId()), left.isNegative() ? Duration.ZERO : left);
    }
  }

  @Override
  public CommandHandlerWithReply<Command, Event, State> commandHandler() {
    CommandHandlerWithReply<Command, Event, State> others = otherCommands();
    // reports are nearly all of a courier's messages: they are taken before the builder's handler, which tries its
    // cases one after the other (at 20,000 reports/s, finding the case took a quarter of the entity's time)
    return (state, command) -> {
      if (command == IdleCheck.INSTANCE) {
        return onIdleCheck();
      }
      quietChecks = 0;
      if (command instanceof ReportLocation report) {
        return state.exists() ? onReportLocation(state, report) : replyIfAsked(report.replyTo(), notFound());
      }
      return others.apply(state, command);
    };
  }

  private CommandHandlerWithReply<Command, Event, State> otherCommands() {
    CommandHandlerWithReplyBuilder<Command, Event, State> builder = newCommandHandlerWithReplyBuilder();
    builder.forState(state -> !state.exists())
        .onCommand(Define.class, this::onDefine)
        .onCommand(Get.class, (state, cmd) -> Effect().reply(cmd.replyTo(), notFound()))
        .onCommand(SetShift.class, (state, cmd) -> Effect().reply(cmd.replyTo(), notFound()))
        .onCommand(SetBlocked.class, (state, cmd) -> Effect().reply(cmd.replyTo(), notFound()))
        .onCommand(TakeOrder.class, (state, cmd) -> Effect().reply(cmd.replyTo(), notFound()))
        .onCommand(AnswerOffer.class, (state, cmd) -> Effect().reply(cmd.replyTo(), notFound()))
        .onCommand(ReceiveOffer.class, (state, cmd) -> {
          orders.offerAnswered(tenantId, cmd.offer().orderId(), cmd.offer().offerId(), courierId, OfferReply.UNABLE,
              "courier " + courierId + " does not exist");
          return Effect().noReply();
        })
        .onAnyCommand(cmd -> Effect().noReply());
    builder.forState(State::exists)
        .onCommand(Define.class, this::onDefine)
        .onCommand(Get.class, (state, cmd) -> Effect().reply(cmd.replyTo(), status(state)))
        .onCommand(SetShift.class, this::onSetShift)
        .onCommand(SetBlocked.class, this::onSetBlocked)
        .onCommand(TakeOrder.class, this::onTakeOrder)
        .onCommand(ReleaseOrder.class, this::onReleaseOrder)
        .onCommand(ReceiveOffer.class, this::onReceiveOffer)
        .onCommand(AnswerOffer.class, this::onAnswerOffer)
        .onCommand(ConfirmOffer.class, this::onConfirmOffer)
        .onCommand(RefuseOffer.class, (state, cmd) -> closeOffer(state, cmd.offerId(), "refused", cmd.reason()))
        .onCommand(RevokeOffer.class, (state, cmd) -> closeOffer(state, cmd.offerId(), "revoked", cmd.reason()))
        .onCommand(OfferDeadline.class, this::onOfferDeadline)
        .onCommand(AcceptanceReminder.class, this::onAcceptanceReminder);
    return builder.build();
  }

  private <T> StatusReply<T> notFound() {
    return Rejection.NOT_FOUND.reply("courier " + courierId + " does not exist");
  }

  private StatusReply<CourierStatus> status(State state) {
    return StatusReply.success(new CourierStatus(state.courier(), trusted, staleDropped, suspectFlagged));
  }

  private ReplyEffect<Event, State> onIdleCheck() {
    if (++quietChecks > IDLE_CHECKS_PER_IDLE_TIME) {
      passivate.accept(self);
    }
    return Effect().noReply();
  }

  private StatusReply<Located> located(LocationOutcome outcome) {
    return answers.get(outcome);
  }

  private <T> ReplyEffect<Event, State> replyIfAsked(ActorRef<StatusReply<T>> replyTo, StatusReply<T> reply) {
    return replyTo == null ? Effect().noReply() : Effect().reply(replyTo, reply);
  }

  private ReplyEffect<Event, State> onDefine(State state, Define cmd) {
    if (state.exists() && state.courier().profile().equals(cmd.profile())) {
      return Effect().reply(cmd.replyTo(), status(state));
    }
    return persistAnnounced(List.of(new CourierDefined(tenantId, courierId, cmd.profile(), clock.instant())))
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
    Instant now = clock.instant();
    List<Event> events = new ArrayList<>();
    events.add(cmd.online() ? new ShiftStarted(tenantId, courierId, now) : new ShiftEnded(tenantId, courierId, now));
    if (!cmd.online()) {
      dropOpenOffer(courier, now).ifPresent(events::add);
    }
    return persistAnnounced(events).thenRun(s -> offerDropped(courier, events, "went offline"))
        .thenReply(cmd.replyTo(), this::status);
  }

  private ReplyEffect<Event, State> onSetBlocked(State state, SetBlocked cmd) {
    CourierRecord courier = state.courier();
    if (courier.blocked() == cmd.blocked()) {
      return Effect().reply(cmd.replyTo(), status(state));
    }
    Instant now = clock.instant();
    List<Event> events = new ArrayList<>(List.of(new BlockChanged(tenantId, courierId, cmd.blocked(), now)));
    if (cmd.blocked()) {
      dropOpenOffer(courier, now).ifPresent(events::add);
    }
    return persistAnnounced(events).thenRun(s -> offerDropped(courier, events, "was blocked"))
        .thenReply(cmd.replyTo(), this::status);
  }

  /** Tells the order that an offer given up by going offline or being blocked is not taken. */
  private void offerDropped(CourierRecord before, List<Event> events, String why) {
    if (events.stream().anyMatch(OfferClosed.class::isInstance)) {
      CourierOffer offer = before.offer();
      orders.offerAnswered(tenantId, offer.orderId(), offer.offerId(), courierId, OfferReply.UNABLE,
          "courier " + courierId + " " + why);
    }
  }

  /** A courier leaving its shift or blocked gives up an offer it has not accepted (an accepted one stands). */
  private Optional<Event> dropOpenOffer(CourierRecord courier, Instant now) {
    CourierOffer offer = courier.offer();
    return offer == null || offer.accepted()
        ? Optional.empty()
        : Optional.of(new OfferClosed(tenantId, courierId, offer.offerId(), "went_offline", now));
  }

  private ReplyEffect<Event, State> onReportLocation(State state, ReportLocation cmd) {
    Fix fix = cmd.fix();
    switch (LocationRules.judge(trusted, suspect, fix, settings.maxSpeedMetersPerSecond())) {
      case STALE:
        staleDropped++;
        return replyIfAsked(cmd.replyTo(), located(LocationOutcome.STALE));
      case SUSPECT:
        suspect = fix;
        suspectFlagged++;
        return replyIfAsked(cmd.replyTo(), located(LocationOutcome.SUSPECT));
      default:
        break;
    }
    trusted = fix;
    suspect = null;
    CourierRecord courier = state.courier();
    long receivedNanos = cmd.receivedNanosHere();
    if (receivedNanos == 0) {
      publish(courier, fix, null);
    } else {
      // by the wall clock, not the entity's: a measurement that watchers on other nodes continue
      publish(courier, fix, Instant.now().minusNanos(System.nanoTime() - receivedNanos));
      timer.published(System.nanoTime() - receivedNanos);
    }

    List<Event> events = new ArrayList<>();
    boolean sampled = LocationRules.shouldSample(courier.lastSample(), fix, settings)
        && samples.tryStart(System.nanoTime());
    if (sampled) {
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
      return replyIfAsked(cmd.replyTo(), located(LocationOutcome.ACCEPTED));
    }
    var persisted = Effect().persist(events).thenRun(s -> {
      if (sampled) {
        samples.written(System.nanoTime());
      }
      events.forEach(event -> {
        if (event instanceof ArrivedAt arrived) {
          orders.arrived(tenantId, arrived.orderId(), arrived.stop(), courierId, arrived.at());
        }
      });
    });
    return cmd.replyTo() == null
        ? persisted.thenNoReply()
        : persisted.thenReply(cmd.replyTo(), s -> located(LocationOutcome.ACCEPTED));
  }

  private boolean near(Fix fix, Place place) {
    return fix.point().metersTo(place.point()) <= settings.arrivalRadiusMeters();
  }

  private void publish(CourierRecord courier, Fix fix, Instant reportReceivedAt) {
    CourierPosition position = CourierPosition.of(courier, fix, reportReceivedAt);
    // an unavailable courier was announced as such by the event that made it so; its moves do not matter to dispatch
    if (courier.available() && LocationRules.shouldTellDispatcher(toldDispatcher, fix, settings)) {
      tellDispatcher(position);
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
    String refusal = cannotCarry(courier);
    if (refusal != null) {
      return Effect().reply(cmd.replyTo(), Rejection.CONFLICT.reply("courier " + courierId + " " + refusal));
    }
    Instant now = clock.instant();
    return persistAnnounced(List.of(new OrderTaken(tenantId, courierId, cmd.orderId(), cmd.pickup(), cmd.dropoff(),
        now)))
        .thenRun(s -> notice("assigned", cmd.orderId(), null, now, null))
        .thenReply(cmd.replyTo(), this::status);
  }

  /** Why the courier cannot carry one more order, or null. */
  private static String cannotCarry(CourierRecord courier) {
    return courier.blocked() ? "is blocked"
        : !courier.online() ? "is offline"
        : !courier.hasRoom()
            ? "is at capacity (" + courier.load() + " of " + courier.profile().capacity() + " orders)"
            : null;
  }

  private ReplyEffect<Event, State> onReleaseOrder(State state, ReleaseOrder cmd) {
    if (state.courier().activeOrders().stream().noneMatch(o -> o.orderId().equals(cmd.orderId()))) {
      return Effect().noReply();
    }
    Instant now = clock.instant();
    return persistAnnounced(List.of(new OrderReleased(tenantId, courierId, cmd.orderId(), cmd.reason(), now)))
        .thenRun(s -> notice("unassigned", cmd.orderId(), cmd.reason(), now, null))
        .thenNoReply();
  }

  // ---- offers

  private ReplyEffect<Event, State> onReceiveOffer(State state, ReceiveOffer cmd) {
    CourierRecord courier = state.courier();
    CourierOffer offer = cmd.offer();
    if (courier.offer() != null && courier.offer().offerId().equals(offer.offerId())) {
      return Effect().noReply();
    }
    Instant now = clock.instant();
    String refusal = courier.offer() != null ? "holds another offer"
        : !now.isBefore(offer.expiresAt()) ? "got the offer after its deadline"
        : cannotCarry(courier);
    if (refusal != null) {
      orders.offerAnswered(tenantId, offer.orderId(), offer.offerId(), courierId, OfferReply.UNABLE,
          "courier " + courierId + " " + refusal);
      return Effect().noReply();
    }
    if (offer.assign()) {
      return persistAnnounced(List.of(new OfferReceived(tenantId, courierId, offer, now),
          new OfferAccepted(tenantId, courierId, offer.offerId(), now)))
          .thenRun(s -> tellAcceptance(offer, 0))
          .thenNoReply();
    }
    // the app sees the offer while it is written (ADR 0015): an answer waits in the stash until the write is done
    notice("offer", offer.orderId(), null, now, offer);
    return persistAnnounced(List.of(new OfferReceived(tenantId, courierId, offer, now)))
        .thenRun(s -> reminders.remind(entityId, new OfferDeadline(offer.offerId()),
            Duration.between(now, offer.expiresAt())))
        .thenNoReply();
  }

  private ReplyEffect<Event, State> onAnswerOffer(State state, AnswerOffer cmd) {
    CourierRecord courier = state.courier();
    CourierOffer offer = courier.offer();
    Instant now = clock.instant();
    if (offer == null || !offer.offerId().equals(cmd.offerId()) || !now.isBefore(offer.expiresAt())) {
      return Effect().reply(cmd.replyTo(), Rejection.NOT_FOUND.reply("offer " + cmd.offerId() + " is not open"));
    }
    if (offer.accepted()) {
      return cmd.accept()
          ? Effect().reply(cmd.replyTo(), status(state))
          : Effect().reply(cmd.replyTo(), Rejection.CONFLICT.reply("offer " + cmd.offerId() + " is already accepted"));
    }
    if (!cmd.accept()) {
      return persistAnnounced(List.of(new OfferClosed(tenantId, courierId, offer.offerId(), "declined", now)))
          .thenRun(s -> orders.offerAnswered(tenantId, offer.orderId(), offer.offerId(), courierId,
              OfferReply.DECLINED, cmd.reason()))
          .thenReply(cmd.replyTo(), this::status);
    }
    String refusal = cannotCarry(courier);
    if (refusal != null) {
      return Effect().reply(cmd.replyTo(), Rejection.CONFLICT.reply("courier " + courierId + " " + refusal));
    }
    return persistAnnounced(List.of(new OfferAccepted(tenantId, courierId, offer.offerId(), now)))
        .thenRun(s -> tellAcceptance(offer, 0))
        .thenReply(cmd.replyTo(), this::status);
  }

  /** Tells the order of the acceptance, and reminds the courier to tell it again if it does not answer. */
  private void tellAcceptance(CourierOffer offer, int attempt) {
    orders.offerAnswered(tenantId, offer.orderId(), offer.offerId(), courierId, OfferReply.ACCEPTED, null);
    reminders.remind(entityId, new AcceptanceReminder(offer.offerId(), attempt + 1), backoff(attempt));
  }

  private static Duration backoff(int attempt) {
    Duration delay = Duration.ofSeconds(1L << Math.min(attempt + 1, 5));
    return delay.compareTo(MAX_ACCEPTANCE_RETRY) > 0 ? MAX_ACCEPTANCE_RETRY : delay;
  }

  private ReplyEffect<Event, State> onAcceptanceReminder(State state, AcceptanceReminder cmd) {
    CourierOffer offer = state.courier().offer();
    if (offer == null || !offer.offerId().equals(cmd.offerId()) || !offer.accepted()) {
      return Effect().noReply();
    }
    tellAcceptance(offer, cmd.attempt());
    return Effect().noReply();
  }

  private ReplyEffect<Event, State> onConfirmOffer(State state, ConfirmOffer cmd) {
    CourierOffer offer = state.courier().offer();
    if (offer == null || !offer.offerId().equals(cmd.offerId()) || !offer.accepted()) {
      return Effect().noReply();
    }
    Instant now = clock.instant();
    return persistAnnounced(List.of(new OrderTaken(tenantId, courierId, offer.orderId(), offer.pickup(),
        offer.dropoff(), now)))
        .thenRun(s -> notice("assigned", offer.orderId(), null, now, null))
        .thenNoReply();
  }

  private ReplyEffect<Event, State> onOfferDeadline(State state, OfferDeadline cmd) {
    CourierOffer offer = state.courier().offer();
    if (offer == null || !offer.offerId().equals(cmd.offerId()) || offer.accepted()) {
      return Effect().noReply();
    }
    Instant now = clock.instant();
    if (now.isBefore(offer.expiresAt())) {
      reminders.remind(entityId, cmd, Duration.between(now, offer.expiresAt()));
      return Effect().noReply();
    }
    return persistAnnounced(List.of(new OfferClosed(tenantId, courierId, offer.offerId(), "expired", now)))
        .thenRun(s -> {
          orders.offerAnswered(tenantId, offer.orderId(), offer.offerId(), courierId, OfferReply.EXPIRED, null);
          notice("offer.revoked", offer.orderId(), "expired", now, offer);
        })
        .thenNoReply();
  }

  /** The order ended the offer for this courier: revoked, or its acceptance refused. */
  private ReplyEffect<Event, State> closeOffer(State state, String offerId, String outcome, String reason) {
    CourierOffer offer = state.courier().offer();
    if (offer == null || !offer.offerId().equals(offerId)) {
      return Effect().noReply();
    }
    Instant now = clock.instant();
    return persistAnnounced(List.of(new OfferClosed(tenantId, courierId, offerId, outcome, now)))
        .thenRun(s -> notice("offer.revoked", offer.orderId(), reason != null ? reason : outcome, now, offer))
        .thenNoReply();
  }

  // ---- persisting and publishing

  /** Persists, then tells the dispatcher whether the courier can now be offered an order. */
  private EffectBuilder<Event, State> persistAnnounced(List<Event> events) {
    return Effect().persist(events).thenRun(state -> {
      CourierRecord courier = state.courier();
      if (courier.online() || events.stream().anyMatch(e -> e instanceof ShiftEnded || e instanceof BlockChanged)) {
        tellDispatcher(CourierPosition.of(courier, trusted));
      }
    });
  }

  private void tellDispatcher(CourierPosition position) {
    dispatchRegion = dispatcher.seen(position, dispatchRegion);
    toldDispatcher = position.fix();
  }

  private void notice(String type, String orderId, String reason, Instant at, CourierOffer offer) {
    live.publish(LiveUpdates.courierTopic(tenantId, courierId),
        new CourierNotice(tenantId, courierId, type, orderId, reason, at, offer));
  }

  @Override
  public EventHandler<State, Event> eventHandler() {
    return newEventHandlerBuilder().forAnyState()
        .onAnyEvent((state, event) -> new State(CourierRecord.fold(state.courier(), event, tenantId, courierId)));
  }
}
