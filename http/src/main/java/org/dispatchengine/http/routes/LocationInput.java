package org.dispatchengine.http.routes;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import org.dispatchengine.engine.courier.Fix;
import org.dispatchengine.engine.geo.LatLon;
import org.dispatchengine.http.api.JsonFields;

import java.io.IOException;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
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

  /**
   * The fix of a well-formed {@code location} frame, read straight from its UTF-8 bytes; null for any other frame
   * (another type, a field missing, unknown, repeated, of the wrong kind or out of range, a timestamp in another form,
   * JSON that is odd in any way), which the general path ({@link #read}) then reads and explains. Courier apps send
   * many frames a second: this path builds no JSON tree and parses the usual timestamp form itself, where the general
   * path spent most of a frame's decoding time and garbage. It accepts nothing the general path refuses, and reads
   * what it accepts to the same fix.
   */
  public static Fix readFrame(JsonFactory json, byte[] utf8, Clock clock) {
    try (JsonParser parser = json.createParser(utf8)) {
      if (parser.nextToken() != JsonToken.START_OBJECT) {
        return null;
      }
      boolean located = false;
      double lat = Double.NaN;
      double lon = Double.NaN;
      Double accuracy = null;
      Double speed = null;
      Double heading = null;
      Instant at = null;
      int seen = 0;
      JsonToken token;
      while ((token = parser.nextToken()) == JsonToken.FIELD_NAME) {
        String name = parser.currentName();
        token = parser.nextToken();
        int field = switch (name) {
          case "type" -> 1;
          case "lat" -> 2;
          case "lon" -> 4;
          case "accuracy" -> 8;
          case "speed" -> 16;
          case "heading" -> 32;
          case "at" -> 64;
          default -> 0;
        };
        if (field == 0 || (seen & field) != 0) {
          return null;
        }
        seen |= field;
        if (token == JsonToken.VALUE_NULL && field >= 8) {
          continue; // an optional field given as null is absent, as on the general path
        }
        if (field == 1) {
          if (token != JsonToken.VALUE_STRING || !parser.getText().equals("location")) {
            return null;
          }
          located = true;
        } else if (field == 64) {
          at = token == JsonToken.VALUE_STRING
              ? utcInstant(parser.getTextCharacters(), parser.getTextOffset(), parser.getTextLength())
              : null;
          if (at == null) {
            return null;
          }
        } else {
          if (token != JsonToken.VALUE_NUMBER_INT && token != JsonToken.VALUE_NUMBER_FLOAT) {
            return null;
          }
          double value = parser.getDoubleValue();
          switch (field) {
            case 2 -> lat = value;
            case 4 -> lon = value;
            case 8 -> accuracy = value;
            case 16 -> speed = value;
            default -> heading = value;
          }
        }
      }
      if (token != JsonToken.END_OBJECT || parser.nextToken() != null || !located
          || !within(lat, -90, 90) || !within(lon, -180, 180) || !withinIfSet(accuracy, 100_000)
          || !withinIfSet(speed, 200) || !withinIfSet(heading, 360)) {
        return null;
      }
      Instant now = clock.instant();
      if (at == null) {
        at = now;
      } else if (at.isAfter(now.plus(FUTURE_TOLERANCE))) {
        return null;
      }
      return new Fix(lat, lon, accuracy, speed, heading, at);
    } catch (IOException malformed) {
      return null;
    }
  }

  private static boolean within(double value, double min, double max) {
    return value >= min && value <= max;
  }

  private static boolean withinIfSet(Double value, double max) {
    return value == null || within(value, 0, max);
  }

  /**
   * {@code yyyy-MM-ddTHH:mm:ss[.fraction]Z}, the form apps send, or null for anything else (other forms of ISO-8601
   * that {@link Instant#parse} takes go the general path's way).
   */
  static Instant utcInstant(char[] text, int offset, int length) {
    int end = offset + length;
    if (length < 20 || length > 30 || text[offset + 4] != '-' || text[offset + 7] != '-' || text[offset + 10] != 'T'
        || text[offset + 13] != ':' || text[offset + 16] != ':' || text[end - 1] != 'Z') {
      return null;
    }
    int year = digits(text, offset, 4);
    int month = digits(text, offset + 5, 2);
    int day = digits(text, offset + 8, 2);
    int hour = digits(text, offset + 11, 2);
    int minute = digits(text, offset + 14, 2);
    int second = digits(text, offset + 17, 2);
    int nanos = 0;
    int fractionDigits = length - 21;
    if (fractionDigits > 0) {
      if (text[offset + 19] != '.' || fractionDigits > 9) {
        return null;
      }
      nanos = digits(text, offset + 20, fractionDigits);
      for (int i = fractionDigits; i < 9 && nanos >= 0; i++) {
        nanos *= 10;
      }
    } else if (length != 20) {
      return null;
    }
    if (year < 0 || month < 0 || day < 0 || hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0
        || second > 59 || nanos < 0) {
      return null;
    }
    try {
      long days = LocalDate.of(year, month, day).toEpochDay();
      return Instant.ofEpochSecond(days * 86_400 + hour * 3_600L + minute * 60L + second, nanos);
    } catch (DateTimeException noSuchDay) {
      return null;
    }
  }

  /** The number written by {@code count} ASCII digits at {@code from}, or -1 when any is not a digit. */
  private static int digits(char[] text, int from, int count) {
    int value = 0;
    for (int i = from; i < from + count; i++) {
      char c = text[i];
      if (c < '0' || c > '9') {
        return -1;
      }
      value = value * 10 + (c - '0');
    }
    return value;
  }

  /** Whether a position is on the map at all; for decoders that do not go through {@link JsonFields}. */
  static Optional<LatLon> position(double lat, double lon) {
    return LatLon.isValid(lat, lon) ? Optional.of(new LatLon(lat, lon)) : Optional.empty();
  }
}
