package org.dispatchengine.http;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;
import org.dispatchengine.engine.live.ClusterLiveUpdates;
import org.dispatchengine.engine.tenant.TenantDirectory;
import org.dispatchengine.http.api.Router;
import org.dispatchengine.projections.readmodel.ReadModels;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.stream.StreamSupport;

/** The node's Prometheus registry: JVM, HTTP requests by route template, cluster membership, tenants. */
public final class Metrics extends AllDirectives {
  private static final List<MemberStatus> STATUSES = List.of(
      MemberStatus.joining(), MemberStatus.weaklyUp(), MemberStatus.up(), MemberStatus.leaving(),
      MemberStatus.exiting(), MemberStatus.down());
  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

  public Metrics(ActorSystem<?> system, TenantDirectory directory) {
    new ClassLoaderMetrics().bindTo(registry);
    new JvmMemoryMetrics().bindTo(registry);
    new JvmGcMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);

    Cluster cluster = Cluster.get(system);
    for (MemberStatus status : STATUSES) {
      Gauge.builder("pekko.cluster.members", cluster, c -> StreamSupport
              .stream(c.state().getMembers().spliterator(), false)
              .filter(member -> member.status().equals(status))
              .count())
          .tag("status", status.toString().toLowerCase(Locale.ROOT))
          .description("Cluster members by status, as this node sees them")
          .register(registry);
    }
    Gauge.builder("pekko.cluster.unreachable", cluster, c -> c.state().getUnreachable().size())
        .description("Members this node cannot reach")
        .register(registry);
    Gauge.builder("dispatch.tenants", directory, TenantDirectory::size)
        .description("Tenants known to this node")
        .register(registry);
  }

  /**
   * Times reports from arrival on this node to publication, with percentiles computed here (exported as quantiles),
   * so the benchmark can read the p99 from {@code /metrics}.
   */
  public org.dispatchengine.engine.courier.Courier.PublishTimer courierPublishTimer() {
    Timer timer = latency("dispatch.courier.report.publish", "From a location frame received to its publication")
        .register(registry);
    return nanos -> timer.record(nanos, java.util.concurrent.TimeUnit.NANOSECONDS);
  }

  /** Live-update subscriptions held by this node's sockets: rises and falls with the sockets open here. */
  public void liveSubscriptions(ClusterLiveUpdates live) {
    Gauge.builder("dispatch.live.subscriptions", live, ClusterLiveUpdates::subscriptionsHere)
        .description("Live-update subscriptions of this node's order streams, live maps and courier sockets")
        .register(registry);
  }

  /** Open HTTP connections of this node, WebSockets included. */
  public void httpConnections(NioTransport transport) {
    Gauge.builder("dispatch.http.connections", transport, NioTransport::connections)
        .description("Open HTTP connections of this node, WebSockets included").register(registry);
  }

  /** From a courier's report received by a node to its position frame handed to an order stream's socket. */
  public Timer orderStreamPositionTimer() {
    return latency("dispatch.order.stream.position",
        "From a location report received to its position frame handed to an order stream's socket").register(registry);
  }

  /** From an order asking dispatch for a courier to the offer frame handed to the chosen courier's socket. */
  public Timer dispatchOfferTimer() {
    return latency("dispatch.offer.frame",
        "From an order asking dispatch for a courier to the offer frame handed to the courier's socket")
        .register(registry);
  }

  /** A latency timer with p50, p99 and p99.9 over roughly the last 30 s: what a dashboard or a benchmark wants. */
  private static Timer.Builder latency(String name, String description) {
    return Timer.builder(name)
        .description(description)
        .publishPercentiles(0.5, 0.99, 0.999)
        .distributionStatisticExpiry(Duration.ofSeconds(30))
        .distributionStatisticBufferLength(3);
  }

  /**
   * Per projection instance: events not yet projected and the age of the oldest of them, as of the last probe; and
   * the time from an event's write to its commit in the read model, with percentiles.
   */
  public ReadModels.LatencyRecorder readModels(java.util.function.Supplier<List<ReadModels.Lag>> lastProbe) {
    for (ReadModels.Model model : ReadModels.Model.values()) {
      for (int slice = 0; slice < model.slices; slice++) {
        String key = model.projectionId(slice).key();
        java.util.function.Supplier<java.util.Optional<ReadModels.Lag>> lag = () -> lastProbe.get().stream()
            .filter(probed -> probed.model() == model && probed.key().equals(key))
            .findFirst();
        Gauge.builder("dispatch.projection.events.behind",
                () -> lag.get().map(l -> (double) l.eventsBehind()).orElse(Double.NaN))
            .tag("projection", model.projectionName()).tag("key", key)
            .description("Events of the tag not yet in the read model")
            .register(registry);
        Gauge.builder("dispatch.projection.seconds.behind",
                () -> lag.get().map(ReadModels.Lag::secondsBehind).orElse(Double.NaN))
            .tag("projection", model.projectionName()).tag("key", key)
            .description("Age of the oldest event of the tag not yet in the read model; 0 when caught up")
            .register(registry);
      }
    }
    java.util.Map<ReadModels.Model, Timer> timers = new java.util.EnumMap<>(ReadModels.Model.class);
    for (ReadModels.Model model : ReadModels.Model.values()) {
      timers.put(model, latency("dispatch.projection.latency",
              "From an event written to the journal to its commit in the read model")
          .tag("projection", model.projectionName())
          .register(registry));
    }
    return (model, millis) -> timers.get(model).record(millis, java.util.concurrent.TimeUnit.MILLISECONDS);
  }

  public io.micrometer.core.instrument.MeterRegistry registry() {
    return registry;
  }

  public String scrape() {
    return registry.scrape();
  }

  /** Times every request, labelled by the route template that served it (never the raw path: ids are unbounded). */
  public Route instrument(Route inner) {
    return extractRequest(request -> {
      long start = System.nanoTime();
      Router.MatchedRoute matched = new Router.MatchedRoute();
      return mapRequest(r -> r.addAttribute(Router.MATCHED_ROUTE, matched), () -> mapResponse(response -> {
        Timer.builder("http.server.requests")
            .tag("method", request.method().name())
            .tag("route", matched.template())
            .tag("status", Integer.toString(response.status().intValue()))
            .register(registry)
            .record(System.nanoTime() - start, java.util.concurrent.TimeUnit.NANOSECONDS);
        return response;
      }, () -> inner));
    });
  }
}
