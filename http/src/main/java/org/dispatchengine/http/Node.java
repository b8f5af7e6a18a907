package org.dispatchengine.http;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import org.apache.pekko.Done;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.dispatchengine.engine.ClusterLinks;
import org.dispatchengine.engine.ShardedReminders;
import org.dispatchengine.engine.dispatch.ClusterDispatcherLinks;
import org.dispatchengine.engine.dispatch.RegionRouter;
import org.dispatchengine.engine.dispatch.Dispatcher;
import org.dispatchengine.engine.courier.Courier;
import org.dispatchengine.engine.courier.CourierService;
import org.dispatchengine.engine.courier.CourierViews;
import org.dispatchengine.engine.courier.LocationRules;
import org.dispatchengine.engine.courier.TrackBudget;
import org.dispatchengine.engine.live.ClusterLiveUpdates;
import org.dispatchengine.engine.order.KeyClaim;
import org.dispatchengine.engine.order.Order;
import org.dispatchengine.engine.order.OrderService;
import org.dispatchengine.engine.setup.Definitions;
import org.dispatchengine.engine.setup.SetupKind;
import org.dispatchengine.engine.setup.StoreSpec;
import org.dispatchengine.engine.setup.Zones;
import org.dispatchengine.engine.tenant.Tenant;
import org.dispatchengine.engine.tenant.TenantDirectory;
import org.dispatchengine.engine.tenant.TenantService;
import org.dispatchengine.http.api.Endpoint;
import org.dispatchengine.http.api.ErrorHandling;
import org.dispatchengine.http.api.Json;
import org.dispatchengine.http.api.Router;
import org.dispatchengine.http.auth.Authenticator;
import org.dispatchengine.http.auth.TrackingLinks;
import org.dispatchengine.http.auth.UserTokens;
import org.dispatchengine.http.routes.CourierRoutes;
import org.dispatchengine.http.routes.DocsRoutes;
import org.dispatchengine.http.routes.OsmAndRoutes;
import org.dispatchengine.http.ws.AdminLive;
import org.dispatchengine.http.ws.FrameProtocol;
import org.dispatchengine.http.ws.CourierSocket;
import org.dispatchengine.http.ws.OrderStream;
import org.dispatchengine.http.ws.Origins;
import org.dispatchengine.http.routes.OperationsRoutes;
import org.dispatchengine.http.routes.OrderRoutes;
import org.dispatchengine.http.routes.SettingsRoutes;
import org.dispatchengine.http.routes.SetupApis;
import org.dispatchengine.http.routes.TenantRoutes;
import org.dispatchengine.http.routes.TokenRoutes;
import org.dispatchengine.http.routes.TrackingRoutes;
import org.dispatchengine.projections.db.Database;
import org.dispatchengine.projections.db.DatabaseSettings;
import org.dispatchengine.projections.db.JournalPurge;
import org.dispatchengine.projections.readmodel.CourierQueries;
import org.dispatchengine.projections.readmodel.OrderQueries;
import org.dispatchengine.projections.readmodel.ReadModels;
import org.dispatchengine.projections.readmodel.SearchSweeper;
import org.dispatchengine.projections.readmodel.StatsQueries;
import org.dispatchengine.http.routes.AdminRoutes;
import org.dispatchengine.http.routes.ReadModelRoutes;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Map;
import scala.concurrent.ExecutionContextExecutor;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * One running engine node: schema migrated, actor system in the cluster, entities and per-node views started, HTTP
 * bound. Stopping runs Pekko's coordinated shutdown: unbind, drain in-flight requests, leave the cluster, close the
 * database.
 */
public final class Node {
  private static final Logger log = LoggerFactory.getLogger(Node.class);

  private final ActorSystem<Void> system;
  private final Database database;
  private final NioTransport transport;
  private final List<Endpoint> endpoints;

  private Node(ActorSystem<Void> system, Database database, NioTransport transport, List<Endpoint> endpoints) {
    this.system = system;
    this.database = database;
    this.transport = transport;
    this.endpoints = endpoints;
  }

  /** Starts a node from {@code config} (application.conf or cluster.conf with overrides) and waits for the bind. */
  public static Node start(Config config) throws Exception {
    return start(config, Clock.systemUTC());
  }

  /**
   * As {@link #start(Config)}, with {@code clock} telling the node's own time: credentials' expiry, positions' and
   * ETAs' ages, read-model days and retention. Entities keep the system clock.
   */
  public static Node start(Config config, Clock clock) throws Exception {
    NodeSettings settings = NodeSettings.fromConfig(config);
    if (settings.adminToken().isBlank()) {
      throw new IllegalArgumentException("dispatch.admin-token (DISPATCH_ADMIN_TOKEN) must be set");
    }
    DatabaseSettings databaseSettings = DatabaseSettings.fromConfig(config);
    if (!settings.seedNodes().isEmpty() && databaseSettings.kind() == DatabaseSettings.Kind.H2) {
      // every node would write its own journal, and entities would move between nodes that disagree on their past
      throw new IllegalArgumentException("A cluster needs a shared database: set DISPATCH_DB_URL to a jdbc:postgresql: URL");
    }
    Database database = Database.open(databaseSettings);
    try {
      int applied = database.migrate();
      log.info("Database {} is at the newest schema ({} migrations applied now)", databaseSettings.kind(), applied);
      if (!database.autovacuumOn()) {
        log.warn("PostgreSQL runs with autovacuum off: without statistics the planner guesses and the journal's tables "
            + "are never vacuumed; turn it on (docs/operations.md, Persistence)");
      }
    } catch (RuntimeException e) {
      database.close();
      throw e;
    }

    Config full = databaseSettings.pekkoConfig()
        .withFallback(derivedPekkoConfig(settings))
        .withFallback(config)
        .resolve();
    ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), "dispatch", full);
    try {
      CoordinatedShutdown.get(Adapter.toClassic(system)).addTask(
          CoordinatedShutdown.PhaseBeforeActorSystemTerminate(), "close-database", () -> {
            database.close();
            return CompletableFuture.completedFuture(Done.getInstance());
          });
      Cluster cluster = Cluster.get(system);
      if (settings.seedNodes().isEmpty()) {
        cluster.manager().tell(Join.create(cluster.selfMember().address()));
      }

      Tenant.init(system, Tenant.Settings.fromConfig(full));
      TenantDirectory directory = new TenantDirectory();
      directory.feed(system);
      TenantService tenants = new TenantService(system, directory, settings.askTimeout());
      Zones zones = new Zones(full.getInt("dispatch.engine.zones.max-vertices"));
      zones.start(system, settings.askTimeout());
      Definitions<StoreSpec> stores = new Definitions<>(SetupKind.STORE);
      stores.start(system, settings.askTimeout());
      Metrics metrics = new Metrics(system, directory);
      ClusterLiveUpdates live = ClusterLiveUpdates.get(system);
      metrics.liveSubscriptions(live);
      ClusterLinks links = new ClusterLinks(system);
      RegionRouter dispatchers = new RegionRouter(zones, links::dispatcher);
      Order.init(system, new Order.Links(live, links, dispatchers,
          new ShardedReminders<>(system, Order.ENTITY_KEY)));
      Courier.init(system, locationSettings(full),
          new TrackBudget(full.getDouble("dispatch.engine.couriers.max-samples-per-second"),
              full.getInt("dispatch.engine.couriers.max-samples-writing")),
          new Courier.Links(live, links, dispatchers, new ShardedReminders<>(system, Courier.ENTITY_KEY),
              metrics.courierPublishTimer()));
      CourierService couriers = new CourierService(system, settings.askTimeout());
      CourierViews courierViews = new CourierViews();
      courierViews.start(system);
      Dispatcher.init(system, new ClusterDispatcherLinks(links, zones, courierViews));
      Duration claimRetention = full.getDuration("dispatch.engine.orders.idempotency-retention");
      KeyClaim.init(system, claimRetention);
      schedulePurge(system, database, claimRetention, full.getDuration("dispatch.engine.orders.purge-interval"));
      OrderService orders = new OrderService(system, directory, zones, stores, couriers, settings.askTimeout());
      OrderQueries orderQueries = new OrderQueries(database.dataSource());
      ReadModels readModels = startReadModels(system, database, orderQueries, metrics,
          full.getConfig("dispatch.read-models"), clock);

      Json json = new Json(system);
      UserTokens userTokens = new UserTokens(settings.tokens(), clock);
      Authenticator auth = new Authenticator(directory, userTokens, settings.adminToken());

      List<Endpoint> endpoints = new ArrayList<>();
      endpoints.addAll(new OperationsRoutes(system, json, database, metrics,
          Map.of("tenants", directory, "zones", zones, "stores", stores, "couriers", courierViews)).endpoints());
      endpoints.addAll(new DocsRoutes().endpoints());
      endpoints.addAll(new TenantRoutes(json, settings.bodyReadTimeout(), tenants, auth).endpoints());
      endpoints.addAll(new TokenRoutes(json, settings.bodyReadTimeout(), directory, userTokens, auth).endpoints());
      endpoints.addAll(new SettingsRoutes(json, settings.bodyReadTimeout(), tenants, auth).endpoints());
      endpoints.addAll(SetupApis.zoneRoutes(json, settings.bodyReadTimeout(), zones, auth).endpoints());
      endpoints.addAll(SetupApis.storeRoutes(json, settings.bodyReadTimeout(), stores, auth).endpoints());
      endpoints.addAll(new OrderRoutes(json, settings.bodyReadTimeout(), orders, auth, new OrderRoutes.Limits(
          full.getInt("dispatch.orders.max-items"), full.getInt("dispatch.orders.max-notes-length"))).endpoints());
      endpoints.addAll(new CourierRoutes(json, settings.bodyReadTimeout(), couriers, auth, clock).endpoints());
      TrackingLinks trackingLinks = new TrackingLinks(settings.tokens().issuer(), clock);
      endpoints.addAll(new TrackingRoutes(json, settings.bodyReadTimeout(), orders, couriers, directory,
          trackingLinks, auth, clock).endpoints());
      endpoints.addAll(new OsmAndRoutes(json, settings.bodyReadTimeout(), couriers, auth, clock).endpoints());
      CourierSocket.Settings courierSocket = socketSettings(full);
      endpoints.addAll(new CourierSocket(system, json, auth, couriers, live, courierSocket, clock,
          new CourierSocket.Meters(metrics.registry(), metrics.dispatchOfferTimer())).endpoints());
      int streamBuffer = full.getInt("dispatch.orders.stream.outbound-buffer");
      // order streams and the live map: their clients only listen, so silence never closes them
      FrameProtocol.Settings listeners = new FrameProtocol.Settings(courierSocket.protocol().maxMessageBytes(), null,
          courierSocket.protocol().keepAlive());
      endpoints.addAll(new OrderStream(json, auth, orders, couriers, directory, trackingLinks, live,
          new OrderStream.Settings(streamBuffer, courierSocket.origins(), listeners,
              metrics.orderStreamPositionTimer()), clock).endpoints());
      endpoints.addAll(new AdminLive(json, auth, courierViews, live, streamBuffer, courierSocket.origins(),
          listeners).endpoints());
      endpoints.addAll(new AdminRoutes(system, json, auth, orderQueries,
          new CourierQueries(database.dataSource(), clock), new StatsQueries(database.dataSource()),
          clock).endpoints());
      endpoints.addAll(new ReadModelRoutes(system, json, auth, readModels).endpoints());
      Router router = new Router(endpoints);
      Route route = metrics.instrument(new ErrorHandling(json).wrap(router.route()));

      NioTransport transport = NioTransport.bind(system, route.flow(system), settings.httpInterface(),
          settings.httpPort());
      transport.addToCoordinatedShutdown(settings.shutdownDeadline(), system);
      metrics.httpConnections(transport);
      log.info("Dispatch engine listening on {}", transport.localAddress());
      return new Node(system, database, transport, router.endpoints());
    } catch (Exception e) {
      system.terminate();
      throw e;
    }
  }

  private static LocationRules.Settings locationSettings(Config config) {
    Config c = config.getConfig("dispatch.engine.couriers");
    return new LocationRules.Settings(c.getDuration("sample-every"), c.getDouble("sample-meters"),
        c.getDouble("max-speed-kmh") / 3.6, c.getDouble("arrival-radius-meters"), c.getDuration("live-conflation"),
        c.getDuration("dispatch-refresh"), c.getDouble("dispatch-move-meters"));
  }

  private static CourierSocket.Settings socketSettings(Config config) {
    Config c = config.getConfig("dispatch.couriers.socket");
    List<String> origins = Arrays.stream(c.getString("allowed-origins").split(","))
        .map(String::trim).filter(origin -> !origin.isEmpty()).toList();
    FrameProtocol.Settings protocol = new FrameProtocol.Settings((int) c.getBytes("max-frame-size").longValue(),
        c.getDuration("idle-timeout"), config.getDuration("pekko.http.server.websocket.periodic-keep-alive-max-idle"));
    return new CourierSocket.Settings(protocol, c.getDouble("max-reports-per-second"), c.getInt("max-in-flight"),
        c.getDuration("lost-report-timeout"), c.getInt("outbound-buffer"), new Origins(origins));
  }

  /**
   * Starts the projections and their upkeep: the lag probe behind the metrics, the purge of old track points, and
   * the sweeper that wakes orders searching for a courier after a restart.
   */
  private static ReadModels startReadModels(ActorSystem<?> system, Database database, OrderQueries orders,
      Metrics metrics, Config config, Clock clock) throws SQLException {
    ReadModels readModels = new ReadModels(system, database, new ReadModels.Settings(config.getInt("group-size"),
        config.getDuration("group-within"), config.getDuration("track-retention")), clock);
    AtomicReference<List<ReadModels.Lag>> lastProbe = new AtomicReference<>(List.of());
    readModels.start(metrics.readModels(lastProbe::get));
    every(system, Duration.ZERO, config.getDuration("lag-probe-interval"), "Measuring projection lag",
        () -> lastProbe.set(readModels.lag()));
    Duration purgeEvery = config.getDuration("track-purge-interval");
    every(system, purgeEvery, purgeEvery, "Purging old track points",
        () -> log.debug("Purged {} track points past their retention", readModels.purgeTrack()));
    Config sweep = config.getConfig("search-sweep");
    SearchSweeper.start(system, orders, new SearchSweeper.Settings(
        sweep.getDuration("every"), sweep.getInt("batch"), sweep.getInt("per-second")));
    return readModels;
  }

  /** Deletes expired idempotency claims from the journal now and then. */
  private static void schedulePurge(ActorSystem<?> system, Database database, Duration retention, Duration interval) {
    every(system, interval, interval, "Purging expired idempotency claims", () -> log.debug(
        "Purged {} expired idempotency claims",
        JournalPurge.purge(database.dataSource(), KeyClaim.ENTITY_KEY.name(), Instant.now().minus(retention))));
  }

  @FunctionalInterface
  private interface DatabaseTask {
    void run() throws SQLException;
  }

  /** Runs database upkeep periodically on the blocking dispatcher; a failed run is logged and the next one retries. */
  private static void every(ActorSystem<?> system, Duration first, Duration interval, String what, DatabaseTask task) {
    ExecutionContextExecutor blocking = system.dispatchers().lookup(DispatcherSelector.blocking());
    system.scheduler().scheduleWithFixedDelay(first, interval, () -> {
      try {
        task.run();
      } catch (SQLException e) {
        log.warn("{} failed; the next run retries", what, e);
      }
    }, blocking);
  }

  /** Pekko settings that follow from ours, so that each value is configured in one place only. */
  private static Config derivedPekkoConfig(NodeSettings settings) {
    List<String> entityTypes = new ArrayList<>(List.of(Tenant.ENTITY_KEY.name(), Order.ENTITY_KEY.name(),
        Courier.ENTITY_KEY.name(), Dispatcher.ENTITY_KEY.name(), KeyClaim.ENTITY_KEY.name()));
    for (SetupKind kind : SetupKind.values()) {
      entityTypes.add(kind.entityKey().name());
    }
    Config derived = ConfigFactory.empty()
        .withValue("pekko.http.server.parsing.max-content-length",
            ConfigValueFactory.fromAnyRef(settings.maxBodyBytes()))
        // readiness waits for every entity type's region to have registered with the shard coordinator
        .withValue("pekko.cluster.sharding.healthcheck.names", ConfigValueFactory.fromIterable(entityTypes));
    return settings.seedNodes().isEmpty()
        ? derived
        : derived.withValue("pekko.cluster.seed-nodes", ConfigValueFactory.fromIterable(settings.seedNodes()));
  }

  public ActorSystem<Void> system() {
    return system;
  }

  /** The node's own pool, which projections and read-model queries use. */
  public Database database() {
    return database;
  }

  public int port() {
    return transport.localAddress().getPort();
  }

  public List<Endpoint> endpoints() {
    return endpoints;
  }

  /** Runs the coordinated shutdown; completes when the actor system has terminated. */
  public CompletionStage<Done> stop() {
    return CoordinatedShutdown.get(Adapter.toClassic(system))
        .runAll(CoordinatedShutdown.unknownReason())
        .thenCompose(done -> system.getWhenTerminated());
  }
}
