package org.dispatchengine.http.testing;

import org.dispatchengine.projections.db.DatabaseSettings;
import org.dispatchengine.projections.testing.TestDatabases;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.util.Map;

/**
 * One running node per test class, on a fresh H2 file or a fresh PostgreSQL database (dropped afterwards):
 * {@code @RegisterExtension static final NodeExtension NODE = NodeExtension.onPostgres();}.
 */
public final class NodeExtension implements BeforeAllCallback, AfterAllCallback {
  private final boolean postgres;
  private final Map<String, Object> overrides;
  private TestDatabases.Postgres database;
  private RunningNode node;

  private NodeExtension(boolean postgres, Map<String, Object> overrides) {
    this.postgres = postgres;
    this.overrides = overrides;
  }

  public static NodeExtension onH2(Map<String, Object> overrides) {
    return new NodeExtension(false, overrides);
  }

  public static NodeExtension onPostgres(Map<String, Object> overrides) {
    return new NodeExtension(true, overrides);
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
    node = RunningNode.start(settings, overrides);
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
}
