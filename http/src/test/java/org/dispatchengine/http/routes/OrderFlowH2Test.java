package org.dispatchengine.http.routes;

import org.dispatchengine.http.testing.RunningNode;
import org.dispatchengine.projections.testing.TestDatabases;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

class OrderFlowH2Test extends OrderFlowContract {
  private static RunningNode node;

  @BeforeAll
  static void start() throws Exception {
    node = RunningNode.start(TestDatabases.h2());
  }

  @AfterAll
  static void stop() throws Exception {
    node.close();
  }

  @Override
  RunningNode node() {
    return node;
  }
}
