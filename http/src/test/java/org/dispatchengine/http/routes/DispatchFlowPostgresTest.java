package org.dispatchengine.http.routes;

import org.dispatchengine.http.testing.NodeExtension;
import org.dispatchengine.http.testing.RunningNode;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.Map;

class DispatchFlowPostgresTest extends DispatchFlowContract {
  @RegisterExtension
  static final NodeExtension NODE = NodeExtension.onPostgres(Map.of());

  @Override
  RunningNode node() {
    return NODE.node();
  }
}
