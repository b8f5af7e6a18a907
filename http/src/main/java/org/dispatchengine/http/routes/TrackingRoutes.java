package org.dispatchengine.http.routes;

import org.apache.pekko.http.javadsl.model.HttpMethods;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.Route;
import org.dispatchengine.engine.Caller;
import org.dispatchengine.engine.Role;
import org.dispatchengine.engine.courier.CourierService;
import org.dispatchengine.engine.courier.Fix;
import org.dispatchengine.engine.courier.Vehicle;
import org.dispatchengine.engine.order.Eta;
import org.dispatchengine.engine.order.OrderRecord;
import org.dispatchengine.engine.order.OrderRules;
import org.dispatchengine.engine.order.OrderService;
import org.dispatchengine.engine.tenant.TenantDirectory;
import org.dispatchengine.http.api.ApiDirectives;
import org.dispatchengine.http.api.Endpoint;
import org.dispatchengine.http.api.Json;
import org.dispatchengine.http.api.JsonFields;
import org.dispatchengine.http.api.ProblemException;
import org.dispatchengine.http.auth.Authenticator;
import org.dispatchengine.http.auth.TrackingLinks;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Tracking links: the order's customer or the tenant shares an order's progress with someone who has no account.
 * The public view shows the status, the courier's first name and position, the dropoff point and an ETA; no ids of
 * people, no phone numbers, no addresses.
 */
public final class TrackingRoutes extends ApiDirectives {
  /** Reads an order on behalf of a link: the link was verified, so the engine itself asks. */
  public static final Caller LINK = new Caller(Role.TENANT, "tracking-link", null);
  private static final long DEFAULT_TTL_SECONDS = Duration.ofHours(24).toSeconds();
  private static final long MAX_TTL_SECONDS = Duration.ofDays(7).toSeconds();

  private final OrderService orders;
  private final CourierService couriers;
  private final TenantDirectory tenants;
  private final TrackingLinks links;
  private final Authenticator auth;
  private final Clock clock;

  public TrackingRoutes(Json json, Duration bodyReadTimeout, OrderService orders, CourierService couriers,
      TenantDirectory tenants, TrackingLinks links, Authenticator auth, Clock clock) {
    super(json, bodyReadTimeout);
    this.orders = orders;
    this.couriers = couriers;
    this.tenants = tenants;
    this.links = links;
    this.auth = auth;
    this.clock = clock;
  }

  public record LinkView(String token, String url, Instant expiresAt) {}

  public record Point(double lat, double lon) {}

  public record PublicCourier(String firstName, Fix location) {}

  public record PublicEta(long minutes, Instant at) {}

  public record PublicView(String status, String kind, Point dropoff, PublicCourier courier, PublicEta eta,
      Instant updatedAt) {}

  public List<Endpoint> endpoints() {
    return List.of(
        Endpoint.of(HttpMethods.POST, "/v1/orders/{orderId}/tracking-link", p -> auth.inTenant(caller ->
            optionalJsonBody(body -> {
              JsonFields fields = JsonFields.of(body, Set.of("ttlSeconds"));
              long ttl = fields.optionalLong("ttlSeconds", 60, MAX_TTL_SECONDS).orElse(DEFAULT_TTL_SECONDS);
              fields.validate();
              return onSuccess(orders.get(caller.tenantId(), p.get("orderId"), caller.caller()), order -> {
                if (!OrderRules.mayShareTracking(order, caller.caller())) {
                  throw ProblemException.of(403, "Only the order's customer and the tenant share tracking links");
                }
                var minted = links.mint(tenants.tenant(caller.tenantId()).orElseThrow(), order.orderId(),
                    order.trackingGeneration(), Duration.ofSeconds(ttl));
                return respond(StatusCodes.CREATED,
                    new LinkView(minted.token(), "/v1/track/" + minted.token(), minted.expiresAt()));
              });
            }))),
        Endpoint.of(HttpMethods.DELETE, "/v1/orders/{orderId}/tracking-link", p -> auth.inTenant(caller ->
            onSuccess(orders.revokeTrackingLinks(caller.tenantId(), p.get("orderId"), caller.caller()),
                order -> complete(StatusCodes.NO_CONTENT)))),
        Endpoint.of(HttpMethods.GET, "/v1/track/{token:any}", p -> publicView(p.get("token"))));
  }

  private Route publicView(String token) {
    return onSuccess(linkedOrder(token, links, tenants, orders),
        order -> onSuccess(publicView(couriers, order, clock), view -> complete(json.ok(view))));
  }

  /** The public view of an order, with its courier's first name, position and the ETA when it has one. */
  public static CompletionStage<PublicView> publicView(CourierService couriers, OrderRecord order, Clock clock) {
    CompletionStage<CourierService.Snapshot> courier = order.courierId() == null
        ? CompletableFuture.completedFuture(null)
        : couriers.get(order.tenantId(), order.courierId()).thenApply(CourierService.Snapshot::of);
    return courier.thenApply(snapshot -> view(order, snapshot, clock));
  }

  private static PublicView view(OrderRecord order, CourierService.Snapshot courier, Clock clock) {
    PublicCourier shown = null;
    PublicEta eta = null;
    if (courier != null) {
      shown = new PublicCourier(courier.firstName(), courier.position());
      if (courier.position() != null) {
        eta = eta(order, courier.position(), courier.vehicle(), clock);
      }
    }
    return new PublicView(order.status().wireName(), order.kind().wireName(),
        new Point(order.dropoff().lat(), order.dropoff().lon()), shown, eta, order.updatedAt());
  }

  /** Minutes (rounded up, at least 1) and the time of arrival at the dropoff; null once the order is over. */
  public static PublicEta eta(OrderRecord order, Fix position, Vehicle vehicle, Clock clock) {
    return Eta.toDropoff(order, position, vehicle)
        .map(d -> new PublicEta(Math.max(1, (d.toSeconds() + 59) / 60), clock.instant().plus(d)))
        .orElse(null);
  }

  /** Verifies a tracking link and that its generation is still the order's; {@code 404} for anything else. */
  public static CompletionStage<OrderRecord> linkedOrder(String token, TrackingLinks links, TenantDirectory tenants,
      OrderService orders) {
    TrackingLinks.Link link = links.verify(token, tenants).orElseThrow(TrackingRoutes::noSuchLink);
    return orders.get(link.tenantId(), link.orderId(), LINK).thenApply(order -> {
      if (order.trackingGeneration() != link.generation()) {
        throw noSuchLink();
      }
      return order;
    });
  }

  private static ProblemException noSuchLink() {
    return ProblemException.of(404, "No such tracking link");
  }
}
