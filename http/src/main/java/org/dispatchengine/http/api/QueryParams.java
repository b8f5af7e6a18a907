package org.dispatchengine.http.api;

import org.dispatchengine.engine.Ids;

import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Reads a query string strictly: a parameter this endpoint does not know, or a value that does not parse, is a
 * {@code 422} naming it, never silently ignored (a misspelt filter would otherwise widen a query without a word).
 */
public final class QueryParams {
  private final Map<String, String> values;
  private final List<Problem.FieldError> errors = new ArrayList<>();

  private QueryParams(Map<String, String> values) {
    this.values = values;
  }

  public static QueryParams of(Map<String, String> values, Set<String> allowed) {
    QueryParams params = new QueryParams(values);
    for (String name : new TreeSet<>(values.keySet())) {
      if (!allowed.contains(name)) {
        params.errors.add(new Problem.FieldError(name, "is not a parameter of this endpoint"));
      }
    }
    return params;
  }

  private Optional<String> raw(String name) {
    return Optional.ofNullable(values.get(name)).filter(value -> !value.isEmpty());
  }

  private <T> Optional<T> invalid(String name, String message) {
    errors.add(new Problem.FieldError(name, message));
    return Optional.empty();
  }

  public Optional<String> id(String name) {
    Optional<String> value = raw(name);
    return value.isEmpty() || Ids.isValid(value.get()) ? value : invalid(name, "must be an id (1-64 of A-Z a-z 0-9 _ -)");
  }

  public Optional<String> choice(String name, Set<String> allowed) {
    Optional<String> value = raw(name);
    return value.isEmpty() || allowed.contains(value.get())
        ? value : invalid(name, "must be one of " + String.join(", ", new TreeSet<>(allowed)));
  }

  public Optional<Boolean> bool(String name) {
    Optional<String> value = raw(name);
    if (value.isEmpty()) {
      return Optional.empty();
    }
    return switch (value.get()) {
      case "true" -> Optional.of(true);
      case "false" -> Optional.of(false);
      default -> invalid(name, "must be true or false");
    };
  }

  public Optional<Instant> instant(String name) {
    Optional<String> value = raw(name);
    try {
      return value.map(Instant::parse);
    } catch (DateTimeParseException e) {
      return invalid(name, "must be an ISO-8601 instant such as 2026-05-01T00:00:00Z");
    }
  }

  public Optional<LocalDate> date(String name) {
    Optional<String> value = raw(name);
    try {
      return value.map(LocalDate::parse);
    } catch (DateTimeParseException e) {
      return invalid(name, "must be a date such as 2026-05-01");
    }
  }

  public int integer(String name, int min, int max, int fallback) {
    Optional<String> value = raw(name);
    if (value.isEmpty()) {
      return fallback;
    }
    try {
      int parsed = Integer.parseInt(value.get());
      if (parsed >= min && parsed <= max) {
        return parsed;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    invalid(name, "must be a whole number from " + min + " to " + max);
    return fallback;
  }

  /** An opaque value up to {@code maxLength} characters. */
  public Optional<String> text(String name, int maxLength) {
    Optional<String> value = raw(name);
    return value.isEmpty() || value.get().length() <= maxLength
        ? value : invalid(name, "must be at most " + maxLength + " characters");
  }

  /** Adds a problem found by the caller, such as two parameters that contradict each other. */
  public void reject(String name, String message) {
    errors.add(new Problem.FieldError(name, message));
  }

  /** Ends the request with every problem found, if any. */
  public void validate() {
    if (!errors.isEmpty()) {
      throw new ProblemException(Problem.validation(errors));
    }
  }
}
