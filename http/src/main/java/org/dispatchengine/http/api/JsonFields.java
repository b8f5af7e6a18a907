package org.dispatchengine.http.api;

import com.fasterxml.jackson.databind.JsonNode;
import org.dispatchengine.engine.Ids;
import org.dispatchengine.engine.geo.LatLon;
import org.dispatchengine.engine.geo.Place;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Reads the fields of a JSON request object and collects every problem with them, so one {@code 422} names all bad
 * fields at once; nested fields are named with dots ({@code dropoff.lat}, {@code items[2].quantity}). Fields the
 * endpoint does not know are refused: a misspelt optional field would otherwise be silently ignored.
 */
public final class JsonFields {
  private final JsonNode body;
  private final String prefix;
  private final List<Problem.FieldError> errors;

  private JsonFields(JsonNode body, String prefix, List<Problem.FieldError> errors) {
    this.body = body;
    this.prefix = prefix;
    this.errors = errors;
  }

  public static JsonFields of(JsonNode body, Set<String> known) {
    if (!body.isObject()) {
      throw ProblemException.invalid("", "the body must be a JSON object");
    }
    return new JsonFields(body, "", new ArrayList<>()).refuseUnknown(known);
  }

  private JsonFields refuseUnknown(Set<String> known) {
    for (Iterator<String> names = body.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (!known.contains(name)) {
        error(name, "unknown field");
      }
    }
    return this;
  }

  private JsonNode value(String field) {
    JsonNode node = body.get(field);
    return node == null || node.isNull() ? null : node;
  }

  public boolean hasValue(String field) {
    return value(field) != null;
  }

  private <T> T required(String field, Optional<T> value) {
    if (value.isEmpty() && !hasValue(field)) {
      error(field, "is required");
    }
    return value.orElse(null);
  }

  // ---- text and ids

  public Optional<String> optionalText(String field, int maxLength) {
    JsonNode node = value(field);
    if (node == null) {
      return Optional.empty();
    }
    if (!node.isTextual()) {
      error(field, "must be a string");
      return Optional.empty();
    }
    String text = node.textValue().strip();
    if (text.isEmpty()) {
      error(field, "must not be blank");
      return Optional.empty();
    }
    if (text.length() > maxLength) {
      error(field, "must be at most " + maxLength + " characters");
      return Optional.empty();
    }
    return Optional.of(text);
  }

  public String requiredText(String field, int maxLength) {
    return required(field, optionalText(field, maxLength));
  }

  public Optional<String> optionalId(String field) {
    return optionalText(field, 64).filter(id -> {
      if (!Ids.isValid(id)) {
        error(field, "must match [A-Za-z0-9_-]{1,64}");
        return false;
      }
      return true;
    });
  }

  public String requiredId(String field) {
    return required(field, optionalId(field));
  }

  /** One of the given wire names, mapped to its value. */
  public <T> Optional<T> optionalChoice(String field, Map<String, T> choices) {
    return optionalText(field, 64).flatMap(text -> {
      T choice = choices.get(text);
      if (choice == null) {
        error(field, "must be one of " + String.join(", ", choices.keySet().stream().sorted().toList()));
      }
      return Optional.ofNullable(choice);
    });
  }

  public <T> T requiredChoice(String field, Map<String, T> choices) {
    return required(field, optionalChoice(field, choices));
  }

  public List<String> optionalTextList(String field, int maxItems, int maxLength) {
    return optionalList(field, maxItems, (item, itemFields) -> {
      if (!item.isTextual() || item.textValue().isBlank() || item.textValue().length() > maxLength) {
        itemFields.error("", "must be a non-blank string of at most " + maxLength + " characters");
        return null;
      }
      return item.textValue().strip();
    });
  }

  // ---- numbers and flags

  public Optional<Long> optionalLong(String field, long min, long max) {
    JsonNode node = value(field);
    if (node == null) {
      return Optional.empty();
    }
    if (!node.isIntegralNumber() || !node.canConvertToLong() || node.longValue() < min || node.longValue() > max) {
      error(field, "must be a whole number from " + min + " to " + max);
      return Optional.empty();
    }
    return Optional.of(node.longValue());
  }

  public Long requiredLong(String field, long min, long max) {
    return required(field, optionalLong(field, min, max));
  }

  public Optional<BigDecimal> optionalDecimal(String field, BigDecimal min, BigDecimal max) {
    JsonNode node = value(field);
    if (node == null) {
      return Optional.empty();
    }
    if (!node.isNumber() || node.decimalValue().compareTo(min) < 0 || node.decimalValue().compareTo(max) > 0) {
      error(field, "must be a number from " + min.toPlainString() + " to " + max.toPlainString());
      return Optional.empty();
    }
    return Optional.of(node.decimalValue());
  }

  public BigDecimal requiredDecimal(String field, BigDecimal min, BigDecimal max) {
    return required(field, optionalDecimal(field, min, max));
  }

  /**
   * A number taken as a double, for measurements (coordinates, speeds) where a double is what the domain keeps: unlike
   * {@link #optionalDecimal} it costs no {@code BigDecimal}, which matters on the location path.
   */
  public Optional<Double> optionalDouble(String field, double min, double max) {
    JsonNode node = value(field);
    if (node == null) {
      return Optional.empty();
    }
    double value = node.doubleValue();
    if (!node.isNumber() || !(value >= min && value <= max)) {
      error(field, "must be a number from " + plain(min) + " to " + plain(max));
      return Optional.empty();
    }
    return Optional.of(value);
  }

  public Double requiredDouble(String field, double min, double max) {
    return required(field, optionalDouble(field, min, max));
  }

  private static String plain(double bound) {
    return BigDecimal.valueOf(bound).stripTrailingZeros().toPlainString();
  }

  public Optional<Boolean> optionalBoolean(String field) {
    JsonNode node = value(field);
    if (node == null) {
      return Optional.empty();
    }
    if (!node.isBoolean()) {
      error(field, "must be true or false");
      return Optional.empty();
    }
    return Optional.of(node.booleanValue());
  }

  // ---- nested objects and lists

  /** The fields of a nested object, whose errors are named {@code field.name}. */
  public Optional<JsonFields> optionalObject(String field, Set<String> known) {
    JsonNode node = value(field);
    if (node == null) {
      return Optional.empty();
    }
    if (!node.isObject()) {
      error(field, "must be an object");
      return Optional.empty();
    }
    return Optional.of(new JsonFields(node, prefix + field + ".", errors).refuseUnknown(known));
  }

  public JsonFields requiredObject(String field, Set<String> known) {
    return required(field, optionalObject(field, known));
  }

  /** The raw JSON of a field, for values another parser reads (GeoJSON). */
  public Optional<JsonNode> optionalJson(String field) {
    return Optional.ofNullable(value(field));
  }

  /** Reads each element of an array; errors are named {@code field[i]...}. */
  public <T> List<T> optionalList(String field, int maxItems, ItemReader<T> reader) {
    JsonNode node = value(field);
    if (node == null) {
      return List.of();
    }
    if (!node.isArray()) {
      error(field, "must be an array");
      return List.of();
    }
    if (node.size() > maxItems) {
      error(field, "must have at most " + maxItems + " elements");
      return List.of();
    }
    List<T> items = new ArrayList<>();
    for (int i = 0; i < node.size(); i++) {
      T item = reader.read(node.get(i), new JsonFields(node.get(i), prefix + field + "[" + i + "]", errors));
      if (item != null) {
        items.add(item);
      }
    }
    return items;
  }

  /** Reads one element of a list with a {@code JsonFields} whose errors carry the element's position. */
  @FunctionalInterface
  public interface ItemReader<T> {
    T read(JsonNode item, JsonFields fields);
  }

  /** The fields of a list element that is an object. */
  public JsonFields asObject(Set<String> known) {
    if (!body.isObject()) {
      error("", "must be an object");
      return new JsonFields(com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode(), prefix + ".",
          errors);
    }
    return new JsonFields(body, prefix + ".", errors).refuseUnknown(known);
  }

  // ---- positions

  public Optional<LatLon> optionalPosition(String field) {
    return optionalObject(field, Set.of("lat", "lon")).map(this::position);
  }

  public LatLon requiredPosition(String field) {
    return required(field, optionalPosition(field));
  }

  /** A position with an optional {@code address} of at most 500 characters. */
  public Optional<Place> optionalPlace(String field) {
    return optionalObject(field, Set.of("lat", "lon", "address")).map(place -> {
      LatLon point = position(place);
      String address = place.optionalText("address", 500).orElse(null);
      return point == null ? null : new Place(point.lat(), point.lon(), address);
    });
  }

  public Place requiredPlace(String field) {
    return required(field, optionalPlace(field));
  }

  private LatLon position(JsonFields fields) {
    Double lat = fields.requiredDouble("lat", -90, 90);
    Double lon = fields.requiredDouble("lon", -180, 180);
    return lat == null || lon == null ? null : new LatLon(lat, lon);
  }

  // ---- errors

  public void error(String field, String message) {
    String name = field.isEmpty() ? prefix.replaceAll("\\.$", "") : prefix + field;
    errors.add(new Problem.FieldError(name, message));
  }

  /** Ends the request with {@code 422} when any field was bad. */
  public void validate() {
    if (!errors.isEmpty()) {
      throw new ProblemException(Problem.validation(errors));
    }
  }
}
