package org.dispatchengine.projections.readmodel;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.List;

/**
 * A keyset position: the sort key of the last row of a page. Opaque to clients; a cursor that does not decode is
 * refused, never guessed at.
 */
public final class Cursor {
  private static final String VERSION = "1";

  private Cursor() {}

  static String encode(Instant at, String tieBreaker) {
    long micros = ChronoUnit.MICROS.between(Instant.EPOCH, at);
    String plain = VERSION + "|" + micros + "|" + tieBreaker;
    return Base64.getUrlEncoder().withoutPadding().encodeToString(plain.getBytes(StandardCharsets.UTF_8));
  }

  static String encode(String key) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString((VERSION + "|" + key).getBytes(StandardCharsets.UTF_8));
  }

  /** A time and a tie breaker, as written by {@link #encode(Instant, String)}. */
  record Position(Instant at, String tieBreaker) {}

  static Position decodePosition(String cursor) {
    List<String> parts = parts(cursor, 3);
    try {
      return new Position(Instant.EPOCH.plus(Long.parseLong(parts.get(1)), ChronoUnit.MICROS), parts.get(2));
    } catch (RuntimeException e) {
      throw new InvalidCursor();
    }
  }

  static String decodeKey(String cursor) {
    return parts(cursor, 2).get(1);
  }

  private static List<String> parts(String cursor, int count) {
    try {
      String plain = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
      List<String> parts = List.of(plain.split("\\|", count));
      if (parts.size() != count || !parts.get(0).equals(VERSION) || parts.get(count - 1).isEmpty()) {
        throw new InvalidCursor();
      }
      return parts;
    } catch (IllegalArgumentException e) {
      throw new InvalidCursor();
    }
  }

  /** The cursor was not made by this engine (or by an older version of it). */
  public static final class InvalidCursor extends IllegalArgumentException {
    InvalidCursor() {
      super("cursor is not valid; start again without one");
    }
  }
}
