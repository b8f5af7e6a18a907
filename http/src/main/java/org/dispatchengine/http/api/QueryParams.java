package org.dispatchengine.http.api;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * Reads a query string as strictly as {@link JsonFields} reads a body, with the same messages and one {@code 422}
 * for every problem: an unknown parameter is refused, never ignored (a misspelt filter would otherwise widen a
 * query without a word). An empty value counts as absent. Query values are all text, so numbers, flags and times
 * are parsed here; everything else is {@link JsonFields}' work.
 */
public final class QueryParams {
  private final JsonFields fields;

  private QueryParams(JsonFields fields) {
    this.fields = fields;
  }

  public static QueryParams of(Map<String, String> values, Set<String> allowed) {
    ObjectNode given = JsonNodeFactory.instance.objectNode();
    values.forEach((name, value) -> {
      if (!value.isEmpty()) {
        given.put(name, value);
      }
    });
    return new QueryParams(JsonFields.of(given, allowed));
  }

  public Optional<String> id(String name) {
    return fields.optionalId(name);
  }

  public <T> Optional<T> choice(String name, Map<String, T> choices) {
    return fields.optionalChoice(name, choices);
  }

  /** An opaque value up to {@code maxLength} characters. */
  public Optional<String> text(String name, int maxLength) {
    return fields.optionalText(name, maxLength);
  }

  public Optional<Boolean> bool(String name) {
    return parsed(name, "must be true or false", text -> switch (text) {
      case "true" -> true;
      case "false" -> false;
      default -> throw new IllegalArgumentException(text);
    });
  }

  public Optional<Instant> instant(String name) {
    return parsed(name, "must be an ISO-8601 instant such as 2026-05-01T00:00:00Z", Instant::parse);
  }

  public Optional<LocalDate> date(String name) {
    return parsed(name, "must be a date such as 2026-05-01", LocalDate::parse);
  }

  public int integer(String name, int min, int max, int fallback) {
    String message = "must be a whole number from " + min + " to " + max;
    return parsed(name, message, text -> {
      int value = Integer.parseInt(text);
      if (value < min || value > max) {
        throw new IllegalArgumentException(text);
      }
      return value;
    }).orElse(fallback);
  }

  private <T> Optional<T> parsed(String name, String message, Function<String, T> parse) {
    return fields.optionalText(name, 64).flatMap(text -> {
      try {
        return Optional.of(parse.apply(text));
      } catch (IllegalArgumentException | DateTimeParseException e) {
        fields.error(name, message);
        return Optional.empty();
      }
    });
  }

  /** Adds a problem found by the caller, such as two parameters that contradict each other. */
  public void reject(String name, String message) {
    fields.error(name, message);
  }

  /** Ends the request with every problem found, if any. */
  public void validate() {
    fields.validate();
  }
}
