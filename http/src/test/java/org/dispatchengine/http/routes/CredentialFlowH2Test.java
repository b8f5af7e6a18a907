package org.dispatchengine.http.routes;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import org.dispatchengine.http.api.Endpoint;
import org.dispatchengine.http.testing.RunningNode;
import org.dispatchengine.http.testing.NodeExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;

class CredentialFlowH2Test extends CredentialFlowContract {
  @RegisterExtension
  static final NodeExtension NODE = NodeExtension.onH2(Map.of("dispatch.http.max-body-size", MAX_BODY_BYTES));

  @Override
  RunningNode node() {
    return NODE.node();
  }

  @Test
  void everyBoundRouteIsInTheOpenApiDocumentAndNothingElse() throws Exception {
    Set<String> bound = new TreeSet<>();
    for (Endpoint endpoint : node().node().endpoints()) {
      if (endpoint.documented()) {
        bound.add(endpoint.method().name() + " " + endpoint.path().openApiPath());
      }
    }
    JsonNode spec = new ObjectMapper(new YAMLFactory())
        .readTree(getClass().getClassLoader().getResource("openapi/openapi.yaml"));
    Set<String> documented = new TreeSet<>();
    spec.get("paths").fields().forEachRemaining(path -> path.getValue().fieldNames().forEachRemaining(method -> {
      if (Set.of("get", "put", "post", "delete", "patch").contains(method)) {
        documented.add(method.toUpperCase(Locale.ROOT) + " " + path.getKey());
      }
    }));
    assertEquals(documented, bound);
  }
}
