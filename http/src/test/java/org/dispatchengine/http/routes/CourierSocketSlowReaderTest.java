package org.dispatchengine.http.routes;

import org.dispatchengine.http.testing.Eventually;
import org.dispatchengine.http.testing.NodeExtension;
import org.dispatchengine.http.testing.RunningNode;
import org.dispatchengine.http.testing.RawWsClient;
import org.dispatchengine.http.testing.WsClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.net.URI;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A courier app that stops reading its socket costs its own connection only. */
class CourierSocketSlowReaderTest extends FlowSupport {
  private static final int OUTBOUND_BUFFER = 8;
  @RegisterExtension
  static final NodeExtension NODE = NodeExtension.onH2(Map.of(
      // no rate limit in the way: the app below gets an answer for every frame it sends
      "dispatch.couriers.socket.max-reports-per-second", 100_000,
      "dispatch.couriers.socket.outbound-buffer", OUTBOUND_BUFFER,
      "pekko.http.server.socket-options.so-send-buffer-size", 4096));

  @Override
  RunningNode node() {
    return NODE.node();
  }

  private double latitudeOf(TestTenant t, String courierId) {
    return node().get("/v1/couriers/" + courierId, t.key()).json().path("location").path("lat").asDouble();
  }

  @Test
  @Timeout(60) // were the server to wait for this reader, the app's writes would block for good
  void aCourierAppThatStopsReadingIsDisconnectedAndBlocksNothingElse() throws Exception {
    TestTenant t = tenant("slow-courier");
    onlineCourier(t, "k1", 1);
    onlineCourier(t, "k2", 1);
    WsClient other = WsClient.connect(URI.create("ws://127.0.0.1:" + node().node().port() + "/v1/ws/courier"),
        Map.of("Authorization", "Bearer " + t.token("courier", "k2")));
    try (RawWsClient app = RawWsClient.connect(node().node().port(), "/v1/ws/courier", t.token("courier", "k1"))) {
      // every bad frame is answered with an error frame, which this app never reads
      int sent = 0;
      try {
        for (; sent < 5_000; sent++) {
          app.send("{\"type\":\"nonsense\"}");
        }
      } catch (IOException closedByTheServer) {
        // the server gave up on this connection while it was still sending
      }

      other.send("{\"type\":\"location\",\"lat\":52.5102,\"lon\":13.41}");
      Eventually.await("the other courier's socket is served", () -> latitudeOf(t, "k2"), lat -> lat == 52.5102);
      assertEquals(202, node().post("/v1/couriers/k1/location", t.token("courier", "k1"),
          "{\"lat\":52.5103,\"lon\":13.41}").status());
      Eventually.await("the slow app's courier still takes reports", () -> latitudeOf(t, "k1"),
          lat -> lat == 52.5103);

      int answers = 0;
      Optional<RawWsClient.Frame> frame = app.next(10_000);
      while (frame.isPresent() && !frame.get().isClose()) {
        answers++;
        frame = app.next(10_000);
      }
      assertEquals(Optional.of(1011), frame.map(RawWsClient.Frame::closeCode), "the server closed the connection");
      assertTrue(answers < sent, "the answers that could not be delivered were not kept: " + answers + " of " + sent);
    }
    other.close();
  }
}
