package org.dispatchengine.http.routes;

import org.dispatchengine.http.testing.NodeExtension;
import org.dispatchengine.http.testing.RunningNode;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.Map;

class DispatchFlowH2Test extends DispatchFlowContract {
  @RegisterExtension
  static final NodeExtension NODE = NodeExtension.onH2(Map.of());

  @Override
  RunningNode node() {
    return NODE.node();
  }
}
