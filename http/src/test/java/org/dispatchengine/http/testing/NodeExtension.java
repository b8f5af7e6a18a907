package org.dispatchengine.http.testing;

import org.dispatchengine.projections.db.DatabaseSettings;
import org.dispatchengine.projections.testing.TestDatabases;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.Map;

/**
 * One running node per test class, on a fresh H2 file or a fresh PostgreSQL database (dropped afterwards):
 * {@code @RegisterExtension static final NodeExtension NODE = NodeExtension.onPostgres();}.
 */
public final class NodeExtension implements BeforeAllCallback, AfterAllCallback {
  private final boolean postgres;
  private final Map<String, Object> overrides;
  private final Clock clock;
  private TestDatabases.Postgres database;
  private RunningNode node;

  private NodeExtension(boolean postgres, Map<String, Object> overrides, Clock clock) {
    this.postgres = postgres;
    this.overrides = overrides;
    this.clock = clock;
  }

  public static NodeExtension onH2(Map<String, Object> overrides) {
    return onH2(overrides, Clock.systemUTC());
  }

  /** A node on H2 whose own time is {@code clock} (see {@code Node.start(Config, Clock)}). */
  public static NodeExtension onH2(Map<String, Object> overrides, Clock clock) {
    return new NodeExtension(false, overrides, clock);
  }

  public static NodeExtension onPostgres(Map<String, Object> overrides) {
    return new NodeExtension(true, overrides, Clock.systemUTC());
  }

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    DatabaseSettings settings;
    if (postgres) {
      database = TestDatabases.postgres();
      settings = database.settings();
    } else {
      settings = TestDatabases.h2();
    }
    node = RunningNode.start(settings, overrides, clock);
  }

  @Override
  public void afterAll(ExtensionContext context) throws Exception {
    try {
      if (node != null) {
        node.close();
      }
    } finally {
      if (database != null) {
        database.close();
      }
    }
  }

  public RunningNode node() {
    return node;
  }

  /** Runs one SQL statement on the node's database, beside the node's own work, as an operator or an outage would. */
  public void execute(String sql) throws SQLException {
    try (Connection connection = node.node().database().dataSource().getConnection();
         Statement statement = connection.createStatement()) {
      statement.execute(sql);
    }
  }
}
