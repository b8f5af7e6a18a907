package org.dispatchengine.http.ws;

import org.apache.pekko.NotUsed;
import org.apache.pekko.cluster.pubsub.DistributedPubSubMediator;
import org.apache.pekko.http.javadsl.model.HttpMethods;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.stream.javadsl.Flow;
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

/**
 * {@code /v1/ws/admin/live}: a tenant's live map for its operators (tenant key or admin). First a snapshot of the
 * couriers on shift (with their last sampled position), then every courier's position (at most one a second per
 * courier) and every order change of the tenant. Frames go out as fast as the reader takes them: while it is behind,
 * each courier's position waits newest-wins and changes wait in order; a map too far behind to keep every change is
 * disconnected and reconnects for a fresh snapshot.
 */
public final class AdminLive extends AllDirectives {
  private final Json json;
  private final Authenticator auth;
  private final CourierViews couriers;
  private final ClusterLiveUpdates live;
  private final int outboundBuffer;
  private final Origins origins;
  private final FrameProtocol.Settings protocol;
  /** The last frame of a map too slow to keep every change; it reconnects for a fresh snapshot. */
  private final String tooSlow;

  public AdminLive(Json json, Authenticator auth, CourierViews couriers,
      ClusterLiveUpdates live, int outboundBuffer, Origins origins, FrameProtocol.Settings protocol) {
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

  private Flow<byte[], String, NotUsed> connection(String tenantId) {
    return PushStage.flow(outboundBuffer, tooSlow, new PushStage.Connection() {
      private PushStage.Socket socket;

      @Override
      public void started(PushStage.Socket socket) {
        this.socket = socket;
        live.subscribe(LiveUpdates.tenantTopic(tenantId), socket.self());
      }

      @Override
      public void received(Object message) {
        if (message instanceof DistributedPubSubMediator.SubscribeAck) {
          // the snapshot after subscribing: a change in between is in the stream too, never missing
          socket.change(json.text(new SnapshotFrame("snapshot",
              couriers.online(tenantId).stream().map(CourierEntry::of).toList(), Instant.now())));
        } else if (message instanceof CourierPosition position) {
          Fix fix = position.fix();
          socket.position(position.courierId(), json.text(new PositionFrame("courier.location",
              position.courierId(), fix.lat(), fix.lon(), fix.speed(), fix.heading(), fix.at(), position.available(),
              position.load())));
        } else if (message instanceof OrderUpdate update) {
          socket.change(json.text(new OrderFrame("order", update.orderId(), update.seq(), update.type(),
              update.order().status().wireName(), update.order().courierId(), update.at())));
        }
      }
    });
  }
}
