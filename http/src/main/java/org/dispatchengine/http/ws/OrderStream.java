package org.dispatchengine.http.ws;

import com.fasterxml.jackson.core.JsonProcessingException;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.NoSerializationVerificationNeeded;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.pubsub.DistributedPubSubMediator;
import org.apache.pekko.http.javadsl.model.HttpMethods;
import org.apache.pekko.http.javadsl.model.ws.Message;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.dispatchengine.engine.Caller;
import org.dispatchengine.engine.courier.CourierPosition;
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
import org.dispatchengine.http.routes.OrderRoutes;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * {@code /v1/ws/orders/{orderId}}: an order's changes pushed to those who may see it (its customer, its store, its
 * courier, the tenant), with the assigned courier's position.
 *
 * <p>First a {@code snapshot} with the order and its {@code seq}, then every change with increasing {@code seq}. With
 * {@code ?since=<seq>} the stream starts instead with every event after {@code seq}, read from the journal. Live
 * updates arriving meanwhile are held and sent only if newer than what was sent, so there is no gap and no
 * duplicate at the switch; if a live update shows a gap (pub-sub delivers at most once), the missing events are read
 * from the journal. A reader too slow for the bounded buffer is disconnected and resumes with {@code since}.
 */
public final class OrderStream extends AllDirectives {

  public record Settings(int outboundBuffer, Origins origins) {}

  private final ActorSystem<?> system;
  private final Json json;
  private final Authenticator auth;
  private final OrderService orders;
  private final ClusterLiveUpdates live;
  private final Settings settings;

  public OrderStream(ActorSystem<?> system, Json json, Authenticator auth, OrderService orders,
      ClusterLiveUpdates live, Settings settings) {
    this.system = system;
    this.json = json;
    this.auth = auth;
    this.orders = orders;
    this.live = live;
    this.settings = settings;
  }

  public List<Endpoint> endpoints() {
    return List.of(Endpoint.of(HttpMethods.GET, "/v1/ws/orders/{orderId}", p -> auth.authenticatedUpgrade(principal ->
        optionalHeaderValueByName("Origin", origin -> parameterOptional("since", since -> {
          settings.origins().check(origin);
          return upgrade(principal, p.get("orderId"), since.map(OrderStream::sequence));
        })))));
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
    return onSuccess(orders.get(principal.tenantId(), orderId, principal.caller()),
        visible -> handleWebSocketMessages(connection(principal.tenantId(), orderId, principal.caller(), since)));
  }

  // ---- frames

  private record SnapshotFrame(String type, long seq, OrderRoutes.OrderView order) {}

  private record EventFrame(String type, long seq, Instant at, String status, String reason, String courierId,
      String stop) {}

  private record PositionFrame(String type, double lat, double lon, Double speed, Double heading, Instant at) {}

  private static EventFrame frame(long seq, Order.Event event) {
    if (event instanceof Order.StatusChanged e) {
      return new EventFrame("status", seq, e.at(), e.to().wireName(), e.reason(), null, null);
    }
    if (event instanceof Order.CourierAssigned e) {
      return new EventFrame("assigned", seq, e.at(), null, null, e.courierId(), null);
    }
    if (event instanceof Order.CourierArrived e) {
      return new EventFrame("arrived", seq, e.at(), null, null, null, e.stop().wireName());
    }
    return new EventFrame("created", seq, event.at(), null, null, null, null);
  }

  private static EventFrame frame(OrderUpdate update) {
    OrderRecord order = update.order();
    return switch (update.type()) {
      case "created" -> new EventFrame("created", update.seq(), update.at(), null, null, null, null);
      case "assigned" -> new EventFrame("assigned", update.seq(), update.at(), null, null, order.courierId(), null);
      case "arrived_at_pickup", "arrived_at_dropoff" -> new EventFrame("arrived", update.seq(), update.at(), null,
          null, null, update.type().substring("arrived_at_".length()));
      default -> new EventFrame("status", update.seq(), update.at(), order.status().wireName(), order.reason(), null,
          null);
    };
  }

  // ---- one connection

  private record Loaded(List<Object> frames, long lastSeq) implements NoSerializationVerificationNeeded {}

  private record LoadFailed(Throwable cause) implements NoSerializationVerificationNeeded {}

  private enum InboundEnded implements NoSerializationVerificationNeeded { INSTANCE }

  /** Time to compare what was sent with the order's current seq. */
  private enum CatchUp implements NoSerializationVerificationNeeded { EARLY, LATE }

  private record Current(long seq) implements NoSerializationVerificationNeeded {}

  private Flow<Message, Message, NotUsed> connection(String tenantId, String orderId, Caller caller,
      Optional<Long> since) {
    Pair<ActorRef<Sockets.Out>, Source<Message, NotUsed>> outbound =
        Sockets.outbound(system, settings.outboundBuffer());
    ActorRef<Object> connection = system.systemActorOf(
        new Connection(tenantId, orderId, caller, outbound.first()).starting(since),
        "order-stream-" + UUID.randomUUID(), Props.empty());
    Sink<Message, NotUsed> inbound = Sockets.listenOnly(system, () -> connection.tell(InboundEnded.INSTANCE));
    return Flow.fromSinkAndSource(inbound, outbound.second());
  }

  /** The actor behind one stream: loads the start from the journal, then follows the order's topic. */
  private final class Connection {
    private final String tenantId;
    private final String orderId;
    private final Caller caller;
    private final ActorRef<Sockets.Out> out;
    private final List<Object> held = new ArrayList<>();
    private long lastSeq;

    Connection(String tenantId, String orderId, Caller caller, ActorRef<Sockets.Out> out) {
      this.tenantId = tenantId;
      this.orderId = orderId;
      this.caller = caller;
      this.out = out;
    }

    Behavior<Object> starting(Optional<Long> since) {
      return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> {
        live.subscribe(LiveUpdates.orderTopic(tenantId, orderId), Adapter.toClassic(ctx.getSelf()));
        // the subscription reaches the order's node by gossip: an update published there before it arrives is
        // lost, and no later update may come to show the gap; so compare with the order itself once it has spread
        timers.startSingleTimer(CatchUp.EARLY, Duration.ofSeconds(2));
        timers.startSingleTimer(CatchUp.LATE, Duration.ofSeconds(6));
        return Behaviors.receive(Object.class)
            .onMessage(DistributedPubSubMediator.SubscribeAck.class, ack -> {
              // subscribed first, loaded second: nothing published in between is lost
              if (since.isPresent()) {
                replay(ctx, since.get());
              } else {
                ctx.pipeToSelf(orders.get(tenantId, orderId, caller), (order, failure) -> failure == null
                    ? new Loaded(List.of(new SnapshotFrame("snapshot", order.revision(), OrderRoutes.OrderView.of(order))),
                        order.revision())
                    : new LoadFailed(failure));
              }
              return loading(ctx);
            })
            .onMessage(InboundEnded.class, ended -> close())
            .onAnyMessage(message -> {
              held.add(message);
              return Behaviors.same();
            })
            .build();
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
            frames.add(frame(entry.seq(), entry.event()));
            last = entry.seq();
          }
        }
        return new Loaded(frames, last);
      });
    }

    private Behavior<Object> loading(ActorContext<Object> ctx) {
      return Behaviors.receive(Object.class)
          .onMessage(Loaded.class, loaded -> {
            loaded.frames().forEach(this::send);
            lastSeq = Math.max(lastSeq, loaded.lastSeq());
            List<Object> pending = new ArrayList<>(held);
            held.clear();
            Behavior<Object> following = following(ctx);
            for (Object message : pending) {
              ctx.getSelf().tell(message);
            }
            return following;
          })
          .onMessage(LoadFailed.class, failed -> close())
          .onMessage(InboundEnded.class, ended -> close())
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
            send(frame(update));
            lastSeq = update.seq();
            return Behaviors.same();
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
            Fix fix = position.fix();
            send(new PositionFrame("courier.location", fix.lat(), fix.lon(), fix.speed(), fix.heading(), fix.at()));
            return Behaviors.same();
          })
          .onMessage(InboundEnded.class, ended -> close())
          .build();
    }

    private void send(Object frame) {
      try {
        out.tell(new Sockets.Text(json.mapper().writeValueAsString(frame)));
      } catch (JsonProcessingException e) {
        throw new IllegalStateException(e);
      }
    }

    private Behavior<Object> close() {
      out.tell(Sockets.Close.INSTANCE);
      return Behaviors.stopped();
    }
  }
}
