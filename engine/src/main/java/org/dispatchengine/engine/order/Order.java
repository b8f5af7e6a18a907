package org.dispatchengine.engine.order;

import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.javadsl.CommandHandlerWithReply;
import org.apache.pekko.persistence.typed.javadsl.CommandHandlerWithReplyBuilder;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehaviorWithEnforcedReplies;
import org.apache.pekko.persistence.typed.javadsl.ReplyEffect;
import org.apache.pekko.persistence.typed.javadsl.RetentionCriteria;
import org.dispatchengine.engine.Caller;
import org.dispatchengine.engine.CborSerializable;
import org.dispatchengine.engine.EventTags;
import org.dispatchengine.engine.Ids;
import org.dispatchengine.engine.Rejection;
import org.dispatchengine.engine.Role;
import org.dispatchengine.engine.courier.Stop;
import org.dispatchengine.engine.geo.Place;
import org.dispatchengine.engine.live.LiveUpdates;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Set;

/**
 * An order, entity id {@code tenantId:orderId}: its lifecycle per {@link OrderRules}, every change an event with who
 * made it and when. Creating is idempotent by request hash; a repeated transition is acknowledged. After every event
 * the order publishes an {@link OrderUpdate} to its own topic and its tenant's live topic, and when it ends or gets
 * another courier it releases the courier that carried it.
 *
 * <p>Retention: a snapshot every 50 events (the last two kept) bounds recovery; events are never deleted, since they
 * are the order's status history and the source of every read model.
 */
public final class Order extends EventSourcedBehaviorWithEnforcedReplies<Order.Command, Order.Event, Order.State> {

  public static final EntityTypeKey<Command> ENTITY_KEY = EntityTypeKey.create(Command.class, "Order");
  public static final String TAG_TYPE = "order";
  public static final int TAG_SLICES = 8;
  static final int SNAPSHOT_EVERY = 50;

  // ---- commands

  public sealed interface Command extends CborSerializable {}

  public record Create(NewOrder order, String requestHash, Caller by, ActorRef<StatusReply<OrderRecord>> replyTo)
      implements Command {}

  /** {@code proofRequired}: the tenant requires proof of delivery. */
  public record Transition(OrderTransition transition, String reason, Proof proof, boolean proofRequired, Caller by,
      ActorRef<StatusReply<OrderRecord>> replyTo) implements Command {}

  public record Assign(String courierId, Caller by, ActorRef<StatusReply<OrderRecord>> replyTo) implements Command {}

  public record Get(Caller by, ActorRef<StatusReply<OrderRecord>> replyTo) implements Command {}

  /** Ends every tracking link of the order made so far (tenant, admin, the order's customer). */
  public record RevokeTrackingLinks(Caller by, ActorRef<StatusReply<OrderRecord>> replyTo) implements Command {}

  /** The assigned courier reached a stop; recorded once per stop, told without an answer. */
  public record RecordArrival(Stop stop, String courierId, Instant at) implements Command {}

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

  /** @param previousCourierId the courier replaced, or null */
  public record CourierAssigned(String tenantId, String orderId, String courierId, String previousCourierId, Caller by,
      Instant at) implements Event {}

  public record CourierArrived(String tenantId, String orderId, Stop stop, Caller by, Instant at) implements Event {}

  public record TrackingLinksRevoked(String tenantId, String orderId, Caller by, Instant at) implements Event {}

  // ---- state

  /**
   * @param order null until created
   * @param asCreated the order as first created: what a repeated create answers, whatever happened since
   * @param requestHash the hash of the creating request
   */
  public record State(OrderRecord order, OrderRecord asCreated, String requestHash) implements CborSerializable {
    boolean exists() {
      return order != null;
    }
  }

  public static void init(ActorSystem<?> system, LiveUpdates live, CourierLink couriers) {
    ClusterSharding.get(system)
        .init(Entity.of(ENTITY_KEY, ctx -> create(ctx.getEntityId(), live, couriers, Clock.systemUTC())));
  }

  public static Behavior<Command> create(String entityId, LiveUpdates live, CourierLink couriers, Clock clock) {
    return new Order(entityId, live, couriers, clock);
  }

  private final String tenantId;
  private final String orderId;
  private final LiveUpdates live;
  private final CourierLink couriers;
  private final Clock clock;

  private Order(String entityId, LiveUpdates live, CourierLink couriers, Clock clock) {
    super(PersistenceId.of(ENTITY_KEY.name(), entityId));
    this.tenantId = Ids.tenantOf(entityId);
    this.orderId = Ids.localOf(entityId);
    this.live = live;
    this.couriers = couriers;
    this.clock = clock;
  }

  @Override
  public State emptyState() {
    return new State(null, null, null);
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
  public CommandHandlerWithReply<Command, Event, State> commandHandler() {
    CommandHandlerWithReplyBuilder<Command, Event, State> builder = newCommandHandlerWithReplyBuilder();
    builder.forState(state -> !state.exists())
        .onCommand(Create.class, this::onCreate)
        .onCommand(Transition.class, (state, cmd) -> Effect().reply(cmd.replyTo(), notFound()))
        .onCommand(Assign.class, (state, cmd) -> Effect().reply(cmd.replyTo(), notFound()))
        .onCommand(Get.class, (state, cmd) -> Effect().reply(cmd.replyTo(), notFound()))
        .onCommand(RecordArrival.class, (state, cmd) -> Effect().noReply())
        .onCommand(RevokeTrackingLinks.class, (state, cmd) -> Effect().reply(cmd.replyTo(), notFound()));
    builder.forState(State::exists)
        .onCommand(Create.class, this::onCreateAgain)
        .onCommand(Transition.class, this::onTransition)
        .onCommand(Assign.class, this::onAssign)
        .onCommand(Get.class, (state, cmd) -> Effect().reply(cmd.replyTo(),
            OrderRules.maySee(state.order(), cmd.by()) ? StatusReply.success(state.order()) : notFound()))
        .onCommand(RecordArrival.class, this::onRecordArrival)
        .onCommand(RevokeTrackingLinks.class, this::onRevokeTrackingLinks);
    return builder.build();
  }

  private <T> StatusReply<T> notFound() {
    return Rejection.NOT_FOUND.reply("order " + orderId + " does not exist");
  }

  private ReplyEffect<Event, State> onCreate(State state, Create cmd) {
    NewOrder o = cmd.order();
    OrderCreated event = new OrderCreated(tenantId, orderId, o.kind(), o.customerId(), o.storeId(), o.pickup(),
        o.dropoff(), o.zoneId(), o.fee(), o.items(), o.notes(), o.externalRef(), cmd.requestHash(), cmd.by(),
        clock.instant());
    return persistAndReply(event, cmd.replyTo());
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
    return persistAndReply(new StatusChanged(tenantId, orderId, cmd.transition().target(), cmd.reason(),
        cmd.transition() == OrderTransition.DELIVER ? cmd.proof() : null, cmd.by(), clock.instant()), cmd.replyTo());
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
    return persistAndReply(new CourierAssigned(tenantId, orderId, cmd.courierId(), order.courierId(), cmd.by(),
        clock.instant()), cmd.replyTo());
  }

  private ReplyEffect<Event, State> onRevokeTrackingLinks(State state, RevokeTrackingLinks cmd) {
    if (!OrderRules.maySee(state.order(), cmd.by())) {
      return Effect().reply(cmd.replyTo(), notFound());
    }
    if (!OrderRules.mayShareTracking(state.order(), cmd.by())) {
      return Effect().reply(cmd.replyTo(), Rejection.FORBIDDEN.reply("only the customer and the tenant manage links"));
    }
    return persistAndReply(new TrackingLinksRevoked(tenantId, orderId, cmd.by(), clock.instant()), cmd.replyTo());
  }

  private ReplyEffect<Event, State> onRecordArrival(State state, RecordArrival cmd) {
    OrderRecord order = state.order();
    boolean already = cmd.stop() == Stop.PICKUP ? order.arrivedAtPickup() != null : order.arrivedAtDropoff() != null;
    if (already || order.status().isFinal() || !cmd.courierId().equals(order.courierId())) {
      return Effect().noReply();
    }
    CourierArrived event = new CourierArrived(tenantId, orderId, cmd.stop(),
        new Caller(Role.COURIER, cmd.courierId(), null), cmd.at());
    return Effect().persist(event).thenRun(s -> publish(s.order(), event)).thenNoReply();
  }

  private ReplyEffect<Event, State> persistAndReply(Event event, ActorRef<StatusReply<OrderRecord>> replyTo) {
    return Effect().persist(event)
        .thenRun(state -> {
          publish(state.order(), event);
          releaseCourier(state.order(), event);
        })
        .thenReply(replyTo, state -> StatusReply.success(state.order()));
  }

  /** A courier stops carrying an order that has ended, or that was given to another courier. */
  private void releaseCourier(OrderRecord order, Event event) {
    if (event instanceof StatusChanged changed && changed.to().isFinal() && order.courierId() != null) {
      couriers.release(tenantId, order.courierId(), orderId, changed.to().wireName());
    } else if (event instanceof CourierAssigned assigned && assigned.previousCourierId() != null) {
      couriers.release(tenantId, assigned.previousCourierId(), orderId, "reassigned");
    }
  }

  private void publish(OrderRecord order, Event event) {
    OrderUpdate update = new OrderUpdate(tenantId, orderId, order.revision(), typeOf(event), event.at(), order);
    live.publish(LiveUpdates.orderTopic(tenantId, orderId), update);
    live.publish(LiveUpdates.tenantTopic(tenantId), update);
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
    return "assigned";
  }

  @Override
  public EventHandler<State, Event> eventHandler() {
    return newEventHandlerBuilder().forAnyState()
        .onEvent(OrderCreated.class, (state, event) -> {
          OrderRecord created = OrderRecord.created(event);
          return new State(created, created, event.requestHash());
        })
        .onAnyEvent((state, event) -> new State(state.order().apply(event), state.asCreated(), state.requestHash()));
  }
}
