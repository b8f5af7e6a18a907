package org.dispatchengine.http.ws;

import io.micrometer.core.instrument.Timer;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.NoSerializationVerificationNeeded;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.actor.typed.javadsl.BehaviorBuilder;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.pubsub.DistributedPubSubMediator;
import org.apache.pekko.http.javadsl.model.HttpMethods;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.dispatchengine.engine.Caller;
import org.dispatchengine.engine.courier.CourierPosition;
import org.dispatchengine.engine.courier.CourierService;
import org.dispatchengine.engine.courier.Vehicle;
import org.dispatchengine.engine.courier.Fix;
import org.dispatchengine.engine.live.ClusterLiveUpdates;
import org.dispatchengine.engine.live.LiveUpdates;
import org.dispatchengine.engine.order.Order;
import org.dispatchengine.engine.order.OrderRecord;
import org.dispatchengine.engine.order.OrderService;
import org.dispatchengine.engine.order.OrderUpdate;
import org.dispatchengine.http.api.Endpoint;
import org.dispatchengine.http.api.Json;
import org.dispatchengine.http.api.ProblemException;
import org.dispatchengine.http.auth.Authenticator;
import org.dispatchengine.http.auth.Principal;
import org.dispatchengine.http.auth.TrackingLinks;
import org.dispatchengine.http.routes.OrderRoutes;
import org.dispatchengine.http.routes.TrackingRoutes;
import org.dispatchengine.engine.tenant.TenantDirectory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * {@code /v1/ws/orders/{orderId}}: an order's changes pushed to those who may see it (its customer, its store, its
 * courier, the tenant), with the assigned courier's position.
 *
 * <p>First a {@code snapshot} with the order and its {@code seq}, then every change with increasing {@code seq}. With
 * {@code ?since=<seq>} the stream starts instead with every event after {@code seq}, read from the journal. Live
 * updates arriving meanwhile are held and sent only if newer than what was sent, so there is no gap and no
 * duplicate at the switch; if a live update shows a gap (pub-sub delivers at most once), the missing events are read
 * from the journal. Frames go out as fast as the reader takes them: while it is behind, positions wait newest-wins and
 * changes wait in order, and a reader too far behind to keep every change is disconnected, to resume with
 * {@code since}.
 */
public final class OrderStream extends AllDirectives {

  /**
   * @param positionLatency told, for each position sent to a watcher at once, the time from its report's arrival
   *     at a node to its frame's hand-over to the watcher's socket
   */
  public record Settings(int outboundBuffer, Origins origins, FrameProtocol.Settings protocol, Timer positionLatency) {}

  private final ActorSystem<?> system;
  private final Json json;
  private final Authenticator auth;
  private final OrderService orders;
  private final CourierService couriers;
  private final TenantDirectory tenants;
  private final TrackingLinks links;
  private final ClusterLiveUpdates live;
  private final Settings settings;
  private final Clock clock;
  /** The last frame of a reader too slow to keep every change. */
  private final String tooSlow;

  public OrderStream(ActorSystem<?> system, Json json, Authenticator auth, OrderService orders,
      CourierService couriers, TenantDirectory tenants, TrackingLinks links, ClusterLiveUpdates live,
      Settings settings, Clock clock) {
    this.system = system;
    this.json = json;
    this.auth = auth;
    this.orders = orders;
    this.couriers = couriers;
    this.tenants = tenants;
    this.links = links;
    this.live = live;
    this.settings = settings;
    this.clock = clock;
    this.tooSlow = json.text(new Sockets.ErrorFrame("Too slow", "more than " + settings.outboundBuffer()
        + " changes were waiting for this reader; reconnect with ?since=<the seq of the last change received>"));
  }

  public List<Endpoint> endpoints() {
    return List.of(
        Endpoint.of(HttpMethods.GET, "/v1/ws/orders/{orderId}", p -> auth.authenticatedUpgrade(principal ->
            optionalHeaderValueByName("Origin", origin -> parameterOptional("since", since -> {
              settings.origins().check(origin);
              return upgrade(principal, p.get("orderId"), since.map(OrderStream::sequence));
            })))),
        Endpoint.of(HttpMethods.GET, "/v1/ws/track/{token:any}", p ->
            optionalHeaderValueByName("Origin", origin -> parameterOptional("since", since -> {
              settings.origins().check(origin);
              Optional<Long> from = since.map(OrderStream::sequence);
              return onSuccess(TrackingRoutes.linkedOrder(p.get("token"), links, tenants, orders),
                  order -> Sockets.serve(settings.protocol(), () -> connection(order.tenantId(), order.orderId(),
                      TrackingRoutes.LINK, from, new Public())));
            }))));
  }

  private static long sequence(String text) {
    try {
      long seq = Long.parseLong(text);
      if (seq >= 0) {
        return seq;
      }
    } catch (NumberFormatException e) {
      // refused below
    }
    throw ProblemException.invalid("since", "must be a sequence number (0 or more)");
  }

  private Route upgrade(Principal principal, String orderId, Optional<Long> since) {
    if (principal.tenantId() == null) {
      throw ProblemException.of(403, "Use a credential of the tenant");
    }
    return onSuccess(orders.get(principal.tenantId(), orderId, principal.caller()), visible ->
        Sockets.serve(settings.protocol(), () -> connection(principal.tenantId(), orderId, principal.caller(), since,
            new Full())));
  }

  // ---- presentation

  /** How a stream shows the order: in full to those who may see it, or the public view to a tracking link. */
  private interface Presenter {
    CompletionStage<Object> snapshot(OrderRecord order);

    /** A frame for a replayed event, or null to leave it out. */
    Object event(long seq, Order.Event event);

    /** A frame for a live update, or null to leave it out. */
    Object update(OrderUpdate update);

    Object position(CourierPosition position, OrderRecord latest);

    /** Whether the update ends the stream. */
    default boolean ends(OrderUpdate update) {
      return false;
    }
  }

  private record SnapshotFrame(String type, long seq, OrderRoutes.OrderView order) {}

  private record PublicSnapshotFrame(String type, long seq, TrackingRoutes.PublicView view) {}

  private record EventFrame(String type, long seq, Instant at, String status, String reason, String courierId,
      String stop) {}

  private record PositionFrame(String type, double lat, double lon, Double speed, Double heading, Instant at,
      TrackingRoutes.PublicEta eta) {}

  private static final String REVOKED = "tracking_links_revoked";

  /**
   * The frame of a change named as {@link Order#typeOf} names it; {@code reason} and {@code courierId} are shown only
   * where given (the full view). The search for a courier is not streamed: its outcome, {@code assigned}, is.
   */
  private static EventFrame frame(long seq, String type, Instant at, String reason, String courierId) {
    if (Order.DISPATCH_DETAIL_TYPES.contains(type)) {
      return null;
    }
    return switch (type) {
      case "created", REVOKED -> new EventFrame(type, seq, at, null, null, null, null);
      case "assigned" -> new EventFrame("assigned", seq, at, null, null, courierId, null);
      case "arrived_at_pickup", "arrived_at_dropoff" ->
          new EventFrame("arrived", seq, at, null, null, null, type.substring("arrived_at_".length()));
      default -> new EventFrame("status", seq, at, type, reason, null, null);
    };
  }

  private static final class Full implements Presenter {
    @Override
    public CompletionStage<Object> snapshot(OrderRecord order) {
      return CompletableFuture.completedFuture(
          new SnapshotFrame("snapshot", order.revision(), OrderRoutes.OrderView.of(order)));
    }

    @Override
    public Object event(long seq, Order.Event event) {
      String reason = event instanceof Order.StatusChanged changed ? changed.reason() : null;
      String courierId = event instanceof Order.CourierAssigned assigned ? assigned.courierId() : null;
      return frame(seq, Order.typeOf(event), event.at(), reason, courierId);
    }

    @Override
    public Object update(OrderUpdate update) {
      return frame(update.seq(), update.type(), update.at(), update.order().reason(), update.order().courierId());
    }

    @Override
    public Object position(CourierPosition position, OrderRecord latest) {
      Fix fix = position.fix();
      return new PositionFrame("courier.location", fix.lat(), fix.lon(), fix.speed(), fix.heading(), fix.at(), null);
    }
  }

  /** What a tracking link shows: no ids of people, no reasons, positions with an ETA. */
  private final class Public implements Presenter {
    private volatile Vehicle vehicle = Vehicle.BIKE;

    @Override
    public CompletionStage<Object> snapshot(OrderRecord order) {
      return TrackingRoutes.publicView(couriers, order, clock).thenApply(view -> {
        if (order.courierId() != null) {
          couriers.get(order.tenantId(), order.courierId())
              .thenAccept(status -> vehicle = status.courier().profile().vehicle());
        }
        return new PublicSnapshotFrame("snapshot", order.revision(), view);
      });
    }

    @Override
    public Object event(long seq, Order.Event event) {
      return event instanceof Order.TrackingLinksRevoked ? null : frame(seq, Order.typeOf(event), event.at(), null, null);
    }

    @Override
    public Object update(OrderUpdate update) {
      if (update.type().equals("assigned") && update.order().courierId() != null) {
        couriers.get(update.tenantId(), update.order().courierId())
            .thenAccept(status -> vehicle = status.courier().profile().vehicle());
      }
      return update.type().equals(REVOKED) ? null : frame(update.seq(), update.type(), update.at(), null, null);
    }

    @Override
    public Object position(CourierPosition position, OrderRecord latest) {
      Fix fix = position.fix();
      return new PositionFrame("courier.location", fix.lat(), fix.lon(), fix.speed(), fix.heading(), fix.at(),
          latest == null ? null : TrackingRoutes.eta(latest, fix, vehicle, clock));
    }

    @Override
    public boolean ends(OrderUpdate update) {
      return update.type().equals(REVOKED);
    }
  }

  // ---- one connection

  /** @param order the order as read now, or null when only events were read */
  private record Loaded(List<Object> frames, long lastSeq, OrderRecord order)
      implements NoSerializationVerificationNeeded {}

  private record LoadFailed(Throwable cause) implements NoSerializationVerificationNeeded {}

  private enum InboundEnded implements NoSerializationVerificationNeeded { INSTANCE }

  /** Time to compare what was sent with the order's current seq. */
  private enum CatchUp implements NoSerializationVerificationNeeded { EARLY, LATE }

  private record Current(long seq) implements NoSerializationVerificationNeeded {}

  private Flow<byte[], String, NotUsed> connection(String tenantId, String orderId, Caller caller,
      Optional<Long> since, Presenter presenter) {
    ActorRef<Object> connection = system.systemActorOf(
        new Connection(tenantId, orderId, caller, new Sockets.Paced(settings.outboundBuffer(), tooSlow), presenter)
            .starting(since),
        "order-stream-" + UUID.randomUUID(), Props.empty());
    Source<String, NotUsed> outbound = Sockets.pacedOutbound(system, connection);
    Sink<byte[], NotUsed> inbound = Sockets.listenOnly(() -> connection.tell(InboundEnded.INSTANCE));
    return Flow.fromSinkAndSource(inbound, outbound);
  }

  /** The actor behind one stream: loads the start from the journal, then follows the order's topic. */
  private final class Connection {
    private final String tenantId;
    private final String orderId;
    private final Caller caller;
    private final Sockets.Paced out;
    private final Presenter presenter;
    private final List<Object> held = new ArrayList<>();
    private long lastSeq;
    /** The order as last seen, for what positions show with them (the ETA); null until one was read. */
    private OrderRecord latest;

    Connection(String tenantId, String orderId, Caller caller, Sockets.Paced out, Presenter presenter) {
      this.tenantId = tenantId;
      this.orderId = orderId;
      this.caller = caller;
      this.out = out;
      this.presenter = presenter;
    }

    Behavior<Object> starting(Optional<Long> since) {
      return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> {
        live.subscribe(LiveUpdates.orderTopic(tenantId, orderId), Adapter.toClassic(ctx.getSelf()));
        // the subscription reaches the order's node by gossip: an update published there before it arrives is
        // lost, and no later update may come to show the gap; so compare with the order itself once it has spread
        timers.startSingleTimer(CatchUp.EARLY, Duration.ofSeconds(2));
        timers.startSingleTimer(CatchUp.LATE, Duration.ofSeconds(6));
        return holdingTheRest(Behaviors.receive(Object.class)
            .onMessage(DistributedPubSubMediator.SubscribeAck.class, ack -> {
              // subscribed first, loaded second: nothing published in between is lost
              if (since.isPresent()) {
                replay(ctx, since.get());
              } else {
                ctx.pipeToSelf(orders.get(tenantId, orderId, caller).thenCompose(order -> presenter.snapshot(order)
                        .thenApply(frame -> new Loaded(List.of(frame), order.revision(), order))),
                    (loaded, failure) -> failure == null ? loaded : new LoadFailed(failure));
              }
              return loading(ctx);
            }));
      }));
    }

    private void replay(ActorContext<Object> ctx, long after) {
      ctx.pipeToSelf(orders.history(tenantId, orderId, caller), (history, failure) -> {
        if (failure != null) {
          return new LoadFailed(failure);
        }
        List<Object> frames = new ArrayList<>();
        long last = after;
        for (OrderService.HistoryEntry entry : history) {
          if (entry.seq() > after) {
            Object frame = presenter.event(entry.seq(), entry.event());
            if (frame != null) {
              frames.add(frame);
            }
            last = entry.seq();
          }
        }
        return new Loaded(frames, last, null);
      });
    }

    private Behavior<Object> loading(ActorContext<Object> ctx) {
      return holdingTheRest(Behaviors.receive(Object.class)
          .onMessage(Loaded.class, loaded -> {
            loaded.frames().forEach(frame -> out.replayed(json.text(frame)));
            lastSeq = Math.max(lastSeq, loaded.lastSeq());
            if (loaded.order() != null) {
              latest = loaded.order();
            }
            List<Object> pending = new ArrayList<>(held);
            held.clear();
            Behavior<Object> following = following(ctx);
            for (Object message : pending) {
              ctx.getSelf().tell(message);
            }
            return following;
          })
          .onMessage(LoadFailed.class, failed -> close()));
    }

    /**
     * Until the start is loaded: the connection's own plumbing is served at once, everything else (live updates,
     * catch-up checks) is held for {@link #following}.
     */
    private Behavior<Object> holdingTheRest(BehaviorBuilder<Object> builder) {
      return builder
          .onMessage(InboundEnded.class, ended -> close())
          .onMessage(Sockets.Acked.class, this::acked)
          .onMessage(Sockets.Attached.class, this::attached)
          .onAnyMessage(message -> {
            held.add(message);
            return Behaviors.same();
          })
          .build();
    }

    private Behavior<Object> following(ActorContext<Object> ctx) {
      return Behaviors.receive(Object.class)
          .onMessage(OrderUpdate.class, update -> {
            if (update.seq() <= lastSeq) {
              return Behaviors.same();
            }
            if (update.seq() > lastSeq + 1) {
              // a live update went missing: read what was missed from the journal, hold the rest meanwhile
              held.add(update);
              replay(ctx, lastSeq);
              return loading(ctx);
            }
            latest = update.order();
            lastSeq = update.seq();
            Object frame = presenter.update(update);
            if (frame != null) {
              send(frame);
            }
            return presenter.ends(update) ? close() : Behaviors.same();
          })
          .onMessage(CatchUp.class, check -> {
            ctx.pipeToSelf(orders.get(tenantId, orderId, caller),
                (order, failure) -> failure == null ? new Current(order.revision()) : new Current(lastSeq));
            return Behaviors.same();
          })
          .onMessage(Current.class, current -> {
            if (current.seq() <= lastSeq) {
              return Behaviors.same();
            }
            replay(ctx, lastSeq);
            return loading(ctx);
          })
          .onMessage(CourierPosition.class, position -> {
            boolean sent = out.position(position.courierId(), json.text(presenter.position(position, latest)));
            if (sent && position.reportReceivedAt() != null) {
              // a position that waits for a slow reader may be replaced: only those sent at once are timed
              settings.positionLatency().record(Duration.between(position.reportReceivedAt(), Instant.now()));
            }
            return Behaviors.same();
          })
          .onMessage(InboundEnded.class, ended -> close())
          .onMessage(Sockets.Acked.class, this::acked)
          .onMessage(Sockets.Attached.class, this::attached)
          .build();
    }

    private void send(Object frame) {
      out.change(json.text(frame));
    }

    private Behavior<Object> acked(Sockets.Acked acked) {
      out.acked();
      return Behaviors.same();
    }

    private Behavior<Object> attached(Sockets.Attached attached) {
      out.attach(attached.out());
      return Behaviors.same();
    }

    private Behavior<Object> close() {
      out.close();
      return Behaviors.stopped();
    }
  }
}
