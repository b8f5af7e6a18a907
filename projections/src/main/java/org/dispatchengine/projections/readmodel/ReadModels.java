package org.dispatchengine.projections.readmodel;

import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.cluster.sharding.typed.ShardedDaemonProcessSettings;
import org.apache.pekko.cluster.sharding.typed.javadsl.ShardedDaemonProcess;
import org.apache.pekko.persistence.query.Offset;
import org.apache.pekko.projection.HandlerRecoveryStrategy;
import org.apache.pekko.projection.ProjectionBehavior;
import org.apache.pekko.projection.ProjectionId;
import org.apache.pekko.projection.StatusObserver;
import org.apache.pekko.projection.eventsourced.EventEnvelope;
import org.apache.pekko.projection.eventsourced.javadsl.EventSourcedProvider;
import org.apache.pekko.projection.javadsl.ProjectionManagement;
import org.apache.pekko.projection.javadsl.SourceProvider;
import org.apache.pekko.projection.jdbc.javadsl.JdbcHandler;
import org.apache.pekko.projection.jdbc.javadsl.JdbcProjection;
import org.dispatchengine.engine.EventTags;
import org.dispatchengine.engine.courier.Courier;
import org.dispatchengine.engine.order.Order;
import org.dispatchengine.projections.db.DataSourceJdbcSession;
import org.dispatchengine.projections.db.Database;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.Function;
import java.util.function.IntFunction;

/**
 * The read-model projections: one exactly-once JDBC projection per event tag, each run as an instance of a sharded
 * daemon process so that the instances spread over the cluster and move when a node leaves. Also rebuilds a read
 * model from the journal, measures how far each instance is behind, and purges old track points.
 */
public final class ReadModels {
  private static final Logger log = LoggerFactory.getLogger(ReadModels.class);

  /** A read model: the projection that feeds it, the tag it reads, and the tables it owns. */
  public enum Model {
    ORDERS("orders", Order.TAG_TYPE, Order.TAG_SLICES, OrderReadModel.TABLES),
    COURIERS("couriers", Courier.TAG_TYPE, Courier.TAG_SLICES, CourierReadModel.TABLES);

    public final String wireName;
    final String tagType;
    public final int slices;
    final List<String> tables;

    Model(String wireName, String tagType, int slices, List<String> tables) {
      this.wireName = wireName;
      this.tagType = tagType;
      this.slices = slices;
      this.tables = tables;
    }

    public String projectionName() {
      return wireName + "-read-model";
    }

    public ProjectionId projectionId(int slice) {
      return ProjectionId.of(projectionName(), EventTags.tag(tagType, slice));
    }

    public static java.util.Optional<Model> of(String wireName) {
      for (Model model : values()) {
        if (model.wireName.equals(wireName)) {
          return java.util.Optional.of(model);
        }
      }
      return java.util.Optional.empty();
    }
  }

  /**
   * @param groupSize most events written in one transaction
   * @param groupWithin longest an event waits for its group to fill; bounds the added latency under light load
   */
  public record Settings(int groupSize, Duration groupWithin, Duration trackRetention) {}

  /** Told how long each event took from its write to the journal to its commit in a read model. */
  @FunctionalInterface
  public interface LatencyRecorder {
    void record(Model model, long millis);
  }

  /**
   * How far one projection instance is behind the journal.
   *
   * @param secondsBehind age of the oldest event not yet projected; 0 when there is none
   */
  public record Lag(Model model, String key, long eventsBehind, double secondsBehind) {}

  private final ActorSystem<?> system;
  private final Database database;
  private final Settings settings;
  private final Clock clock;
  private final Executor blocking;

  public ReadModels(ActorSystem<?> system, Database database, Settings settings, Clock clock) {
    this.system = system;
    this.database = database;
    this.settings = settings;
    this.clock = clock;
    this.blocking = system.dispatchers().lookup(DispatcherSelector.blocking());
  }

  /** Starts every read model's projections (each node calls this; sharding runs every instance once). */
  public void start(LatencyRecorder latency) throws SQLException {
    forgetPauses();
    init(Model.ORDERS, latency, OrderReadModel::new);
    init(Model.COURIERS, latency, slice -> new CourierReadModel(settings.trackRetention(), clock));
  }

  private <E> void init(Model model, LatencyRecorder latency,
      IntFunction<JdbcHandler<List<EventEnvelope<E>>, DataSourceJdbcSession>> handler) {
    String pluginId = system.settings().config().getString("dispatch.engine.read-journal-plugin");
    IntFunction<Behavior<ProjectionBehavior.Command>> behavior = slice -> {
      ProjectionId id = model.projectionId(slice);
      SourceProvider<Offset, EventEnvelope<E>> source = EventSourcedProvider.eventsByTag(system, pluginId, id.key());
      return ProjectionBehavior.create(JdbcProjection.groupedWithin(id, source,
              () -> new DataSourceJdbcSession(database.dataSource()), () -> handler.apply(slice), system)
          .withGroup(settings.groupSize(), settings.groupWithin())
          .withRecoveryStrategy(HandlerRecoveryStrategy.fail())
          .withRestartBackoff(Duration.ofMillis(500), Duration.ofSeconds(30), 0.2)
          .withStatusObserver(new Observer<>(model, latency, clock)));
    };
    ShardedDaemonProcess.get(system).init(ProjectionBehavior.Command.class, model.projectionName(), model.slices,
        behavior, ShardedDaemonProcessSettings.create(system), java.util.Optional.of(ProjectionBehavior.stopMessage()));
  }

  /**
   * A rebuild pauses the projections and resumes them when done; a node that stopped in between would leave them
   * paused for good. Nothing else pauses them, so a start clears what a broken rebuild left. The rebuild dropped the
   * rows and the offsets in one transaction, so the read model is consistent either way.
   */
  private void forgetPauses() throws SQLException {
    try (Connection connection = database.dataSource().getConnection();
         PreparedStatement delete = connection.prepareStatement(
             "DELETE FROM \"pekko_projection_management\" WHERE \"projection_name\" = ?")) {
      for (Model model : Model.values()) {
        delete.setString(1, model.projectionName());
        delete.executeUpdate();
      }
    }
  }

  /**
   * Rebuilds {@code model} from the journal while the node keeps running: pauses its projection instances, deletes
   * its rows and offsets in one transaction, and resumes them, which replays every event from the start. Queries
   * see a partial model until the replay has caught up (its lag says when).
   */
  public CompletionStage<Done> rebuild(Model model) {
    ProjectionManagement management = ProjectionManagement.get(system);
    return forEachInstance(model, management::pause)
        .thenApplyAsync(paused -> {
          drop(model);
          return paused;
        }, blocking)
        .thenCompose(dropped -> forEachInstance(model, management::resume))
        .whenComplete((done, failure) -> {
          if (failure == null) {
            log.info("Read model {} dropped; its projections replay the journal", model.wireName);
          } else {
            log.warn("Rebuilding read model {} failed; run it again", model.wireName, failure);
          }
        });
  }

  private static CompletionStage<Done> forEachInstance(Model model,
      Function<ProjectionId, CompletionStage<Done>> operation) {
    List<CompletableFuture<Done>> all = new ArrayList<>();
    for (int slice = 0; slice < model.slices; slice++) {
      all.add(operation.apply(model.projectionId(slice)).toCompletableFuture());
    }
    return CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).thenApply(done -> Done.getInstance());
  }

  private void drop(Model model) {
    try (Connection connection = database.dataSource().getConnection()) {
      connection.setAutoCommit(false);
      try (Statement statement = connection.createStatement();
           PreparedStatement offsets = connection.prepareStatement(
               "DELETE FROM \"pekko_projection_offset_store\" WHERE \"projection_name\" = ?")) {
        for (String table : model.tables) {
          statement.executeUpdate("DELETE FROM \"" + table + "\"");
        }
        offsets.setString(1, model.projectionName());
        offsets.executeUpdate();
        connection.commit();
      } catch (SQLException e) {
        connection.rollback();
        throw e;
      }
    } catch (SQLException e) {
      throw new IllegalStateException("Dropping read model " + model.wireName + " failed", e);
    }
  }

  /** How far every projection instance is behind, from the offset table and the journal; blocking. */
  public List<Lag> lag() throws SQLException {
    List<Lag> lags = new ArrayList<>();
    try (Connection connection = database.dataSource().getConnection();
         PreparedStatement offsets = connection.prepareStatement("SELECT \"projection_key\", \"current_offset\" "
             + "FROM \"pekko_projection_offset_store\" WHERE \"projection_name\" = ?");
         PreparedStatement behind = connection.prepareStatement("SELECT COUNT(*), MIN(j.\"write_timestamp\") "
             + "FROM \"event_tag\" t JOIN \"event_journal\" j ON j.\"ordering\" = t.\"event_id\" "
             + "WHERE t.\"tag\" = ? AND t.\"event_id\" > ?")) {
      long now = clock.millis();
      for (Model model : Model.values()) {
        Map<String, Long> committed = new HashMap<>();
        offsets.setString(1, model.projectionName());
        try (ResultSet rs = offsets.executeQuery()) {
          while (rs.next()) {
            committed.put(rs.getString(1), Long.parseLong(rs.getString(2)));
          }
        }
        for (int slice = 0; slice < model.slices; slice++) {
          String key = model.projectionId(slice).key();
          behind.setString(1, key);
          behind.setLong(2, committed.getOrDefault(key, 0L));
          try (ResultSet rs = behind.executeQuery()) {
            rs.next();
            long events = rs.getLong(1);
            long oldest = rs.getLong(2);
            double seconds = rs.wasNull() ? 0 : Math.max(0, now - oldest) / 1000.0;
            lags.add(new Lag(model, key, events, seconds));
          }
        }
      }
    }
    return lags;
  }

  /** Deletes track points older than the retention period; blocking. */
  public int purgeTrack() throws SQLException {
    try (Connection connection = database.dataSource().getConnection();
         PreparedStatement delete = connection.prepareStatement("DELETE FROM \"courier_track\" WHERE \"at\" < ?")) {
      Sql.setInstant(delete, 1, clock.instant().minus(settings.trackRetention()));
      return delete.executeUpdate();
    }
  }

  /** Records each event's journal-to-read-model latency once its group is committed. */
  private static final class Observer<E> extends StatusObserver<EventEnvelope<E>> {
    private final Model model;
    private final LatencyRecorder latency;
    private final Clock clock;

    Observer(Model model, LatencyRecorder latency, Clock clock) {
      this.model = model;
      this.latency = latency;
      this.clock = clock;
    }

    @Override
    public void afterProcess(ProjectionId id, EventEnvelope<E> envelope) {
      latency.record(model, Math.max(0, clock.millis() - envelope.timestamp()));
    }

    @Override
    public void started(ProjectionId id) {}

    @Override
    public void failed(ProjectionId id, Throwable cause) {
      log.warn("Projection {} failed; it restarts from its last committed offset", id, cause);
    }

    @Override
    public void stopped(ProjectionId id) {}

    @Override
    public void beforeProcess(ProjectionId id, EventEnvelope<E> envelope) {}

    @Override
    public void offsetProgress(ProjectionId id, EventEnvelope<E> envelope) {}

    @Override
    public void error(ProjectionId id, EventEnvelope<E> envelope, Throwable cause, HandlerRecoveryStrategy strategy) {}
  }
}
