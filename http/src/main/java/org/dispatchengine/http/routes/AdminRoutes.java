package org.dispatchengine.http.routes;

import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpCharsets;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpMethods;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.MediaTypes;
import org.apache.pekko.http.javadsl.model.headers.ContentDisposition;
import org.apache.pekko.http.javadsl.model.headers.ContentDispositionTypes;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.util.ByteString;
import org.dispatchengine.engine.order.OrderStatus;
import org.dispatchengine.http.api.ApiDirectives;
import org.dispatchengine.http.api.Endpoint;
import org.dispatchengine.http.api.Json;
import org.dispatchengine.http.api.ProblemException;
import org.dispatchengine.http.api.QueryParams;
import org.dispatchengine.http.auth.Authenticator;
import org.dispatchengine.projections.readmodel.CourierQueries;
import org.dispatchengine.projections.readmodel.OrderQueries;
import org.dispatchengine.projections.readmodel.StatsQueries;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The admin read models: orders with filters and keyset pagination (also as a streamed CSV), an order's status
 * history, couriers, a courier's track, and daily statistics. All of it is read from projected tables, scoped to the
 * credential's tenant in SQL, and eventually consistent: {@code GET /v1/orders/{id}} reads the entity itself.
 */
public final class AdminRoutes extends ApiDirectives {
  private static final int MAX_PAGE = 500;
  private static final int DEFAULT_PAGE = 50;
  private static final int MAX_TRACK_PAGE = 10_000;
  private static final int MAX_STATS_DAYS = 366;
  private static final int CSV_PAGE = 500;
  private static final Map<String, OrderStatus> STATUSES = Arrays.stream(OrderStatus.values())
      .collect(Collectors.toUnmodifiableMap(OrderStatus::wireName, Function.identity()));
  private static final Set<String> ORDER_FILTERS =
      Set.of("status", "zoneId", "courierId", "storeId", "customerId", "from", "to");

  private final Authenticator auth;
  private final OrderQueries orders;
  private final CourierQueries couriers;
  private final StatsQueries stats;
  private final Clock clock;
  private final BlockingReads reads;

  public AdminRoutes(ActorSystem<?> system, Json json, Authenticator auth, OrderQueries orders,
      CourierQueries couriers, StatsQueries stats, Clock clock) {
    super(json, Duration.ZERO);
    this.auth = auth;
    this.orders = orders;
    this.couriers = couriers;
    this.stats = stats;
    this.clock = clock;
    this.reads = new BlockingReads(system);
  }

  public List<Endpoint> endpoints() {
    return List.of(
        Endpoint.of(HttpMethods.GET, "/v1/admin/orders", p -> auth.tenantManagerOnly(caller -> parameterMap(raw -> {
          QueryParams params = QueryParams.of(raw, with(ORDER_FILTERS, "limit", "cursor"));
          OrderQueries.Filter filter = orderFilter(params);
          int limit = params.integer("limit", 1, MAX_PAGE, DEFAULT_PAGE);
          String cursor = params.text("cursor", 512).orElse(null);
          params.validate();
          return query(() -> orders.list(caller.tenantId(), filter, limit, cursor), page -> complete(json.ok(page)));
        }))),
        Endpoint.of(HttpMethods.GET, "/v1/admin/orders.csv", p -> auth.tenantManagerOnly(caller -> parameterMap(raw -> {
          QueryParams params = QueryParams.of(raw, ORDER_FILTERS);
          OrderQueries.Filter filter = orderFilter(params);
          params.validate();
          return complete(HttpResponse.create()
              .withEntity(HttpEntities.create(ContentTypes.create(MediaTypes.TEXT_CSV, HttpCharsets.UTF_8),
                  OrderCsv.HEADER.concat(csvRows(caller.tenantId(), filter))))
              .addHeader(ContentDisposition.create(ContentDispositionTypes.ATTACHMENT,
                  Map.of("filename", "orders.csv"))));
        }))),
        Endpoint.of(HttpMethods.GET, "/v1/admin/orders/{orderId}/history", p -> auth.tenantManagerOnly(caller ->
            parameterMap(raw -> {
              QueryParams.of(raw, Set.of()).validate();
              return query(() -> orders.history(caller.tenantId(), p.get("orderId")), history -> complete(json.ok(
                  Map.of("items", history.orElseThrow(() -> ProblemException.of(404, "No such order"))))));
            }))),
        Endpoint.of(HttpMethods.GET, "/v1/admin/couriers", p -> auth.tenantManagerOnly(caller -> parameterMap(raw -> {
          QueryParams params = QueryParams.of(raw, Set.of("online", "limit", "cursor"));
          Boolean online = params.bool("online").orElse(null);
          int limit = params.integer("limit", 1, MAX_PAGE, DEFAULT_PAGE);
          String cursor = params.text("cursor", 512).orElse(null);
          params.validate();
          return query(() -> couriers.list(caller.tenantId(), online, limit, cursor), page -> complete(json.ok(page)));
        }))),
        Endpoint.of(HttpMethods.GET, "/v1/admin/couriers/{courierId}/track", p -> auth.tenantManagerOnly(caller ->
            parameterMap(raw -> {
              QueryParams params = QueryParams.of(raw, Set.of("from", "to", "limit", "cursor"));
              Instant to = params.instant("to").orElseGet(clock::instant);
              Instant from = params.instant("from").orElse(to.minus(1, ChronoUnit.DAYS));
              int limit = params.integer("limit", 1, MAX_TRACK_PAGE, 1000);
              String cursor = params.text("cursor", 512).orElse(null);
              if (!from.isBefore(to)) {
                params.reject("from", "must be before to");
              }
              params.validate();
              return query(() -> couriers.track(caller.tenantId(), p.get("courierId"), from, to, limit, cursor),
                  track -> complete(json.ok(track.orElseThrow(() -> ProblemException.of(404, "No such courier")))));
            }))),
        Endpoint.of(HttpMethods.GET, "/v1/admin/stats", p -> auth.tenantManagerOnly(caller -> parameterMap(raw -> {
          QueryParams params = QueryParams.of(raw, Set.of("from", "to"));
          LocalDate to = params.date("to").orElseGet(() -> LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC));
          LocalDate from = params.date("from").orElse(to.minusDays(6));
          if (from.isAfter(to)) {
            params.reject("from", "must not be after to");
          } else if (ChronoUnit.DAYS.between(from, to) >= MAX_STATS_DAYS) {
            params.reject("from", "the range is at most " + MAX_STATS_DAYS + " days");
          }
          params.validate();
          return query(() -> stats.stats(caller.tenantId(), from, to), figures -> complete(json.ok(figures)));
        }))));
  }

  private static Set<String> with(Set<String> names, String... more) {
    return java.util.stream.Stream.concat(names.stream(), Arrays.stream(more)).collect(Collectors.toUnmodifiableSet());
  }

  private static OrderQueries.Filter orderFilter(QueryParams params) {
    return new OrderQueries.Filter(params.choice("status", STATUSES).map(OrderStatus::wireName).orElse(null),
        params.id("zoneId").orElse(null), params.id("courierId").orElse(null), params.id("storeId").orElse(null),
        params.id("customerId").orElse(null), params.instant("from").orElse(null), params.instant("to").orElse(null));
  }

  /** Every matching row, fetched a page at a time as the client reads: memory stays flat whatever the count. */
  private Source<ByteString, NotUsed> csvRows(String tenantId, OrderQueries.Filter filter) {
    record Next(String cursor, boolean done) {}
    return Source.unfoldAsync(new Next(null, false), next -> next.done()
            ? CompletableFuture.completedFuture(Optional.empty())
            : reads.run(() -> orders.list(tenantId, filter, CSV_PAGE, next.cursor())).thenApply(page -> Optional.of(
                Pair.create(new Next(page.nextCursor(), page.nextCursor() == null), page.items()))))
        .mapConcat(items -> items)
        .map(OrderCsv::line);
  }

  private <T> Route query(Callable<T> query, Function<T, Route> inner) {
    return onSuccess(reads.run(query), inner);
  }


}
