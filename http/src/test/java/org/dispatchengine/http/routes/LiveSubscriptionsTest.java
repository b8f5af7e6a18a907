package org.dispatchengine.http.routes;

import org.dispatchengine.http.testing.Eventually;
import org.dispatchengine.http.testing.NodeExtension;
import org.dispatchengine.http.testing.RunningNode;
import org.dispatchengine.http.testing.WsClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.URI;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Sockets that leave take their live-update subscriptions and their connections with them, as the metrics show. */
class LiveSubscriptionsTest extends FlowSupport {
  @RegisterExtension
  static final NodeExtension NODE = NodeExtension.onH2(Map.of());

  @Override
  RunningNode node() {
    return NODE.node();
  }

  private int subscriptions() {
    return (int) node().metric("dispatch_live_subscriptions");
  }

  private int connections() {
    return (int) node().metric("dispatch_http_connections");
  }

  private WsClient open(String path, String token) throws Exception {
    WsClient client = WsClient.connect(URI.create("ws://127.0.0.1:" + node().node().port() + path),
        Map.of("Authorization", "Bearer " + token));
    client.next(); // the snapshot comes once the stream is subscribed
    return client;
  }

  @Test
  void orderStreamsAndLiveMapsAreCountedWhileOpenAndForgottenWhenTheyClose() throws Exception {
    TestTenant t = tenant("subs-a");
    String customer = t.token("customer", "c1");
    String first = createOrder(customer, "k1", "{\"storeId\":\"s1\",\"dropoff\":" + DROPOFF + "}").json()
        .get("id").asText();
    String second = createOrder(customer, "k2", "{\"storeId\":\"s1\",\"dropoff\":" + DROPOFF + "}").json()
        .get("id").asText();
    assertEquals(0, subscriptions());
    int restConnections = connections();

    List<WsClient> sockets = List.of(open("/v1/ws/orders/" + first, customer),
        open("/v1/ws/orders/" + first, t.key()), open("/v1/ws/orders/" + second, customer),
        open("/v1/ws/admin/live", t.key()));
    assertEquals(4, subscriptions());
    assertEquals(restConnections + 4, connections());

    sockets.forEach(WsClient::close);
    Eventually.await("every subscription forgotten", this::subscriptions, n -> n == 0);
    Eventually.await("every socket's connection closed", this::connections, n -> n == restConnections);
  }
}
