package org.dispatchengine.http.routes;

import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.sharding.ClusterShardingHealthCheck;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpMethods;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;
import org.dispatchengine.engine.view.EntityViews;
import org.dispatchengine.http.Metrics;
import org.dispatchengine.http.api.Endpoint;
import org.dispatchengine.http.api.Json;
import org.dispatchengine.projections.db.Database;
import scala.jdk.javaapi.FutureConverters;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;

/** Liveness, readiness and Prometheus metrics for orchestrators and monitoring. */
public final class OperationsRoutes extends AllDirectives {
  /** How long a good answer of the database and sharding checks serves every caller of the readiness endpoint. */
  private static final Duration DEPENDENCIES_MAX_AGE = Duration.ofSeconds(1);

  private final ActorSystem<?> system;
  private final Json json;
  private final Database database;
  private final Metrics metrics;
  private final Map<String, EntityViews<?, ?>> views;
  private final Executor blocking;
  private final ClusterShardingHealthCheck sharding;
  private final SharedProbe<Dependencies> dependencies =
      new SharedProbe<>(this::probeDependencies, Dependencies::up, DEPENDENCIES_MAX_AGE, System::nanoTime);

  /** @param views the per-node views that must have caught up with the journal before the node is ready */
  public OperationsRoutes(ActorSystem<?> system, Json json, Database database, Metrics metrics,
      Map<String, EntityViews<?, ?>> views) {
    this.system = system;
    this.json = json;
    this.database = database;
    this.metrics = metrics;
    this.views = new java.util.TreeMap<>(views);
    this.blocking = system.dispatchers().lookup(DispatcherSelector.blocking());
    this.sharding = new ClusterShardingHealthCheck(Adapter.toClassic(system));
  }

  public record Health(String status, Map<String, Boolean> checks) {}

  private record Dependencies(boolean sharding, boolean database) {
    boolean up() {
      return sharding && database;
    }
  }

  public List<Endpoint> endpoints() {
    return List.of(
        Endpoint.of(HttpMethods.GET, "/health/alive", p -> complete(json.ok(new Health("up", Map.of())))),
        Endpoint.of(HttpMethods.GET, "/health/ready", p -> ready()),
        Endpoint.of(HttpMethods.GET, "/metrics", p -> complete(HttpResponse.create().withEntity(
            HttpEntities.create(ContentTypes.create(org.apache.pekko.http.javadsl.model.MediaTypes.TEXT_PLAIN,
                org.apache.pekko.http.javadsl.model.HttpCharsets.UTF_8), metrics.scrape())))));
  }

  /**
   * Ready when this node can take writes: it is an Up cluster member that is not shutting down, the database answers
   * (the schema was migrated before the node started), every entity type's shard region has registered with the
   * cluster's shard coordinator (until then requests to entities wait in the region), and every per-node view
   * (tenants, zones, stores) has read what the journal held when the node started.
   */
  private Route ready() {
    // the cluster and view checks read this node's memory: always current, so a stopping node says so at once
    return onSuccess(dependencies.answer().thenApply(remote -> {
      Map<String, Boolean> checks = new LinkedHashMap<>();
      checks.put("cluster", Cluster.get(system).selfMember().status().equals(MemberStatus.up())
          && CoordinatedShutdown.get(Adapter.toClassic(system)).getShutdownReason().isEmpty());
      checks.put("sharding", remote.sharding());
      checks.put("database", remote.database());
      views.forEach((name, view) -> checks.put(name, view.isCaughtUp()));
      return checks;
    }), checks -> {
      boolean ready = checks.values().stream().allMatch(Boolean::booleanValue);
      return complete(json.response(ready ? StatusCodes.OK : StatusCodes.SERVICE_UNAVAILABLE,
          new Health(ready ? "up" : "down", checks)));
    });
  }

  private CompletionStage<Dependencies> probeDependencies() {
    // a region that does not answer in time counts as not registered (the check's own timeout)
    CompletionStage<Boolean> shardingUp = FutureConverters.asJava(sharding.apply())
        .thenApply(Boolean.TRUE::equals)
        .exceptionally(failure -> false);
    return database.ping(blocking).thenCombine(shardingUp, (databaseUp, regionsUp) -> new Dependencies(regionsUp,
        databaseUp));
  }
}
