package org.dispatchengine.http.routes;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.pekko.http.javadsl.model.HttpMethods;
import org.apache.pekko.http.javadsl.model.MediaTypes;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.Route;
import org.dispatchengine.engine.courier.CourierService;
import org.dispatchengine.engine.courier.Fix;
import org.dispatchengine.http.api.ApiDirectives;
import org.dispatchengine.http.api.Endpoint;
import org.dispatchengine.http.api.Json;
import org.dispatchengine.http.api.ProblemException;
import org.dispatchengine.http.auth.Authenticator;
import org.dispatchengine.http.auth.Principal;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The OsmAnd live-tracking protocol as Traccar Client and OsmAnd send it, so a courier can use those free apps as
 * its tracker. Three encodings: query string ({@code GET} or {@code POST}), form body, and the JSON body of Traccar
 * Client 9. The server URL to configure in the app is {@code https://<host>/v1/osmand?token=<courier token>}, and the
 * device identifier is the courier id.
 */
public final class OsmAndRoutes extends ApiDirectives {
  /** OsmAnd reports speed in knots. */
  static final double METERS_PER_SECOND_PER_KNOT = 1852.0 / 3600.0;

  private final CourierService couriers;
  private final Authenticator auth;
  private final Clock clock;

  public OsmAndRoutes(Json json, Duration bodyReadTimeout, CourierService couriers, Authenticator auth, Clock clock) {
    super(json, bodyReadTimeout);
    this.couriers = couriers;
    this.auth = auth;
    this.clock = clock;
  }

  /** A decoded report: whose, and where. */
  record Report(String deviceId, Fix fix) {}

  public List<Endpoint> endpoints() {
    return List.of(
        Endpoint.of(HttpMethods.GET, "/v1/osmand", p -> parameterMap(query -> report(query, Map.of()))),
        Endpoint.of(HttpMethods.POST, "/v1/osmand", p -> parameterMap(query -> extractRequestEntity(entity -> {
          if (entity.getContentType().mediaType().equals(MediaTypes.APPLICATION_X_WWW_FORM_URLENCODED)) {
            return formFieldMap(form -> report(query, form));
          }
          if (entity.isKnownEmpty()) {
            return report(query, Map.of());
          }
          return jsonBody(body -> credentialed(query, Map.of(), principal -> deliver(principal, decodeJson(body))));
        }))));
  }

  private Route report(Map<String, String> query, Map<String, String> form) {
    Map<String, String> params = new HashMap<>(form);
    params.putAll(query);
    return credentialed(query, form, principal -> deliver(principal, decodeParameters(params)));
  }

  /** The token comes as a {@code token} parameter (what the apps can send) or as a bearer header. */
  private Route credentialed(Map<String, String> query, Map<String, String> form,
      java.util.function.Function<Principal, Route> inner) {
    String token = query.getOrDefault("token", form.get("token"));
    if (token == null) {
      return auth.inTenant(inner);
    }
    Principal principal = auth.authenticate(token);
    if (principal.tenantId() == null) {
      throw ProblemException.of(403, "Use a courier token");
    }
    return inner.apply(principal);
  }

  private Route deliver(Principal principal, Report report) {
    return CourierRoutes.selfOrManager(principal, report.deviceId(), () ->
        onSuccess(couriers.report(principal.tenantId(), report.deviceId(), report.fix()),
            outcome -> complete(StatusCodes.OK)));
  }

  /** {@code id}, {@code lat}, {@code lon} (or {@code location=lat,lon}), {@code timestamp}, {@code speed} (knots)... */
  Report decodeParameters(Map<String, String> params) {
    String id = Optional.ofNullable(params.get("id")).orElse(params.get("deviceid"));
    if (id == null || id.isBlank()) {
      throw ProblemException.invalid("id", "is required: the courier id as the device identifier");
    }
    double lat;
    double lon;
    if (params.containsKey("location")) {
      String[] parts = params.get("location").split(",");
      if (parts.length != 2) {
        throw ProblemException.invalid("location", "must be lat,lon");
      }
      lat = number(params, "location", parts[0]);
      lon = number(params, "location", parts[1]);
    } else {
      lat = number(params, "lat", params.get("lat"));
      lon = number(params, "lon", params.get("lon"));
    }
    Double knots = optionalNumber(params, "speed");
    Fix fix = new Fix(lat, lon, optionalNumber(params, "accuracy"),
        knots == null ? null : knots * METERS_PER_SECOND_PER_KNOT,
        optionalNumber(params, params.containsKey("bearing") ? "bearing" : "heading"),
        timestamp(params.get("timestamp")));
    return new Report(id, checked(fix));
  }

  /** Traccar Client 9: {@code {"device_id", "location": {"timestamp", "coords": {"latitude", ..., "speed" (m/s)}}}}. */
  Report decodeJson(JsonNode body) {
    String id = body.path("device_id").asText(null);
    JsonNode location = body.path("location");
    JsonNode coords = location.path("coords");
    if (id == null || id.isBlank()) {
      throw ProblemException.invalid("device_id", "is required: the courier id as the device identifier");
    }
    if (!coords.path("latitude").isNumber() || !coords.path("longitude").isNumber()) {
      throw ProblemException.invalid("location.coords", "needs numeric latitude and longitude");
    }
    Fix fix = new Fix(coords.get("latitude").doubleValue(), coords.get("longitude").doubleValue(),
        nonNegative(coords.path("accuracy")), nonNegative(coords.path("speed")), nonNegative(coords.path("heading")),
        timestamp(location.path("timestamp").asText(null)));
    return new Report(id, checked(fix));
  }

  private static Double nonNegative(JsonNode node) {
    return node.isNumber() && node.doubleValue() >= 0 ? node.doubleValue() : null;
  }

  private static Fix checked(Fix fix) {
    if (LocationInput.position(fix.lat(), fix.lon()).isEmpty()) {
      throw ProblemException.invalid("lat", "latitude and longitude must be within WGS84 ranges");
    }
    return fix;
  }

  /** Unix seconds or milliseconds, or ISO-8601; absent means now. */
  private Instant timestamp(String text) {
    if (text == null || text.isBlank()) {
      return clock.instant();
    }
    Instant at;
    try {
      if (text.chars().allMatch(Character::isDigit)) {
        long value = Long.parseLong(text);
        at = value > 100_000_000_000L ? Instant.ofEpochMilli(value) : Instant.ofEpochSecond(value);
      } else {
        at = Instant.parse(text.replace(' ', 'T'));
      }
    } catch (NumberFormatException | DateTimeParseException e) {
      throw ProblemException.invalid("timestamp", "must be unix seconds, milliseconds or an ISO-8601 instant");
    }
    if (at.isAfter(clock.instant().plus(LocationInput.FUTURE_TOLERANCE))) {
      throw ProblemException.invalid("timestamp", "is in the future");
    }
    return at;
  }

  private static double number(Map<String, String> params, String field, String text) {
    try {
      if (text == null) {
        throw ProblemException.invalid(field, "is required");
      }
      return Double.parseDouble(text.trim());
    } catch (NumberFormatException e) {
      throw ProblemException.invalid(field, "must be a number");
    }
  }

  private static Double optionalNumber(Map<String, String> params, String field) {
    String text = params.get(field);
    if (text == null || text.isBlank()) {
      return null;
    }
    double value = number(params, field, text);
    return value < 0 || Double.isNaN(value) ? null : value;
  }
}
