package org.dispatchengine.http.ws;

import io.micrometer.core.instrument.Timer;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.NoSerializationVerificationNeeded;
import org.apache.pekko.cluster.pubsub.DistributedPubSubMediator;
import org.apache.pekko.http.javadsl.model.HttpMethods;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.stream.javadsl.Flow;
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

  public OrderStream(Json json, Authenticator auth, OrderService orders,
      CourierService couriers, TenantDirectory tenants, TrackingLinks links, ClusterLiveUpdates live,
      Settings settings, Clock clock) {
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

  /** Time to compare what was sent with the order's current seq. */
  private enum CatchUp implements NoSerializationVerificationNeeded { EARLY, LATE }

  private record Current(long seq) implements NoSerializationVerificationNeeded {}

  private Flow<byte[], String, NotUsed> connection(String tenantId, String orderId, Caller caller,
      Optional<Long> since, Presenter presenter) {
    return PushStage.flow(settings.outboundBuffer(), tooSlow,
        new Connection(tenantId, orderId, caller, since, presenter));
  }

  /** One stream: loads the start from the journal, then follows the order's topic. */
  private final class Connection implements PushStage.Connection {
    private enum Phase {
      /** Until the subscription is confirmed. */
      SUBSCRIBING,
      /** Reading the start, or what a gap missed, from the journal. */
      LOADING,
      FOLLOWING
    }

    private final String tenantId;
    private final String orderId;
    private final Caller caller;
    private final Optional<Long> since;
    private final Presenter presenter;
    /** What came before the start was loaded: handled once it is, in the order it came. */
    private final List<Object> held = new ArrayList<>();
    private PushStage.Socket socket;
    private Phase phase = Phase.SUBSCRIBING;
    private long lastSeq;
    /** The order as last seen, for what positions show with them (the ETA); null until one was read. */
    private OrderRecord latest;

    Connection(String tenantId, String orderId, Caller caller, Optional<Long> since, Presenter presenter) {
      this.tenantId = tenantId;
      this.orderId = orderId;
      this.caller = caller;
      this.since = since;
      this.presenter = presenter;
    }

    @Override
    public void started(PushStage.Socket socket) {
      this.socket = socket;
      live.subscribe(LiveUpdates.orderTopic(tenantId, orderId), socket.self());
      // the subscription reaches the order's node by gossip: an update published there before it arrives is
      // lost, and no later update may come to show the gap; so compare with the order itself once it has spread
      socket.after(Duration.ofSeconds(2), CatchUp.EARLY);
      socket.after(Duration.ofSeconds(6), CatchUp.LATE);
    }

    @Override
    public void received(Object message) {
      switch (phase) {
        case SUBSCRIBING -> {
          if (message instanceof DistributedPubSubMediator.SubscribeAck) {
            // subscribed first, loaded second: nothing published in between is lost
            if (since.isPresent()) {
              replay(since.get());
            } else {
              load(orders.get(tenantId, orderId, caller).thenCompose(order -> presenter.snapshot(order)
                  .thenApply(frame -> new Loaded(List.of(frame), order.revision(), order))));
            }
          } else {
            held.add(message);
          }
        }
        case LOADING -> {
          if (message instanceof Loaded loaded) {
            loaded(loaded);
          } else if (message instanceof LoadFailed) {
            socket.close();
          } else {
            held.add(message);
          }
        }
        case FOLLOWING -> follow(message);
      }
    }

    private void load(CompletionStage<Loaded> start) {
      phase = Phase.LOADING;
      socket.pipe(start, (loaded, failure) -> failure == null ? loaded : new LoadFailed(failure));
    }

    private void replay(long after) {
      load(orders.history(tenantId, orderId, caller).thenApply(history -> {
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
      }));
    }

    private void loaded(Loaded loaded) {
      loaded.frames().forEach(frame -> socket.replayed(json.text(frame)));
      lastSeq = Math.max(lastSeq, loaded.lastSeq());
      if (loaded.order() != null) {
        latest = loaded.order();
      }
      phase = Phase.FOLLOWING;
      List<Object> pending = new ArrayList<>(held);
      held.clear();
      // a held update may show another gap: what follows it is held again until that is read
      pending.forEach(this::received);
    }

    private void follow(Object message) {
      if (message instanceof OrderUpdate update) {
        followUpdate(update);
      } else if (message instanceof CourierPosition position) {
        boolean sent = socket.position(position.courierId(), json.text(presenter.position(position, latest)));
        if (sent && position.reportReceivedAt() != null) {
          // a position that waits for a slow reader may be replaced: only those sent at once are timed
          settings.positionLatency().record(Duration.between(position.reportReceivedAt(), Instant.now()));
        }
      } else if (message instanceof CatchUp) {
        socket.pipe(orders.get(tenantId, orderId, caller),
            (order, failure) -> failure == null ? new Current(order.revision()) : new Current(lastSeq));
      } else if (message instanceof Current current && current.seq() > lastSeq) {
        replay(lastSeq);
      }
    }

    private void followUpdate(OrderUpdate update) {
      if (update.seq() <= lastSeq) {
        return;
      }
      if (update.seq() > lastSeq + 1) {
        // a live update went missing: read what was missed from the journal, hold the rest meanwhile
        held.add(update);
        replay(lastSeq);
        return;
      }
      latest = update.order();
      lastSeq = update.seq();
      Object frame = presenter.update(update);
      if (frame != null) {
        socket.change(json.text(frame));
      }
      if (presenter.ends(update)) {
        socket.close();
      }
    }
  }
}
