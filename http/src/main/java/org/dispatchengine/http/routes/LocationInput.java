package org.dispatchengine.http.routes;

import org.dispatchengine.engine.courier.Fix;
import org.dispatchengine.engine.geo.LatLon;
import org.dispatchengine.http.api.JsonFields;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.Set;

/** Reads a position report, as REST and WebSocket clients send it: {@code lat, lon, accuracy?, speed?, heading?, at?}. */
public final class LocationInput {
  public static final Set<String> FIELDS = Set.of("lat", "lon", "accuracy", "speed", "heading", "at");
  /** The fields of a {@code location} frame on the courier socket. */
  public static final Set<String> FRAME_FIELDS = Set.of("type", "lat", "lon", "accuracy", "speed", "heading", "at");
  /** A device clock may run ahead by this much; anything later is refused. */
  static final Duration FUTURE_TOLERANCE = Duration.ofMinutes(2);

  private LocationInput() {}

  /** The fix, or null with the problems recorded in {@code fields}; {@code at} defaults to now. */
  public static Fix read(JsonFields fields, Clock clock) {
    Double lat = fields.requiredDouble("lat", -90, 90);
    Double lon = fields.requiredDouble("lon", -180, 180);
    Double accuracy = fields.optionalDouble("accuracy", 0, 100_000).orElse(null);
    Double speed = fields.optionalDouble("speed", 0, 200).orElse(null);
    Double heading = fields.optionalDouble("heading", 0, 360).orElse(null);
    Instant at = fields.optionalText("at", 40).map(text -> instant(fields, text, clock)).orElseGet(clock::instant);
    return lat == null || lon == null || at == null
        ? null
        : new Fix(lat, lon, accuracy, speed, heading, at);
  }

  private static Instant instant(JsonFields fields, String text, Clock clock) {
    try {
      Instant at = Instant.parse(text);
      if (at.isAfter(clock.instant().plus(FUTURE_TOLERANCE))) {
        fields.error("at", "is in the future");
        return null;
      }
      return at;
    } catch (DateTimeParseException e) {
      fields.error("at", "must be an ISO-8601 instant such as 2026-11-22T10:15:30Z");
      return null;
    }
  }

  /** Whether a position is on the map at all; for decoders that do not go through {@link JsonFields}. */
  static Optional<LatLon> position(double lat, double lon) {
    return LatLon.isValid(lat, lon) ? Optional.of(new LatLon(lat, lon)) : Optional.empty();
  }
}
