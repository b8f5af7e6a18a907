package org.dispatchengine.engine.order;

import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
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
import org.dispatchengine.engine.Caller;
import org.dispatchengine.engine.CborSerializable;
import org.dispatchengine.engine.EventTags;
import org.dispatchengine.engine.Ids;
import org.dispatchengine.engine.Rejection;
import org.dispatchengine.engine.Reminders;
import org.dispatchengine.engine.Role;
import org.dispatchengine.engine.courier.CourierOffer;
import org.dispatchengine.engine.courier.Stop;
import org.dispatchengine.engine.dispatch.Decision;
import org.dispatchengine.engine.dispatch.DispatchMode;
import org.dispatchengine.engine.dispatch.DispatchRequest;
import org.dispatchengine.engine.dispatch.DispatchSettings;
import org.dispatchengine.engine.dispatch.DispatcherLink;
import org.dispatchengine.engine.dispatch.OfferReply;
import org.dispatchengine.engine.tenant.ApiKeys;
import org.dispatchengine.engine.geo.Place;
import org.dispatchengine.engine.live.LiveUpdates;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * An order, entity id {@code tenantId:orderId}: its lifecycle per {@link OrderRules}, every change an event with who
 * made it and when. Creating is idempotent by request hash; a repeated transition is acknowledged. After every event
 * the order publishes an {@link OrderUpdate} to its own topic and its tenant's live topic, and when it ends or gets
 * another courier it releases the courier that carried it.
 *
 * <p>Dispatch: when the order reaches its tenant's trigger it searches for a courier, round by round. Each round asks
 * the tenant's dispatcher (which holds no durable state) for a decision, records the decision and offers the order
 * to the chosen couriers with a deadline. The order is the authority on its assignment: it takes the first valid
 * acceptance and refuses every other, records declines and expiries, and after too many rounds or too long hands
 * itself to people ({@code manual}). Its deadlines are reminders through sharding, re-armed from its state after a
 * restart; the couriers keep their own deadline for the same offer, so an offer is never left hanging.
 *
 * <p>Retention: a snapshot every 50 events (the last two kept) bounds recovery; events are never deleted, since they
 * are the order's status history and the source of every read model.
 */
public final class Order extends EventSourcedBehaviorWithEnforcedReplies<Order.Command, Order.Event, Order.State> {

  public static final EntityTypeKey<Command> ENTITY_KEY = EntityTypeKey.create(Command.class, "Order");
  public static final String TAG_TYPE = "order";
  public static final int TAG_SLICES = 8;
  static final int SNAPSHOT_EVERY = 50;
  /** The author of what dispatch decides, in the order's history. */
  public static final Caller DISPATCHER = new Caller(Role.SYSTEM, "dispatcher", null);
  /** How long a courier chosen in {@code auto} mode has to take the order before the next round. */
  static final Duration ASSIGN_TIMEOUT = Duration.ofSeconds(10);
  static final Duration FIRST_RETRY = Duration.ofSeconds(2);
  static final Duration MAX_RETRY = Duration.ofSeconds(30);

  // ---- commands

  public sealed interface Command extends CborSerializable {}

  /** {@code dispatch}: the tenant's dispatch settings now, applied if creation reaches the trigger. */
  public record Create(NewOrder order, String requestHash, DispatchSettings dispatch, Caller by,
      ActorRef<StatusReply<OrderRecord>> replyTo) implements Command {}

  /** {@code proofRequired}: the tenant requires proof of delivery; {@code dispatch}: its dispatch settings now. */
  public record Transition(OrderTransition transition, String reason, Proof proof, boolean proofRequired,
      DispatchSettings dispatch, Caller by, ActorRef<StatusReply<OrderRecord>> replyTo) implements Command {}

  public record Assign(String courierId, Caller by, ActorRef<StatusReply<OrderRecord>> replyTo) implements Command {}

  /** Starts a new search (tenant): for an order handed to people, or one whose tenant dispatches by hand. */
  public record Redispatch(DispatchSettings dispatch, Caller by, ActorRef<StatusReply<OrderRecord>> replyTo)
      implements Command {}

  public record Get(Caller by, ActorRef<StatusReply<OrderRecord>> replyTo) implements Command {}

  /** Ends every tracking link of the order made so far (tenant, admin, the order's customer). */
  public record RevokeTrackingLinks(Caller by, ActorRef<StatusReply<OrderRecord>> replyTo) implements Command {}

  /** The assigned courier reached a stop; recorded once per stop, told without an answer. */
  public record RecordArrival(Stop stop, String courierId, Instant at) implements Command {}

  /** The dispatcher's decision for search round {@code round}. */
  public record Propose(int round, Decision decision) implements Command {}

  /** A courier's answer to an offer. */
  public record AnswerOffer(String offerId, String courierId, OfferReply reply, String reason) implements Command {}

  /** Reminder: the offer's deadline has come. */
  public record OfferDeadline(String offerId) implements Command {}

  /** Reminder: round {@code round} got no decision yet; ask again, or give up when searching too long. */
  public record SearchReminder(int round) implements Command {}

  // ---- events

  public sealed interface Event extends CborSerializable {
    String tenantId();

    String orderId();

    Caller by();

    Instant at();
  }

  public record OrderCreated(String tenantId, String orderId, OrderKind kind, String customerId, String storeId,
      Place pickup, Place dropoff, String zoneId, BigDecimal fee, List<Item> items, String notes, String externalRef,
      String requestHash, Caller by, Instant at) implements Event {}

  /** @param reason for cancellations and failures, may be null; @param proof for deliveries, may be null */
  public record StatusChanged(String tenantId, String orderId, OrderStatus to, String reason, Proof proof, Caller by,
      Instant at) implements Event {}

  /**
   * @param previousCourierId the courier replaced, or null
   * @param offerId the offer the courier accepted, or null for an assignment by hand
   */
  public record CourierAssigned(String tenantId, String orderId, String courierId, String previousCourierId,
      String offerId, Caller by, Instant at) implements Event {}

  public record CourierArrived(String tenantId, String orderId, Stop stop, Caller by, Instant at) implements Event {}

  public record TrackingLinksRevoked(String tenantId, String orderId, Caller by, Instant at) implements Event {}

  /** The search for a courier started, with the tenant's settings of that moment. */
  public record DispatchStarted(String tenantId, String orderId, DispatchSettings settings, Caller by, Instant at)
      implements Event {}

  /** A round's decision acted on: the chosen couriers were offered the order until {@code expiresAt}. */
  public record CourierOffered(String tenantId, String orderId, String offerId, Decision decision, Instant expiresAt,
      Caller by, Instant at) implements Event {}

  /** One offered courier said no or could not take it ({@code reply} is not {@code ACCEPTED}). */
  public record OfferDeclined(String tenantId, String orderId, String offerId, String courierId, OfferReply reply,
      String reason, Caller by, Instant at) implements Event {}

  /** The deadline passed; {@code courierIds} had not answered. */
  public record OfferExpired(String tenantId, String orderId, String offerId, List<String> courierIds, Caller by,
      Instant at) implements Event {}

  /** The search gave up; the order waits for people to assign it. */
  public record SentToManual(String tenantId, String orderId, String reason, Caller by, Instant at) implements Event {}

  // ---- state

  /**
   * An open offer.
   *
   * @param answered couriers of {@code courierIds} that declined or could not take it
   */
  public record OpenOffer(String offerId, List<String> courierIds, List<String> answered, Instant expiresAt,
      boolean assign) implements CborSerializable {
    List<String> unanswered() {
      return courierIds.stream().filter(id -> !answered.contains(id)).toList();
    }
  }

  /**
   * A search under way.
   *
   * @param round the current round; answers quoting another are stale
   * @param offers offer rounds of this search so far
   * @param offer the round's open offer, or null while waiting for the dispatcher
   * @param excluded couriers who declined or ignored an offer of this order
   */
  public record Search(DispatchSettings settings, Instant since, int round, int offers, OpenOffer offer,
      List<String> excluded)
      implements CborSerializable {}

  /**
   * @param order null until created
   * @param asCreated the order as first created: what a repeated create answers, whatever happened since
   * @param requestHash the hash of the creating request
   * @param search the search for a courier, or null when none is under way
   */
  public record State(OrderRecord order, OrderRecord asCreated, String requestHash, Search search)
      implements CborSerializable {
    State with(OrderRecord newOrder, Search newSearch) {
      return new State(newOrder, asCreated, requestHash, newSearch);
    }

    boolean exists() {
      return order != null;
    }

    OpenOffer offer() {
      return search == null ? null : search.offer();
    }
  }

  /** The links of an order to the rest of the engine. */
  public record Links(LiveUpdates live, CourierLink couriers, DispatcherLink dispatcher, Reminders<Command> reminders) {}

  public static void init(ActorSystem<?> system, Links links) {
    ClusterSharding.get(system)
        .init(Entity.of(ENTITY_KEY, ctx -> create(ctx.getEntityId(), links, Clock.systemUTC())));
  }

  public static Behavior<Command> create(String entityId, Links links, Clock clock) {
    return new Order(entityId, links, clock);
  }

  private final String entityId;
  private final String tenantId;
  private final String orderId;
  private final Links links;
  private final Clock clock;
  // when this incarnation last asked dispatch for a courier, by the wall clock (not the entity's, which tests fix), so
  // that the courier's socket can measure the time from the request to the offer frame
  private Instant dispatchRequestedAt;

  private Order(String entityId, Links links, Clock clock) {
    super(PersistenceId.of(ENTITY_KEY.name(), entityId));
    this.entityId = entityId;
    this.tenantId = Ids.tenantOf(entityId);
    this.orderId = Ids.localOf(entityId);
    this.links = links;
    this.clock = clock;
  }

  @Override
  public State emptyState() {
    return new State(null, null, null, null);
  }

  @Override
  public Set<String> tagsFor(Event event) {
    return EventTags.forEntity(TAG_TYPE, TAG_SLICES, persistenceId().id());
  }

  @Override
  public RetentionCriteria retentionCriteria() {
    return RetentionCriteria.snapshotEvery(SNAPSHOT_EVERY, 2);
  }

  @Override
  public SignalHandler<State> signalHandler() {
    return newSignalHandlerBuilder().onSignal(RecoveryCompleted.instance(), this::resumeSearch).build();
  }

  /** Re-arms the search's deadline after a restart: the reminders of the node that armed it may be gone. */
  private void resumeSearch(State state) {
    Search search = state.search();
    if (search == null) {
      return;
    }
    if (search.offer() != null) {
      Duration left = Duration.between(clock.instant(), search.offer().expiresAt());
      links.reminders().remind(entityId, new OfferDeadline(search.offer().offerId()),
          left.isNegative() ? Duration.ZERO : left);
    } else {
      requestCourier(state.order(), search);
    }
  }

  @Override
  public CommandHandlerWithReply<Command, Event, State> commandHandler() {
    CommandHandlerWithReplyBuilder<Command, Event, State> builder = newCommandHandlerWithReplyBuilder();
    builder.forState(state -> !state.exists())
        .onCommand(Create.class, this::onCreate)
        .onCommand(Transition.class, (state, cmd) -> Effect().reply(cmd.replyTo(), notFound()))
        .onCommand(Assign.class, (state, cmd) -> Effect().reply(cmd.replyTo(), notFound()))
        .onCommand(Redispatch.class, (state, cmd) -> Effect().reply(cmd.replyTo(), notFound()))
        .onCommand(Get.class, (state, cmd) -> Effect().reply(cmd.replyTo(), notFound()))
        .onCommand(RevokeTrackingLinks.class, (state, cmd) -> Effect().reply(cmd.replyTo(), notFound()))
        .onCommand(AnswerOffer.class, this::onAnswerOffer)
        .onAnyCommand(cmd -> Effect().noReply());
    builder.forState(State::exists)
        .onCommand(Create.class, this::onCreateAgain)
        .onCommand(Transition.class, this::onTransition)
        .onCommand(Assign.class, this::onAssign)
        .onCommand(Redispatch.class, this::onRedispatch)
        .onCommand(Get.class, (state, cmd) -> Effect().reply(cmd.replyTo(),
            OrderRules.maySee(state.order(), cmd.by()) ? StatusReply.success(state.order()) : notFound()))
        .onCommand(RecordArrival.class, this::onRecordArrival)
        .onCommand(RevokeTrackingLinks.class, this::onRevokeTrackingLinks)
        .onCommand(Propose.class, this::onPropose)
        .onCommand(AnswerOffer.class, this::onAnswerOffer)
        .onCommand(OfferDeadline.class, this::onOfferDeadline)
        .onCommand(SearchReminder.class, this::onSearchReminder);
    return builder.build();
  }

  private <T> StatusReply<T> notFound() {
    return Rejection.NOT_FOUND.reply("order " + orderId + " does not exist");
  }

  private ReplyEffect<Event, State> onCreate(State state, Create cmd) {
    NewOrder o = cmd.order();
    Instant now = clock.instant();
    OrderCreated created = new OrderCreated(tenantId, orderId, o.kind(), o.customerId(), o.storeId(), o.pickup(),
        o.dropoff(), o.zoneId(), o.fee(), o.items(), o.notes(), o.externalRef(), cmd.requestHash(), cmd.by(), now);
    List<Event> events = new ArrayList<>(List.of(created));
    if (startsSearch(cmd.dispatch(), o.kind(), OrderStatus.PENDING)) {
      events.add(new DispatchStarted(tenantId, orderId, cmd.dispatch(), DISPATCHER, now));
    }
    return persistAndReply(state, events, cmd.replyTo());
  }

  private static boolean startsSearch(DispatchSettings settings, OrderKind kind, OrderStatus status) {
    return settings.mode() != DispatchMode.MANUAL && settings.trigger().reachedBy(kind, status);
  }

  private ReplyEffect<Event, State> onCreateAgain(State state, Create cmd) {
    if (state.requestHash().equals(cmd.requestHash())) {
      return Effect().reply(cmd.replyTo(), StatusReply.success(state.asCreated()));
    }
    return Effect().reply(cmd.replyTo(),
        Rejection.CONFLICT.reply("order " + orderId + " already exists with other content"));
  }

  private ReplyEffect<Event, State> onTransition(State state, Transition cmd) {
    OrderRecord order = state.order();
    if (!OrderRules.maySee(order, cmd.by())) {
      return Effect().reply(cmd.replyTo(), notFound());
    }
    switch (OrderRules.judge(order, cmd.transition(), cmd.by())) {
      case ALREADY_DONE:
        return Effect().reply(cmd.replyTo(), StatusReply.success(order));
      case FORBIDDEN:
        return Effect().reply(cmd.replyTo(), Rejection.FORBIDDEN.reply("a " + cmd.by().role().wireName()
            + " may not " + cmd.transition().name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ')
            + " this order"));
      case ILLEGAL:
        return Effect().reply(cmd.replyTo(), Rejection.CONFLICT.reply("order " + orderId + " is "
            + order.status().wireName() + "; it cannot become " + cmd.transition().target().wireName()));
      default:
        break;
    }
    if (cmd.transition() == OrderTransition.DELIVER && cmd.proofRequired() && cmd.proof() == null) {
      return Effect().reply(cmd.replyTo(), Rejection.INVALID.replyField("proof", "is required by this tenant"));
    }
    Instant now = clock.instant();
    OrderStatus target = cmd.transition().target();
    List<Event> events = new ArrayList<>(List.of(new StatusChanged(tenantId, orderId, target, cmd.reason(),
        cmd.transition() == OrderTransition.DELIVER ? cmd.proof() : null, cmd.by(), now)));
    if (state.search() == null && order.assignmentState() == AssignmentState.UNASSIGNED
        && startsSearch(cmd.dispatch(), order.kind(), target)) {
      events.add(new DispatchStarted(tenantId, orderId, cmd.dispatch(), DISPATCHER, now));
    }
    return persistAndReply(state, events, cmd.replyTo());
  }

  private ReplyEffect<Event, State> onAssign(State state, Assign cmd) {
    OrderRecord order = state.order();
    if (!OrderRules.maySee(order, cmd.by())) {
      return Effect().reply(cmd.replyTo(), notFound());
    }
    if (!OrderRules.mayAssign(cmd.by())) {
      return Effect().reply(cmd.replyTo(), Rejection.FORBIDDEN.reply("only the tenant assigns couriers by hand"));
    }
    if (cmd.courierId().equals(order.courierId())) {
      return Effect().reply(cmd.replyTo(), StatusReply.success(order));
    }
    var refusal = OrderRules.refuseAssignment(order);
    if (refusal.isPresent()) {
      return Effect().reply(cmd.replyTo(), Rejection.CONFLICT.reply(refusal.get()));
    }
    return persistAndReply(state, List.of(new CourierAssigned(tenantId, orderId, cmd.courierId(), order.courierId(),
        null, cmd.by(), clock.instant())), cmd.replyTo());
  }

  private ReplyEffect<Event, State> onRedispatch(State state, Redispatch cmd) {
    OrderRecord order = state.order();
    if (!OrderRules.maySee(order, cmd.by())) {
      return Effect().reply(cmd.replyTo(), notFound());
    }
    if (!OrderRules.mayAssign(cmd.by())) {
      return Effect().reply(cmd.replyTo(), Rejection.FORBIDDEN.reply("only the tenant starts a dispatch"));
    }
    if (state.search() != null) {
      return Effect().reply(cmd.replyTo(), StatusReply.success(order));
    }
    if (order.courierId() != null || order.status().isFinal() || order.status() == OrderStatus.PICKED_UP) {
      return Effect().reply(cmd.replyTo(), Rejection.CONFLICT.reply("order " + orderId + " is "
          + (order.courierId() != null ? "assigned to courier " + order.courierId() : order.status().wireName())));
    }
    if (cmd.dispatch().mode() == DispatchMode.MANUAL) {
      return Effect().reply(cmd.replyTo(), Rejection.CONFLICT.reply(
          "this tenant dispatches by hand; set a dispatch mode other than manual first"));
    }
    return persistAndReply(state, List.of(new DispatchStarted(tenantId, orderId, cmd.dispatch(), cmd.by(),
        clock.instant())), cmd.replyTo());
  }

  private ReplyEffect<Event, State> onRevokeTrackingLinks(State state, RevokeTrackingLinks cmd) {
    if (!OrderRules.maySee(state.order(), cmd.by())) {
      return Effect().reply(cmd.replyTo(), notFound());
    }
    if (!OrderRules.mayShareTracking(state.order(), cmd.by())) {
      return Effect().reply(cmd.replyTo(), Rejection.FORBIDDEN.reply("only the customer and the tenant manage links"));
    }
    return persistAndReply(state, List.of(new TrackingLinksRevoked(tenantId, orderId, cmd.by(), clock.instant())),
        cmd.replyTo());
  }

  private ReplyEffect<Event, State> onRecordArrival(State state, RecordArrival cmd) {
    OrderRecord order = state.order();
    boolean already = cmd.stop() == Stop.PICKUP ? order.arrivedAtPickup() != null : order.arrivedAtDropoff() != null;
    if (already || order.status().isFinal() || !cmd.courierId().equals(order.courierId())) {
      return Effect().noReply();
    }
    return persistThen(state, List.of(new CourierArrived(tenantId, orderId, cmd.stop(),
        new Caller(Role.COURIER, cmd.courierId(), null), cmd.at()))).thenNoReply();
  }

  // ---- dispatch

  private ReplyEffect<Event, State> onPropose(State state, Propose cmd) {
    Search search = state.search();
    Decision decision = cmd.decision();
    if (search == null || search.offer() != null || search.round() != cmd.round() || decision.chosen().isEmpty()) {
      return Effect().noReply();
    }
    Instant now = clock.instant();
    Instant expiresAt = now.plus(decision.assign() ? ASSIGN_TIMEOUT : search.settings().offerTimeout());
    String offerId = "off_" + ApiKeys.randomToken(12);
    // the couriers are told while the offer is written, not after (ADR 0015): an answer that comes first waits in the
    // stash until the write is done, and one to an offer whose write failed is refused as not open
    OrderRecord order = state.order();
    for (String courierId : decision.chosen()) {
      links.couriers().offer(tenantId, courierId, new CourierOffer(offerId, orderId, order.pickup(), order.dropoff(),
          expiresAt, decision.assign(), false, dispatchRequestedAt));
    }
    return persistThen(state, List.of(new CourierOffered(tenantId, orderId, offerId, decision, expiresAt, DISPATCHER,
        now))).thenNoReply();
  }

  private ReplyEffect<Event, State> onAnswerOffer(State state, AnswerOffer cmd) {
    OrderRecord order = state.order();
    if (cmd.reply() == OfferReply.ACCEPTED) {
      if (order != null && cmd.courierId().equals(order.courierId())) {
        links.couriers().confirmOffer(tenantId, cmd.courierId(), cmd.offerId());
        return Effect().noReply();
      }
      if (isOpenFor(state.offer(), cmd.offerId(), cmd.courierId())
          && OrderRules.refuseAssignment(order).isEmpty()) {
        Caller courier = new Caller(Role.COURIER, cmd.courierId(), null);
        return persistThen(state, List.of(new CourierAssigned(tenantId, orderId, cmd.courierId(), null,
            cmd.offerId(), courier, clock.instant()))).thenNoReply();
      }
      links.couriers().refuseOffer(tenantId, cmd.courierId(), cmd.offerId(), order == null
          ? "order " + orderId + " does not exist"
          : "offer " + cmd.offerId() + " is no longer open");
      return Effect().noReply();
    }
    if (!isOpenFor(state.offer(), cmd.offerId(), cmd.courierId())) {
      return Effect().noReply();
    }
    Instant now = clock.instant();
    List<Event> events = new ArrayList<>(List.of(new OfferDeclined(tenantId, orderId, cmd.offerId(), cmd.courierId(),
        cmd.reply(), cmd.reason(), new Caller(Role.COURIER, cmd.courierId(), null), now)));
    if (state.offer().unanswered().equals(List.of(cmd.courierId()))) {
      giveUpIfDue(state, now).ifPresent(events::add);
    }
    return persistThen(state, events).thenNoReply();
  }

  private static boolean isOpenFor(OpenOffer offer, String offerId, String courierId) {
    return offer != null && offer.offerId().equals(offerId) && offer.unanswered().contains(courierId);
  }

  private ReplyEffect<Event, State> onOfferDeadline(State state, OfferDeadline cmd) {
    OpenOffer offer = state.offer();
    if (offer == null || !offer.offerId().equals(cmd.offerId())) {
      return Effect().noReply();
    }
    Instant now = clock.instant();
    if (now.isBefore(offer.expiresAt())) {
      // a reminder re-armed after a restart may come early
      links.reminders().remind(entityId, cmd, Duration.between(now, offer.expiresAt()));
      return Effect().noReply();
    }
    List<Event> events = new ArrayList<>(List.of(
        new OfferExpired(tenantId, orderId, offer.offerId(), offer.unanswered(), DISPATCHER, now)));
    giveUpIfDue(state, now).ifPresent(events::add);
    return persistThen(state, events).thenNoReply();
  }

  private ReplyEffect<Event, State> onSearchReminder(State state, SearchReminder cmd) {
    Search search = state.search();
    if (search == null || search.offer() != null || search.round() != cmd.round()) {
      return Effect().noReply();
    }
    var giveUp = giveUpIfDue(state, clock.instant());
    if (giveUp.isPresent()) {
      return persistThen(state, List.of(giveUp.get())).thenNoReply();
    }
    requestCourier(state.order(), search);
    return Effect().noReply();
  }

  /** When a round ends without an assignment: hand the order to people if it had its rounds or its time. */
  private Optional<Event> giveUpIfDue(State state, Instant now) {
    Search search = state.search();
    DispatchSettings settings = search.settings();
    String reason = null;
    if (search.offers() >= settings.maxOffers()) {
      reason = "no courier took it in " + settings.maxOffers() + " offer rounds";
    } else if (!now.isBefore(search.since().plus(settings.giveUpAfter()))) {
      reason = "no courier found in " + settings.giveUpAfterSeconds() + " s";
    }
    return Optional.ofNullable(reason).map(r -> new SentToManual(tenantId, orderId, r, DISPATCHER, now));
  }

  /** Asks the dispatcher for this round, and reminds the order to ask again if no decision comes. */
  private void requestCourier(OrderRecord order, Search search) {
    Place target = order.pickup() != null ? order.pickup() : order.dropoff();
    dispatchRequestedAt = Instant.now();
    links.dispatcher().request(new DispatchRequest(tenantId, orderId, target.point(), order.zoneId(),
        search.settings(), search.excluded(), search.round()));
    Duration waited = Duration.between(search.since(), clock.instant());
    Duration backoff = waited.dividedBy(4);
    links.reminders().remind(entityId, new SearchReminder(search.round()),
        backoff.compareTo(FIRST_RETRY) < 0 ? FIRST_RETRY : backoff.compareTo(MAX_RETRY) > 0 ? MAX_RETRY : backoff);
  }

  // ---- persisting and what follows

  private ReplyEffect<Event, State> persistAndReply(State before, List<Event> events,
      ActorRef<StatusReply<OrderRecord>> replyTo) {
    return persistThen(before, events).thenReply(replyTo, state -> StatusReply.success(state.order()));
  }

  private EffectBuilder<Event, State> persistThen(State before,
      List<Event> events) {
    return Effect().persist(events).thenRun(after -> {
      long firstSeq = after.order().revision() - events.size() + 1;
      for (int i = 0; i < events.size(); i++) {
        publish(after.order(), firstSeq + i, events.get(i));
      }
      events.forEach(event -> follow(before, after, event));
    });
  }

  /** Tells others what an event means for them, once it is persisted. */
  private void follow(State before, State after, Event event) {
    OrderRecord order = after.order();
    OpenOffer openBefore = before.offer();
    if (event instanceof StatusChanged changed && changed.to().isFinal()) {
      if (order.courierId() != null) {
        links.couriers().release(tenantId, order.courierId(), orderId, changed.to().wireName());
      }
      endSearch(before, null, changed.to().wireName());
    } else if (event instanceof CourierAssigned assigned) {
      if (assigned.previousCourierId() != null) {
        links.couriers().release(tenantId, assigned.previousCourierId(), orderId, "reassigned");
      }
      if (assigned.offerId() != null) {
        links.couriers().confirmOffer(tenantId, assigned.courierId(), assigned.offerId());
      }
      endSearch(before, assigned.courierId(), "taken");
    } else if (event instanceof DispatchStarted) {
      requestCourier(order, after.search());
    } else if (event instanceof CourierOffered offered) {
      links.reminders().remind(entityId, new OfferDeadline(offered.offerId()),
          Duration.between(clock.instant(), offered.expiresAt()));
    } else if (event instanceof OfferExpired expired) {
      expired.courierIds().forEach(courierId ->
          links.couriers().revokeOffer(tenantId, courierId, expired.offerId(), "expired"));
      nextRound(after);
    } else if (event instanceof OfferDeclined && openBefore != null && after.offer() == null) {
      nextRound(after);
    } else if (event instanceof SentToManual) {
      links.dispatcher().withdraw(tenantId, order.zoneId(), orderId);
    }
  }

  private void nextRound(State after) {
    if (after.search() != null && after.offer() == null) {
      requestCourier(after.order(), after.search());
    }
  }

  /**
   * A search ended by assignment or by the order's end: nobody but {@code winner} (may be null) may take the offer,
   * and the dispatcher forgets the order. {@code reason} tells the others why their offer is gone.
   */
  private void endSearch(State before, String winner, String reason) {
    if (before.search() == null) {
      return;
    }
    OpenOffer offer = before.offer();
    if (offer != null) {
      offer.unanswered().stream().filter(courierId -> !courierId.equals(winner))
          .forEach(courierId -> links.couriers().revokeOffer(tenantId, courierId, offer.offerId(), reason));
    }
    links.dispatcher().withdraw(tenantId, before.order().zoneId(), orderId);
  }

  private void publish(OrderRecord order, long seq, Event event) {
    OrderUpdate update = new OrderUpdate(tenantId, orderId, seq, typeOf(event), event.at(), order);
    links.live().publish(LiveUpdates.orderTopic(tenantId, orderId), update);
    links.live().publish(LiveUpdates.tenantTopic(tenantId), update);
  }

  /** The name of an event in the order's history and its live updates. */
  public static String typeOf(Event event) {
    if (event instanceof OrderCreated) {
      return "created";
    }
    if (event instanceof StatusChanged changed) {
      return changed.to().wireName();
    }
    if (event instanceof CourierArrived arrived) {
      return "arrived_at_" + arrived.stop().wireName();
    }
    if (event instanceof TrackingLinksRevoked) {
      return "tracking_links_revoked";
    }
    if (event instanceof DispatchStarted) {
      return "dispatch_started";
    }
    if (event instanceof CourierOffered) {
      return "courier_offered";
    }
    if (event instanceof OfferDeclined) {
      return "offer_declined";
    }
    if (event instanceof OfferExpired) {
      return "offer_expired";
    }
    if (event instanceof SentToManual) {
      return "sent_to_manual";
    }
    return "assigned";
  }

  /** The {@link #typeOf} names of the search for a courier: the tenant's business, not what customers follow. */
  public static final Set<String> DISPATCH_DETAIL_TYPES =
      Set.of("dispatch_started", "courier_offered", "offer_declined", "offer_expired", "sent_to_manual");

  public static boolean isDispatchDetail(Event event) {
    return DISPATCH_DETAIL_TYPES.contains(typeOf(event));
  }

  @Override
  public EventHandler<State, Event> eventHandler() {
    return newEventHandlerBuilder().forAnyState()
        .onEvent(OrderCreated.class, (state, event) -> {
          OrderRecord created = OrderRecord.created(event);
          return new State(created, created, event.requestHash(), null);
        })
        .onAnyEvent(Order::apply);
  }

  private static State apply(State state, Event event) {
    OrderRecord order = state.order();
    Search search = state.search();
    if (event instanceof DispatchStarted e) {
      return state.with(order.withAssignment(AssignmentState.SEARCHING, order.assignmentAttempts(), e.at()),
          new Search(e.settings(), e.at(), 1, 0, null, List.of()));
    }
    if (event instanceof CourierOffered e) {
      OpenOffer offer = new OpenOffer(e.offerId(), e.decision().chosen(), List.of(), e.expiresAt(),
          e.decision().assign());
      return state.with(order.withAssignment(AssignmentState.OFFERED, order.assignmentAttempts() + 1, e.at()),
          new Search(search.settings(), search.since(), search.round(), search.offers() + 1, offer,
              search.excluded()));
    }
    if (event instanceof OfferDeclined e) {
      OpenOffer offer = search.offer();
      List<String> answered = new ArrayList<>(offer.answered());
      answered.add(e.courierId());
      List<String> excluded = new ArrayList<>(search.excluded());
      if (e.reply() != OfferReply.UNABLE) {
        excluded.add(e.courierId());
      }
      if (answered.size() < offer.courierIds().size()) {
        OpenOffer still = new OpenOffer(offer.offerId(), offer.courierIds(), answered, offer.expiresAt(),
            offer.assign());
        return state.with(order.withAssignment(AssignmentState.OFFERED, order.assignmentAttempts(), e.at()),
            new Search(search.settings(), search.since(), search.round(), search.offers(), still, excluded));
      }
      return state.with(order.withAssignment(AssignmentState.SEARCHING, order.assignmentAttempts(), e.at()),
          new Search(search.settings(), search.since(), search.round() + 1, search.offers(), null, excluded));
    }
    if (event instanceof OfferExpired e) {
      List<String> excluded = new ArrayList<>(search.excluded());
      excluded.addAll(e.courierIds());
      return state.with(order.withAssignment(AssignmentState.SEARCHING, order.assignmentAttempts(), e.at()),
          new Search(search.settings(), search.since(), search.round() + 1, search.offers(), null, excluded));
    }
    if (event instanceof SentToManual e) {
      return state.with(order.withAssignment(AssignmentState.MANUAL, order.assignmentAttempts(), e.at()), null);
    }
    OrderRecord next = order.apply(event);
    boolean searchEnds = event instanceof CourierAssigned
        || (event instanceof StatusChanged changed && changed.to().isFinal());
    return state.with(next, searchEnds ? null : search);
  }
}
