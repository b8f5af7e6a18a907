package org.dispatchengine.http.persistence;

import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.persistence.query.Offset;
import org.apache.pekko.projection.ProjectionBehavior;
import org.apache.pekko.projection.ProjectionId;
import org.apache.pekko.projection.eventsourced.EventEnvelope;
import org.apache.pekko.projection.eventsourced.javadsl.EventSourcedProvider;
import org.apache.pekko.projection.javadsl.SourceProvider;
import org.apache.pekko.projection.jdbc.javadsl.JdbcHandler;
import org.apache.pekko.projection.jdbc.javadsl.JdbcProjection;
import org.dispatchengine.engine.EventTags;
import org.dispatchengine.engine.tenant.Tenant;
import org.dispatchengine.http.testing.Eventually;
import org.dispatchengine.http.testing.RunningNode;
import org.dispatchengine.projections.db.DataSourceJdbcSession;
import org.dispatchengine.projections.db.DatabaseSettings;
import org.dispatchengine.projections.testing.TestDatabases;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The projections infrastructure as read models will use it: an exactly-once JDBC projection over tagged events,
 * with its offset in the migrated offset table, committed in the same transaction as the row it writes. A restart
 * continues after the last committed offset: no event is lost, none is applied twice (the primary key would refuse
 * a second insert and stall the projection).
 */
class ProjectionInfrastructureTest {

  @Test
  void exactlyOnceProjectionOnH2() throws Exception {
    projectsEveryEventOnceAcrossARestart(TestDatabases.h2());
  }

  @Test
  void exactlyOnceProjectionOnPostgres() throws Exception {
    try (TestDatabases.Postgres postgres = TestDatabases.postgres()) {
      projectsEveryEventOnceAcrossARestart(postgres.settings());
    }
  }

  /** Writes one row per created tenant. */
  private static final class TenantNames extends JdbcHandler<EventEnvelope<Tenant.Event>, DataSourceJdbcSession> {
    @Override
    public void process(DataSourceJdbcSession session, EventEnvelope<Tenant.Event> envelope) throws Exception {
      if (envelope.event() instanceof Tenant.TenantCreated created) {
        session.withConnection(connection -> {
          try (PreparedStatement insert =
                   connection.prepareStatement("INSERT INTO test_tenant_names (tenant_id, name) VALUES (?, ?)")) {
            insert.setString(1, created.tenantId());
            insert.setString(2, created.name());
            return insert.executeUpdate();
          }
        });
      }
    }
  }

  private static void projectsEveryEventOnceAcrossARestart(DatabaseSettings database) throws Exception {
    try (RunningNode node = RunningNode.start(database)) {
      ActorSystem<Void> system = node.node().system();
      DataSource dataSource = node.node().database().dataSource();
      execute(dataSource, "CREATE TABLE test_tenant_names (tenant_id VARCHAR(64) PRIMARY KEY, name VARCHAR(200))");
      node.createTenant("proj-a");
      node.createTenant("proj-b");

      ActorRef<ProjectionBehavior.Command> first = start(system, dataSource, "first");
      awaitCount(dataSource, "SELECT count(*) FROM test_tenant_names", 2);
      awaitCount(dataSource, "SELECT count(*) FROM \"pekko_projection_offset_store\" WHERE \"projection_name\" = 'test-tenant-names'", 1);
      TestProbe<Object> probe = TestProbe.create(system);
      first.tell(ProjectionBehavior.stopMessage());
      probe.expectTerminated(first, Duration.ofSeconds(10));

      node.createTenant("proj-c");
      start(system, dataSource, "second");
      awaitCount(dataSource, "SELECT count(*) FROM test_tenant_names WHERE tenant_id = 'proj-c'", 1);
      assertEquals(3, count(dataSource, "SELECT count(*) FROM test_tenant_names"));
    }
  }

  private static ActorRef<ProjectionBehavior.Command> start(ActorSystem<Void> system, DataSource dataSource, String name) {
    String tag = EventTags.tag(Tenant.TAG_TYPE, 0);
    SourceProvider<Offset, EventEnvelope<Tenant.Event>> source =
        EventSourcedProvider.eventsByTag(system, "jdbc-read-journal", tag);
    var projection = JdbcProjection.exactlyOnce(
        ProjectionId.of("test-tenant-names", tag), source,
        () -> new DataSourceJdbcSession(dataSource), TenantNames::new, system);
    return system.systemActorOf(ProjectionBehavior.create(projection), "test-projection-" + name, Props.empty());
  }

  private static void awaitCount(DataSource dataSource, String sql, int expected) {
    Eventually.await(sql + " = " + expected, () -> count(dataSource, sql), n -> n == expected);
  }

  private static long count(DataSource dataSource, String sql) {
    try {
      return TestDatabases.queryLong(dataSource, sql);
    } catch (java.sql.SQLException e) {
      throw new IllegalStateException(sql, e);
    }
  }

  private static void execute(DataSource dataSource, String sql) throws Exception {
    try (Connection connection = dataSource.getConnection()) {
      connection.createStatement().execute(sql);
    }
  }
}
