package org.dispatchengine.http.api;

import com.fasterxml.jackson.databind.JsonNode;
import org.dispatchengine.engine.Ids;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Reads the fields of a JSON request object and collects every problem with them, so one {@code 422} names all bad
 * fields at once. Fields the endpoint does not know are refused: a misspelt optional field would otherwise be
 * silently ignored.
 */
public final class JsonFields {
  private final JsonNode body;
  private final List<Problem.FieldError> errors = new ArrayList<>();

  private JsonFields(JsonNode body) {
    this.body = body;
  }

  public static JsonFields of(JsonNode body, Set<String> known) {
    if (!body.isObject()) {
      throw ProblemException.invalid("", "the body must be a JSON object");
    }
    JsonFields fields = new JsonFields(body);
    for (Iterator<String> names = body.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (!known.contains(name)) {
        fields.error(name, "unknown field");
      }
    }
    return fields;
  }

  public String requiredText(String field, int maxLength) {
    return optionalText(field, maxLength).orElseGet(() -> {
      if (!hasValue(field)) {
        error(field, "is required");
      }
      return null;
    });
  }

  public Optional<String> optionalText(String field, int maxLength) {
    JsonNode node = body.get(field);
    if (node == null || node.isNull()) {
      return Optional.empty();
    }
    if (!node.isTextual()) {
      error(field, "must be a string");
      return Optional.empty();
    }
    String value = node.textValue().strip();
    if (value.isEmpty()) {
      error(field, "must not be blank");
      return Optional.empty();
    }
    if (value.length() > maxLength) {
      error(field, "must be at most " + maxLength + " characters");
      return Optional.empty();
    }
    return Optional.of(value);
  }

  public String requiredId(String field) {
    String value = requiredText(field, 64);
    return value == null ? null : checkId(field, value);
  }

  public Optional<String> optionalId(String field) {
    return optionalText(field, 64).map(value -> checkId(field, value));
  }

  private String checkId(String field, String value) {
    if (!Ids.isValid(value)) {
      error(field, "must match [A-Za-z0-9_-]{1,64}");
      return null;
    }
    return value;
  }

  public Optional<Long> optionalLong(String field, long min, long max) {
    JsonNode node = body.get(field);
    if (node == null || node.isNull()) {
      return Optional.empty();
    }
    if (!node.isIntegralNumber() || !node.canConvertToLong()) {
      error(field, "must be a whole number");
      return Optional.empty();
    }
    long value = node.longValue();
    if (value < min || value > max) {
      error(field, "must be between " + min + " and " + max);
      return Optional.empty();
    }
    return Optional.of(value);
  }

  /** One of the given wire names, mapped to its value. */
  public <T> T requiredChoice(String field, Map<String, T> choices) {
    String value = requiredText(field, 64);
    if (value == null) {
      return null;
    }
    T choice = choices.get(value);
    if (choice == null) {
      error(field, "must be one of " + String.join(", ", choices.keySet().stream().sorted().toList()));
    }
    return choice;
  }

  public boolean hasValue(String field) {
    JsonNode node = body.get(field);
    return node != null && !node.isNull();
  }

  public void error(String field, String message) {
    errors.add(new Problem.FieldError(field, message));
  }

  /** Ends the request with {@code 422} when any field was bad. */
  public void validate() {
    if (!errors.isEmpty()) {
      throw new ProblemException(Problem.validation(errors));
    }
  }
}
