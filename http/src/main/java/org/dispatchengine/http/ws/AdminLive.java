package org.dispatchengine.http.ws;

import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.NoSerializationVerificationNeeded;
import org.apache.pekko.cluster.pubsub.DistributedPubSubMediator;
import org.apache.pekko.http.javadsl.model.HttpMethods;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.javadsl.Source;
import org.dispatchengine.engine.courier.CourierPosition;
import org.dispatchengine.engine.courier.CourierRecord;
import org.dispatchengine.engine.courier.CourierViews;
import org.dispatchengine.engine.courier.Fix;
import org.dispatchengine.engine.live.ClusterLiveUpdates;
import org.dispatchengine.engine.live.LiveUpdates;
import org.dispatchengine.engine.order.OrderUpdate;
import org.dispatchengine.http.api.Endpoint;
import org.dispatchengine.http.api.Json;
import org.dispatchengine.http.api.ProblemException;
import org.dispatchengine.http.auth.Authenticator;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * {@code /v1/ws/admin/live}: a tenant's live map for its operators (tenant key or admin). First a snapshot of the
 * couriers on shift (with their last sampled position), then every courier's position (at most one a second per
 * courier) and every order change of the tenant. Frames go out as fast as the reader takes them: while it is behind,
 * each courier's position waits newest-wins and changes wait in order; a map too far behind to keep every change is
 * disconnected and reconnects for a fresh snapshot.
 */
public final class AdminLive extends AllDirectives {
  private final ActorSystem<?> system;
  private final Json json;
  private final Authenticator auth;
  private final CourierViews couriers;
  private final ClusterLiveUpdates live;
  private final int outboundBuffer;
  private final Origins origins;
  private final FrameProtocol.Settings protocol;
  /** The last frame of a map too slow to keep every change; it reconnects for a fresh snapshot. */
  private final String tooSlow;

  public AdminLive(ActorSystem<?> system, Json json, Authenticator auth, CourierViews couriers,
      ClusterLiveUpdates live, int outboundBuffer, Origins origins, FrameProtocol.Settings protocol) {
    this.system = system;
    this.json = json;
    this.auth = auth;
    this.couriers = couriers;
    this.live = live;
    this.outboundBuffer = outboundBuffer;
    this.origins = origins;
    this.protocol = protocol;
    this.tooSlow = json.text(new Sockets.ErrorFrame("Too slow", "more than " + outboundBuffer
        + " changes were waiting for this map; reconnect for a fresh snapshot"));
  }

  public List<Endpoint> endpoints() {
    return List.of(Endpoint.of(HttpMethods.GET, "/v1/ws/admin/live", p -> auth.authenticatedUpgrade(principal -> {
      if (principal.tenantId() == null || !principal.caller().isTenantManager()) {
        throw ProblemException.of(403, "The live map is for the tenant's key and admins");
      }
      return optionalHeaderValueByName("Origin", origin -> {
        origins.check(origin);
        return Sockets.serve(protocol, () -> connection(principal.tenantId()));
      });
    })));
  }

  private record CourierEntry(String id, String name, String vehicle, boolean available, int load, int capacity,
      Fix location) {
    static CourierEntry of(CourierRecord c) {
      return new CourierEntry(c.courierId(), c.profile().name(), c.profile().vehicle().wireName(), c.available(),
          c.load(), c.profile().capacity(), c.lastSample());
    }
  }

  private record SnapshotFrame(String type, List<CourierEntry> couriers, Instant at) {}

  private record PositionFrame(String type, String courierId, double lat, double lon, Double speed, Double heading,
      Instant at, boolean available, int load) {}

  private record OrderFrame(String type, String orderId, long seq, String change, String status, String courierId,
      Instant at) {}

  private enum InboundEnded implements NoSerializationVerificationNeeded { INSTANCE }

  private Flow<byte[], String, NotUsed> connection(String tenantId) {
    ActorRef<Object> connection = system.systemActorOf(behavior(tenantId, new Sockets.Paced(outboundBuffer, tooSlow)),
        "admin-live-" + UUID.randomUUID(), Props.empty());
    Source<String, NotUsed> outbound = Sockets.pacedOutbound(system, connection);
    return Flow.fromSinkAndSource(Sockets.listenOnly(() -> connection.tell(InboundEnded.INSTANCE)), outbound);
  }

  private Behavior<Object> behavior(String tenantId, Sockets.Paced out) {
    return Behaviors.setup(ctx -> {
      live.subscribe(LiveUpdates.tenantTopic(tenantId), Adapter.toClassic(ctx.getSelf()));
      return Behaviors.receive(Object.class)
          .onMessage(DistributedPubSubMediator.SubscribeAck.class, ack -> {
            // the snapshot after subscribing: a change in between is in the stream too, never missing
            return change(out, new SnapshotFrame("snapshot",
                couriers.online(tenantId).stream().map(CourierEntry::of).toList(), Instant.now()));
          })
          .onMessage(CourierPosition.class, position -> {
            Fix fix = position.fix();
            out.position(position.courierId(), json.text(new PositionFrame("courier.location", position.courierId(),
                fix.lat(), fix.lon(), fix.speed(), fix.heading(), fix.at(), position.available(), position.load())));
            return Behaviors.same();
          })
          .onMessage(OrderUpdate.class, update -> {
            return change(out, new OrderFrame("order", update.orderId(), update.seq(), update.type(),
                update.order().status().wireName(), update.order().courierId(), update.at()));
          })
          .onMessage(Sockets.Acked.class, acked -> {
            out.acked();
            return Behaviors.same();
          })
          .onMessage(Sockets.Attached.class, attached -> {
            out.attach(attached.out());
            return Behaviors.same();
          })
          .onMessage(InboundEnded.class, ended -> {
            out.close();
            return Behaviors.stopped();
          })
          .build();
    });
  }

  private Behavior<Object> change(Sockets.Paced out, Object frame) {
    out.change(json.text(frame));
    return Behaviors.same();
  }
}
