package org.dispatchengine.http.routes;

import org.apache.pekko.http.javadsl.model.HttpMethods;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.Route;
import org.dispatchengine.engine.Role;
import org.dispatchengine.engine.courier.ActiveOrder;
import org.dispatchengine.engine.courier.Courier;
import org.dispatchengine.engine.courier.CourierOffer;
import org.dispatchengine.engine.courier.CourierProfile;
import org.dispatchengine.engine.courier.CourierRecord;
import org.dispatchengine.engine.courier.CourierService;
import org.dispatchengine.engine.courier.Fix;
import org.dispatchengine.engine.courier.Vehicle;
import org.dispatchengine.engine.geo.Place;
import org.dispatchengine.http.api.ApiDirectives;
import org.dispatchengine.http.api.Endpoint;
import org.dispatchengine.http.api.Json;
import org.dispatchengine.http.api.JsonFields;
import org.dispatchengine.http.api.ProblemException;
import org.dispatchengine.http.auth.Authenticator;
import org.dispatchengine.http.auth.Principal;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import java.util.stream.Collectors;

/** Couriers: profile, shift, block, and position reports over HTTP. */
public final class CourierRoutes extends ApiDirectives {
  static final Map<String, Vehicle> VEHICLES = Arrays.stream(Vehicle.values())
      .collect(Collectors.toUnmodifiableMap(Vehicle::wireName, Function.identity()));

  private final CourierService couriers;
  private final Authenticator auth;
  private final Clock clock;

  public CourierRoutes(Json json, Duration bodyReadTimeout, CourierService couriers, Authenticator auth, Clock clock) {
    super(json, bodyReadTimeout);
    this.couriers = couriers;
    this.auth = auth;
    this.clock = clock;
  }

  public record CourierView(String id, String name, String vehicle, int capacity, boolean online, boolean available,
      boolean blocked, int load, Fix location, List<String> activeOrders, OfferView offer, Instant shiftStartedAt,
      Instant createdAt, Instant updatedAt) {
    static CourierView of(Courier.CourierStatus status) {
      CourierRecord c = status.courier();
      return new CourierView(c.courierId(), c.profile().name(), c.profile().vehicle().wireName(),
          c.profile().capacity(), c.online(), c.available(), c.blocked(), c.load(), status.position(),
          c.activeOrders().stream().map(ActiveOrder::orderId).toList(),
          c.offer() == null ? null : OfferView.of(c.offer()), c.shiftStartedAt(), c.createdAt(), c.updatedAt());
    }
  }

  /** The offer a courier holds; {@code accepted} while its acceptance waits for the order's confirmation. */
  public record OfferView(String offerId, String orderId, Place pickup, Place dropoff, Instant expiresAt,
      boolean accepted) {
    public static OfferView of(CourierOffer offer) {
      return new OfferView(offer.offerId(), offer.orderId(), offer.pickup(), offer.dropoff(), offer.expiresAt(),
          offer.accepted());
    }
  }

  public record LocationAccepted(String outcome) {}

  public List<Endpoint> endpoints() {
    return List.of(
        Endpoint.of(HttpMethods.PUT, "/v1/couriers/{courierId}", p -> auth.tenantManagerOnly(caller ->
            jsonBody(body -> {
              JsonFields fields = JsonFields.of(body, Set.of("name", "vehicle", "capacity"));
              String name = fields.requiredText("name", 200);
              Vehicle vehicle = fields.requiredChoice("vehicle", VEHICLES);
              long capacity = fields.optionalLong("capacity", 1, 50).orElse(1L);
              fields.validate();
              return answer(couriers.define(caller.tenantId(), p.get("courierId"),
                  new CourierProfile(name, vehicle, (int) capacity)));
            }))),
        Endpoint.of(HttpMethods.GET, "/v1/couriers/{courierId}", p -> auth.inTenant(caller ->
            selfOrManager(caller, p.get("courierId"), () -> answer(couriers.get(caller.tenantId(), p.get("courierId")))))),
        Endpoint.of(HttpMethods.POST, "/v1/couriers/{courierId}/shift", p -> auth.inTenant(caller ->
            selfOrManager(caller, p.get("courierId"), () -> jsonBody(body -> {
              JsonFields fields = JsonFields.of(body, Set.of("online"));
              Boolean online = fields.optionalBoolean("online").orElse(null);
              if (online == null && !fields.hasValue("online")) {
                fields.error("online", "is required");
              }
              fields.validate();
              return answer(couriers.setShift(caller.tenantId(), p.get("courierId"), online));
            })))),
        Endpoint.of(HttpMethods.POST, "/v1/couriers/{courierId}/block", p -> auth.tenantManagerOnly(caller ->
            answer(couriers.setBlocked(caller.tenantId(), p.get("courierId"), true)))),
        Endpoint.of(HttpMethods.POST, "/v1/couriers/{courierId}/unblock", p -> auth.tenantManagerOnly(caller ->
            answer(couriers.setBlocked(caller.tenantId(), p.get("courierId"), false)))),
        Endpoint.of(HttpMethods.POST, "/v1/couriers/{courierId}/location", p -> auth.inTenant(caller ->
            selfOrManager(caller, p.get("courierId"), () -> jsonBody(body -> {
              JsonFields fields = JsonFields.of(body, LocationInput.FIELDS);
              Fix fix = LocationInput.read(fields, clock);
              fields.validate();
              return onSuccess(couriers.report(caller.tenantId(), p.get("courierId"), fix), outcome -> complete(
                  json.response(StatusCodes.ACCEPTED, new LocationAccepted(outcome.name().toLowerCase(Locale.ROOT)))));
            })))),
        Endpoint.of(HttpMethods.POST, "/v1/couriers/{courierId}/offers/{offerId}/accept", p -> auth.inTenant(caller ->
            selfOrManager(caller, p.get("courierId"), () -> answer(couriers.answerOffer(caller.tenantId(),
                p.get("courierId"), p.get("offerId"), true, null))))),
        Endpoint.of(HttpMethods.POST, "/v1/couriers/{courierId}/offers/{offerId}/decline", p -> auth.inTenant(caller ->
            selfOrManager(caller, p.get("courierId"), () -> optionalJsonBody(body -> {
              JsonFields fields = JsonFields.of(body, Set.of("reason"));
              String reason = fields.optionalText("reason", 500).orElse(null);
              fields.validate();
              return answer(couriers.answerOffer(caller.tenantId(), p.get("courierId"), p.get("offerId"), false,
                  reason));
            })))));
  }

  /**
   * A courier acts for itself only; tenant keys and admins for any courier. Other roles are told the courier does
   * not exist.
   */
  static Route selfOrManager(Principal caller, String courierId, java.util.function.Supplier<Route> inner) {
    if (caller.caller().isTenantManager()) {
      return inner.get();
    }
    if (caller.role() == Role.COURIER) {
      if (!caller.subject().equals(courierId)) {
        throw ProblemException.of(403, "A courier acts for itself only");
      }
      return inner.get();
    }
    throw ProblemException.of(404, "courier " + courierId + " does not exist");
  }

  private Route answer(CompletionStage<Courier.CourierStatus> status) {
    return onSuccess(status, s -> complete(json.ok(CourierView.of(s))));
  }
}
