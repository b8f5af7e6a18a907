package org.dispatchengine.http.routes;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import org.apache.pekko.http.javadsl.model.HttpMethods;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.headers.Location;
import org.apache.pekko.http.javadsl.server.Route;
import org.dispatchengine.engine.Caller;
import org.dispatchengine.engine.Role;
import org.dispatchengine.engine.geo.Place;
import org.dispatchengine.engine.order.Item;
import org.dispatchengine.engine.order.Order;
import org.dispatchengine.engine.order.OrderKind;
import org.dispatchengine.engine.order.OrderRecord;
import org.dispatchengine.engine.order.OrderService;
import org.dispatchengine.engine.order.OrderTransition;
import org.dispatchengine.engine.order.Proof;
import org.dispatchengine.engine.tenant.ApiKeys;
import org.dispatchengine.http.api.ApiDirectives;
import org.dispatchengine.http.api.Endpoint;
import org.dispatchengine.http.api.Json;
import org.dispatchengine.http.api.JsonFields;
import org.dispatchengine.http.api.Problem;
import org.dispatchengine.http.api.ProblemException;
import org.dispatchengine.http.auth.Authenticator;
import org.dispatchengine.http.auth.Principal;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/** Orders: idempotent creation, reading, the status history, transitions, manual assignment and re-dispatch. */
public final class OrderRoutes extends ApiDirectives {
  private static final Map<String, OrderKind> KINDS = Map.of("delivery", OrderKind.DELIVERY, "visit", OrderKind.VISIT);
  private static final Pattern IDEMPOTENCY_KEY = Pattern.compile("[\\x21-\\x7E]{1,255}");
  private static final Pattern PIN = Pattern.compile("[0-9]{4,12}");
  private static final Set<String> ORDER_FIELDS = Set.of(
      "id", "kind", "storeId", "pickup", "dropoff", "customerId", "items", "notes", "externalRef");

  /** Bounds of an order request (configured under {@code dispatch.orders}). */
  public record Limits(int maxItems, int maxNotesLength) {}

  private final OrderService orders;
  private final Authenticator auth;
  private final Limits limits;
  private final ObjectMapper canonical;

  public OrderRoutes(Json json, Duration bodyReadTimeout, OrderService orders, Authenticator auth, Limits limits) {
    super(json, bodyReadTimeout);
    this.orders = orders;
    this.auth = auth;
    this.limits = limits;
    this.canonical = json.mapper().copy().enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);
  }

  public record AssignmentView(String state, int attempts) {}

  public record OrderView(String id, String kind, String status, String customerId, String storeId, Place pickup,
      Place dropoff, String zoneId, BigDecimal fee, String courierId, AssignmentView assignment, List<Item> items,
      String notes, String externalRef, Proof proof, String reason, Instant arrivedAtPickup, Instant arrivedAtDropoff,
      long seq, Instant createdAt, Instant updatedAt) {
    public static OrderView of(OrderRecord o) {
      return new OrderView(o.orderId(), o.kind().wireName(), o.status().wireName(), o.customerId(), o.storeId(),
          o.pickup(), o.dropoff(), o.zoneId(), o.fee(), o.courierId(),
          new AssignmentView(o.assignmentState().wireName(), o.assignmentAttempts()), o.items(), o.notes(),
          o.externalRef(), o.proof(), o.reason(), o.arrivedAtPickup(), o.arrivedAtDropoff(), o.revision(),
          o.createdAt(), o.updatedAt());
    }
  }

  public record ByView(String role, String subject) {}

  public record HistoryView(long seq, String type, Instant at, ByView by, Map<String, Object> data) {}

  public List<Endpoint> endpoints() {
    List<Endpoint> endpoints = new ArrayList<>(List.of(
        Endpoint.of(HttpMethods.POST, "/v1/orders", p -> auth.inTenant(caller ->
            optionalHeaderValueByName("Idempotency-Key", key -> jsonBody(body -> create(caller, key, body))))),
        Endpoint.of(HttpMethods.GET, "/v1/orders/{orderId}", p -> auth.inTenant(caller ->
            onSuccess(orders.get(caller.tenantId(), p.get("orderId"), caller.caller()),
                order -> complete(json.ok(OrderView.of(order)))))),
        Endpoint.of(HttpMethods.GET, "/v1/orders/{orderId}/events", p -> auth.inTenant(caller ->
            onSuccess(orders.history(caller.tenantId(), p.get("orderId"), caller.caller()),
                history -> complete(json.ok(history.stream()
                    // the search names other couriers and their scores: for the tenant's eyes only
                    .filter(entry -> caller.caller().isTenantManager() || !Order.isDispatchDetail(entry.event()))
                    .map(OrderRoutes::historyView).toList()))))),
        Endpoint.of(HttpMethods.POST, "/v1/orders/{orderId}/dispatch", p -> auth.inTenant(caller ->
            answer(orders.redispatch(caller.tenantId(), p.get("orderId"), caller.caller())))),
        Endpoint.of(HttpMethods.POST, "/v1/orders/{orderId}/assign", p -> auth.inTenant(caller -> jsonBody(body -> {
          JsonFields fields = JsonFields.of(body, Set.of("courierId"));
          String courierId = fields.requiredId("courierId");
          fields.validate();
          return answer(orders.assign(caller.tenantId(), p.get("orderId"), courierId, caller.caller()));
        })))));
    for (OrderTransition transition : OrderTransition.values()) {
      String verb = transition == OrderTransition.PICK_UP ? "pickup" : transition.name().toLowerCase(java.util.Locale.ROOT);
      endpoints.add(Endpoint.of(HttpMethods.POST, "/v1/orders/{orderId}/" + verb, p -> auth.inTenant(caller ->
          optionalJsonBody(body -> transition(caller, p.get("orderId"), transition, body)))));
    }
    return endpoints;
  }

  private Route create(Principal caller, Optional<String> idempotencyKey, JsonNode body) {
    Caller by = caller.caller();
    if (!(by.isTenantManager() || by.role() == Role.CUSTOMER)) {
      throw ProblemException.of(403, "Orders are created by the tenant's back-end, its admins and its customers");
    }
    JsonFields fields = JsonFields.of(body, ORDER_FIELDS);
    String id = fields.optionalId("id").orElse(null);
    OrderKind kind = fields.optionalChoice("kind", KINDS).orElse(OrderKind.DELIVERY);
    String storeId = fields.optionalId("storeId").orElse(null);
    Place pickup = fields.optionalPlace("pickup").orElse(null);
    Place dropoff = fields.requiredPlace("dropoff");
    String customerId = customerId(by, fields);
    List<Item> items = fields.optionalList("items", limits.maxItems(), (node, itemFields) -> {
      JsonFields item = itemFields.asObject(Set.of("name", "quantity"));
      String name = item.requiredText("name", 200);
      Long quantity = item.requiredLong("quantity", 1, 10_000);
      return name == null || quantity == null ? null : new Item(name, quantity.intValue());
    });
    String notes = fields.optionalText("notes", limits.maxNotesLength()).orElse(null);
    String externalRef = fields.optionalText("externalRef", 128).orElse(null);
    if (kind == OrderKind.VISIT && pickup != null) {
      fields.error("pickup", "a visit has no pickup");
    }
    if (kind == OrderKind.DELIVERY && storeId != null && pickup != null) {
      fields.error("pickup", "give a storeId or pickup coordinates, not both");
    }
    if (idempotencyKey.isPresent() && !IDEMPOTENCY_KEY.matcher(idempotencyKey.get()).matches()) {
      fields.error("Idempotency-Key", "must be 1 to 255 printable ASCII characters");
    }
    if (idempotencyKey.isEmpty() && id == null && externalRef == null) {
      fields.error("Idempotency-Key", "is required unless the order has an id or externalRef, so that a retried "
          + "request cannot create a second order");
    }
    fields.validate();

    var request = new OrderService.OrderRequest(id, kind, customerId, storeId, pickup, dropoff, items, notes,
        externalRef);
    OrderService.Plan plan = orders.plan(caller.tenantId(), request);
    if (plan instanceof OrderService.Refused refused) {
      throw new ProblemException(Problem.validation(refused.problems().stream()
          .map(problem -> new Problem.FieldError(problem.field(), problem.message())).toList()));
    }
    var planned = ((OrderService.Planned) plan).order();
    return onSuccess(orders.create(caller.tenantId(), request, planned, requestHash(body, by), by, idempotencyKey),
        order -> complete(json.response(StatusCodes.CREATED, OrderView.of(order))
            .addHeader(Location.create("/v1/orders/" + order.orderId()))));
  }

  /** Customers order for themselves; everyone else names the customer. */
  private static String customerId(Caller by, JsonFields fields) {
    if (by.role() != Role.CUSTOMER) {
      return fields.requiredId("customerId");
    }
    Optional<String> given = fields.optionalId("customerId");
    if (given.isPresent() && !given.get().equals(by.subject())) {
      throw ProblemException.of(403, "A customer creates orders for itself only");
    }
    return by.subject();
  }

  /** The same request means the same JSON (whatever the key order) from the same scope of caller. */
  private String requestHash(JsonNode body, Caller by) {
    try {
      String canonicalBody = canonical.writeValueAsString(canonical.convertValue(body, Object.class));
      String scope = by.role() == Role.CUSTOMER ? "customer:" + by.subject() : "tenant";
      return ApiKeys.hash(scope + "\n" + canonicalBody);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private Route transition(Principal caller, String orderId, OrderTransition transition, JsonNode body) {
    JsonFields fields = JsonFields.of(body, Set.of("reason", "proof"));
    String reason = fields.optionalText("reason", 500).orElse(null);
    Proof proof = fields.optionalObject("proof", Set.of("type", "pin", "url")).map(this::proof).orElse(null);
    if (proof != null && transition != OrderTransition.DELIVER) {
      fields.error("proof", "belongs to deliver only");
    }
    fields.validate();
    return answer(orders.transition(caller.tenantId(), orderId, transition, reason, proof, caller.caller()));
  }

  private Proof proof(JsonFields fields) {
    String type = fields.requiredText("type", 16);
    if (type != null && !Proof.TYPES.contains(type)) {
      fields.error("type", "must be one of pin, photo, signature");
      return null;
    }
    String pin = fields.optionalText("pin", 12).orElse(null);
    String url = fields.optionalText("url", 2000).orElse(null);
    if ("pin".equals(type) && (pin == null || !PIN.matcher(pin).matches())) {
      fields.error("pin", "is required for pin proofs: 4 to 12 digits");
    }
    if (("photo".equals(type) || "signature".equals(type)) && (url == null || !url.matches("https?://\\S+"))) {
      fields.error("url", "is required for " + type + " proofs: an http(s) URL");
    }
    return type == null ? null : new Proof(type, "pin".equals(type) ? pin : null, "pin".equals(type) ? null : url);
  }

  private Route answer(java.util.concurrent.CompletionStage<OrderRecord> order) {
    return onSuccess(order, o -> complete(json.ok(OrderView.of(o))));
  }

  private static HistoryView historyView(OrderService.HistoryEntry entry) {
    Order.Event event = entry.event();
    Map<String, Object> data = new LinkedHashMap<>();
    if (event instanceof Order.OrderCreated e) {
      data.put("kind", e.kind().wireName());
      data.put("customerId", e.customerId());
      data.put("storeId", e.storeId());
      data.put("zoneId", e.zoneId());
      data.put("fee", e.fee());
      data.put("externalRef", e.externalRef());
    } else if (event instanceof Order.StatusChanged e) {
      data.put("reason", e.reason());
      data.put("proof", e.proof());
    } else if (event instanceof Order.CourierAssigned e) {
      data.put("courierId", e.courierId());
      data.put("previousCourierId", e.previousCourierId());
      data.put("offerId", e.offerId());
    } else if (event instanceof Order.DispatchStarted e) {
      data.put("settings", SettingsRoutes.DispatchSettingsView.of(e.settings()));
    } else if (event instanceof Order.CourierOffered e) {
      data.put("offerId", e.offerId());
      data.put("mode", e.decision().mode().wireName());
      data.put("settingsVersion", e.decision().settingsVersion());
      data.put("region", e.decision().region());
      data.put("assign", e.decision().assign());
      data.put("offeredTo", e.decision().chosen());
      data.put("expiresAt", e.expiresAt());
      data.put("candidates", e.decision().candidates());
    } else if (event instanceof Order.OfferDeclined e) {
      data.put("offerId", e.offerId());
      data.put("courierId", e.courierId());
      data.put("answer", e.reply().name().toLowerCase(java.util.Locale.ROOT));
      data.put("reason", e.reason());
    } else if (event instanceof Order.OfferExpired e) {
      data.put("offerId", e.offerId());
      data.put("unanswered", e.courierIds());
    } else if (event instanceof Order.SentToManual e) {
      data.put("reason", e.reason());
    }
    data.values().removeIf(java.util.Objects::isNull);
    return new HistoryView(entry.seq(), Order.typeOf(event), event.at(),
        new ByView(event.by().role().wireName(), event.by().subject()), data);
  }
}
