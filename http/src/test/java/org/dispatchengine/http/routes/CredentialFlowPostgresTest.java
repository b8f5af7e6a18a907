package org.dispatchengine.http.routes;

import org.dispatchengine.http.testing.NodeExtension;
import org.dispatchengine.http.testing.RunningNode;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.Map;

class CredentialFlowPostgresTest extends CredentialFlowContract {
  @RegisterExtension
  static final NodeExtension NODE = NodeExtension.onPostgres(Map.of("dispatch.http.max-body-size", MAX_BODY_BYTES));

  @Override
  RunningNode node() {
    return NODE.node();
  }
}
