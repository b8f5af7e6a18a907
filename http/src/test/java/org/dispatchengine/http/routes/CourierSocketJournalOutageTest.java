package org.dispatchengine.http.routes;

import org.dispatchengine.http.testing.Eventually;
import org.dispatchengine.http.testing.NodeExtension;
import org.dispatchengine.http.testing.RunningNode;
import org.dispatchengine.http.testing.WsClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.URI;
import java.time.Instant;
import java.util.Map;


/**
 * A journal that refuses writes fails each courier write, and the report behind it is never answered. The connection
 * must not count such reports as under way forever (it would drop every later report): once the journal takes writes
 * again, the same connection's positions reach the courier again.
 */
class CourierSocketJournalOutageTest extends FlowSupport {
  @RegisterExtension
  static final NodeExtension NODE = NodeExtension.onH2(Map.of(
      // every trusted report is written to the track, so every report waits for the journal
      "dispatch.engine.couriers.sample-every", "0s",
      "dispatch.engine.couriers.max-samples-per-second", 1000,
      "dispatch.couriers.socket.max-reports-per-second", 20,
      "dispatch.couriers.socket.lost-report-timeout", "1s",
      "jdbc-journal.circuit-breaker.reset-timeout", "1s"));

  @Override
  RunningNode node() {
    return NODE.node();
  }

  /** Makes the journal refuse every new event while it still reads the old ones, as a full disk would. */
  private void journalRefusesWrites(boolean refuses) throws Exception {
    NODE.execute(refuses
        ? "ALTER TABLE \"event_journal\" ADD CONSTRAINT \"outage\" CHECK (\"sequence_number\" < 0) NOCHECK"
        : "ALTER TABLE \"event_journal\" DROP CONSTRAINT \"outage\"");
  }

  private static String location(double lat) {
    return "{\"type\":\"location\",\"lat\":" + lat + ",\"lon\":13.4,\"at\":\"" + Instant.now() + "\"}";
  }

  private double courierLat(TestTenant t) {
    return node().get("/v1/couriers/k1", t.key()).json().path("location").path("lat").asDouble();
  }

  @Test
  void reportsLostInAFailedCourierDoNotBlockTheConnection() throws Exception {
    TestTenant t = tenant("outage");
    onlineCourier(t, "k1", 1);
    WsClient kim = WsClient.connect(
        URI.create("ws://127.0.0.1:" + node().node().port() + "/v1/ws/courier"),
        Map.of("Authorization", "Bearer " + t.token("courier", "k1")));
    kim.send(location(52.5));
    Eventually.await("the first report", () -> courierLat(t), lat -> lat == 52.5);

    // each report moves the courier a metre: trusted, and written to the track
    double[] lat = {52.5};
    String lost = "dispatch_courier_socket_lost_total";
    journalRefusesWrites(true);
    try {
      // an outage long enough for several failed writes: without giving up on their reports, the connection would
      // hold max-in-flight unanswered reports for good and drop everything after them
      Eventually.await("the connection gave up twice on reports left unanswered", () -> {
        lat[0] += 0.00001;
        kim.send(location(lat[0]));
        return node().metric(lost);
      }, times -> times >= 2);
    } finally {
      journalRefusesWrites(false);
    }

    double lastDuringOutage = lat[0];
    Eventually.await("a report reaches the courier again on the same connection", () -> {
      lat[0] += 0.00001;
      kim.send(location(lat[0]));
      return courierLat(t);
    }, reached -> reached > lastDuringOutage);
    kim.close();
  }
}
