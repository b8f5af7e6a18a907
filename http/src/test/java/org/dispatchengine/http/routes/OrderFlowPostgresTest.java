package org.dispatchengine.http.routes;

import org.dispatchengine.http.testing.RunningNode;
import org.dispatchengine.projections.testing.TestDatabases;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

class OrderFlowPostgresTest extends OrderFlowContract {
  private static TestDatabases.Postgres database;
  private static RunningNode node;

  @BeforeAll
  static void start() throws Exception {
    database = TestDatabases.postgres();
    node = RunningNode.start(database.settings());
  }

  @AfterAll
  static void stop() throws Exception {
    if (node != null) {
      node.close();
    }
    if (database != null) {
      database.close();
    }
  }

  @Override
  RunningNode node() {
    return node;
  }
}
