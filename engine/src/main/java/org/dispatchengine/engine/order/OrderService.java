package org.dispatchengine.engine.order;

import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.persistence.query.PersistenceQuery;
import org.apache.pekko.persistence.query.javadsl.CurrentEventsByPersistenceIdQuery;
import org.apache.pekko.persistence.query.javadsl.ReadJournal;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.stream.javadsl.Sink;
import org.dispatchengine.engine.Caller;
import org.dispatchengine.engine.EntityAsk;
import org.dispatchengine.engine.Ids;
import org.dispatchengine.engine.Rejection;
import org.dispatchengine.engine.Role;
import org.dispatchengine.engine.courier.CourierService;
import org.dispatchengine.engine.dispatch.DispatchSettings;
import org.dispatchengine.engine.geo.Place;
import org.dispatchengine.engine.setup.Definition;
import org.dispatchengine.engine.setup.Definitions;
import org.dispatchengine.engine.setup.StoreSpec;
import org.dispatchengine.engine.setup.ZoneSpec;
import org.dispatchengine.engine.setup.Zones;
import org.dispatchengine.engine.tenant.ApiKeys;
import org.dispatchengine.engine.tenant.TenantDirectory;
import org.dispatchengine.engine.tenant.TenantRecord;
import org.dispatchengine.engine.tenant.TenantSettings;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;

/**
 * Orders as callers use them: planning a new order from this node's views (store, zone, fee), claiming its
 * idempotency key and external reference, and the commands and history of the order entity.
 */
public final class OrderService {
  private final ActorSystem<?> system;
  private final TenantDirectory tenants;
  private final Zones zones;
  private final Definitions<StoreSpec> stores;
  private final EntityAsk<Order.Command> orders;
  private final EntityAsk<KeyClaim.Command> claims;
  private final CourierService couriers;

  public OrderService(ActorSystem<?> system, TenantDirectory tenants, Zones zones, Definitions<StoreSpec> stores,
      CourierService couriers, Duration askTimeout) {
    this.couriers = couriers;
    this.system = system;
    this.tenants = tenants;
    this.zones = zones;
    this.stores = stores;
    this.orders = new EntityAsk<>(system, Order.ENTITY_KEY, askTimeout);
    this.claims = new EntityAsk<>(system, KeyClaim.ENTITY_KEY, askTimeout);
  }

  /**
   * A validated request for a new order.
   *
   * @param id the client's id for the order, or null to have one generated
   * @param storeId the store to pick up at, or null; @param pickup explicit pickup coordinates, or null
   */
  public record OrderRequest(String id, OrderKind kind, String customerId, String storeId, Place pickup,
      Place dropoff, List<Item> items, String notes, String externalRef) {}

  /** A problem with one field of an order request. */
  public record FieldProblem(String field, String message) {}

  /** Resolves the pickup, zone and fee of a request, or says which fields are wrong. */
  public sealed interface Plan permits Planned, Refused {}

  public record Planned(NewOrder order) implements Plan {}

  public record Refused(List<FieldProblem> problems) implements Plan {}

  public Plan plan(String tenantId, OrderRequest request) {
    List<FieldProblem> problems = new ArrayList<>();
    Place pickup = request.pickup();
    if (request.storeId() != null) {
      Optional<Definition<StoreSpec>> store = stores.active(tenantId, request.storeId());
      if (store.isEmpty()) {
        problems.add(new FieldProblem("storeId", "no such store"));
      } else if (request.kind() == OrderKind.DELIVERY && pickup == null) {
        StoreSpec spec = store.get().spec();
        pickup = new Place(spec.location().lat(), spec.location().lon(), spec.name());
      }
    }
    if (request.kind() == OrderKind.DELIVERY && pickup == null && request.storeId() == null) {
      problems.add(new FieldProblem("pickup", "a delivery needs a storeId or pickup coordinates"));
    }
    Optional<Definition<ZoneSpec>> zone = zones.zoneAt(tenantId, request.dropoff().point());
    if (zone.isEmpty()) {
      problems.add(new FieldProblem("dropoff", "is outside every active zone"));
    }
    if (!problems.isEmpty()) {
      return new Refused(problems);
    }
    double meters = pickup == null ? 0 : pickup.point().metersTo(request.dropoff().point());
    BigDecimal fee = zone.get().spec().fee().feeFor(meters);
    return new Planned(new NewOrder(request.kind(), request.customerId(), request.storeId(), pickup,
        request.dropoff(), zone.get().id(), fee, request.items(), request.notes(), request.externalRef()));
  }

  /**
   * Creates the order, or answers the order an earlier identical request created: the idempotency key (scoped to the
   * tenant, or to the customer for customer tokens) and the external reference each lead to one order only.
   */
  public CompletionStage<OrderRecord> create(String tenantId, OrderRequest request, NewOrder order, String requestHash,
      Caller by, Optional<String> idempotencyKey) {
    String proposedId = request.id() != null ? request.id() : "ord_" + ApiKeys.randomToken(15);
    CompletionStage<String> orderId = CompletableFuture.completedFuture(proposedId);
    if (idempotencyKey.isPresent()) {
      String scope = by.role() == Role.CUSTOMER ? "idempotency-key:customer:" + by.subject() : "idempotency-key:tenant";
      orderId = claim(tenantId, scope, idempotencyKey.get(), requestHash, proposedId, "Idempotency-Key");
    }
    if (request.externalRef() != null) {
      // without a key or a client id, the reference alone decides which order this request is
      boolean idFixed = idempotencyKey.isPresent() || request.id() != null;
      orderId = orderId.thenCompose(id -> claim(tenantId, "external-ref", request.externalRef(), requestHash, id,
          "externalRef").thenApply(claimed -> {
            if (idFixed && !claimed.equals(id)) {
              throw Rejection.CONFLICT.refusal(null,
                  "externalRef " + request.externalRef() + " belongs to order " + claimed);
            }
            return claimed;
          }));
    }
    DispatchSettings dispatch = dispatchSettings(tenantId);
    return orderId.thenCompose(id -> orders.ask(Ids.entityId(tenantId, id),
        (ActorRef<StatusReply<OrderRecord>> replyTo) -> new Order.Create(order, requestHash, dispatch, by, replyTo)));
  }

  private CompletionStage<String> claim(String tenantId, String scope, String key, String requestHash,
      String proposedId, String field) {
    return claims.ask(KeyClaim.entityId(tenantId, scope, key),
            (ActorRef<StatusReply<String>> replyTo) -> new KeyClaim.Claim(requestHash, proposedId, replyTo))
        .exceptionally(failure -> {
          throw isRefusal(failure)
              ? Rejection.INVALID.refusal(field, "was already used with a different request")
              // a timeout stays recognisable as one (the client is told to retry), whatever wraps it here
              : failure instanceof RuntimeException r ? r : new CompletionException(failure);
        });
  }

  /** Whether an ask failed because the entity refused (as opposed to a timeout, when the outcome is unknown). */
  private static boolean isRefusal(Throwable failure) {
    return failure instanceof StatusReply.ErrorMessage
        || (failure != null && failure.getCause() instanceof StatusReply.ErrorMessage);
  }

  public CompletionStage<OrderRecord> get(String tenantId, String orderId, Caller by) {
    return orders.ask(Ids.entityId(tenantId, orderId), (ActorRef<StatusReply<OrderRecord>> r) -> new Order.Get(by, r));
  }

  public CompletionStage<OrderRecord> transition(String tenantId, String orderId, OrderTransition transition,
      String reason, Proof proof, Caller by) {
    boolean proofRequired = tenants.tenant(tenantId).map(TenantRecord::settings)
        .orElse(TenantSettings.DEFAULT).requireProofOfDelivery();
    DispatchSettings dispatch = dispatchSettings(tenantId);
    return orders.ask(Ids.entityId(tenantId, orderId), (ActorRef<StatusReply<OrderRecord>> r) ->
        new Order.Transition(transition, reason, proof, proofRequired, dispatch, by, r));
  }

  /** Starts a new search for a courier with the tenant's current dispatch settings. */
  public CompletionStage<OrderRecord> redispatch(String tenantId, String orderId, Caller by) {
    DispatchSettings dispatch = dispatchSettings(tenantId);
    return orders.ask(Ids.entityId(tenantId, orderId),
        (ActorRef<StatusReply<OrderRecord>> r) -> new Order.Redispatch(dispatch, by, r));
  }

  private DispatchSettings dispatchSettings(String tenantId) {
    return tenants.tenant(tenantId).map(TenantRecord::dispatch).orElse(DispatchSettings.DEFAULT);
  }

  /**
   * Assigns a courier by hand: the courier takes the order first (it refuses when offline, blocked or at capacity),
   * then the order records the assignment; if the order refuses, the courier is released again. So a courier never
   * carries more orders than its capacity, and never an order that is not assigned to it.
   */
  public CompletionStage<OrderRecord> assign(String tenantId, String orderId, String courierId, Caller by) {
    return get(tenantId, orderId, by).thenCompose(order -> {
      if (!OrderRules.mayAssign(by)) {
        throw Rejection.FORBIDDEN.refusal(null, "only the tenant assigns couriers by hand");
      }
      return couriers.takeOrder(tenantId, courierId, orderId, order.pickup(), order.dropoff());
    }).thenCompose(taken -> orders.ask(Ids.entityId(tenantId, orderId),
            (ActorRef<StatusReply<OrderRecord>> r) -> new Order.Assign(courierId, by, r))
        .whenComplete((assigned, failure) -> {
          // only a definite refusal; after a timeout the order may well have taken the courier
          if (isRefusal(failure)) {
            couriers.release(tenantId, courierId, orderId, "refused");
          }
        }));
  }

  public CompletionStage<OrderRecord> revokeTrackingLinks(String tenantId, String orderId, Caller by) {
    return orders.ask(Ids.entityId(tenantId, orderId),
        (ActorRef<StatusReply<OrderRecord>> r) -> new Order.RevokeTrackingLinks(by, r));
  }

  /** An event of an order with its sequence number. */
  public record HistoryEntry(long seq, Order.Event event) {}

  /** The order's events from the journal, oldest first, once the caller may see the order. */
  public CompletionStage<List<HistoryEntry>> history(String tenantId, String orderId, Caller by) {
    String pluginId = system.settings().config().getString("dispatch.engine.read-journal-plugin");
    CurrentEventsByPersistenceIdQuery journal = (CurrentEventsByPersistenceIdQuery) PersistenceQuery
        .get(Adapter.toClassic(system)).getReadJournalFor(ReadJournal.class, pluginId);
    String persistenceId = PersistenceId.of(Order.ENTITY_KEY.name(), Ids.entityId(tenantId, orderId)).id();
    return get(tenantId, orderId, by).thenCompose(visible -> journal
        .currentEventsByPersistenceId(persistenceId, 0, Long.MAX_VALUE)
        .filter(envelope -> envelope.event() instanceof Order.Event)
        .map(envelope -> new HistoryEntry(envelope.sequenceNr(), (Order.Event) envelope.event()))
        .runWith(Sink.seq(), system));
  }
}
