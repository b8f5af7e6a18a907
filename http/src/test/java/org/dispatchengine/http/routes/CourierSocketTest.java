package org.dispatchengine.http.routes;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.dispatchengine.http.testing.Eventually;
import org.dispatchengine.http.testing.NodeExtension;
import org.dispatchengine.http.testing.RawWsClient;
import org.dispatchengine.http.testing.RunningNode;
import org.dispatchengine.http.testing.WsClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The courier socket with a real WebSocket client over a real port. */
class CourierSocketTest extends FlowSupport {
  @RegisterExtension
  static final NodeExtension NODE = NodeExtension.onH2(Map.of(
      "dispatch.couriers.socket.max-reports-per-second", 5,
      "dispatch.couriers.socket.allowed-origins", "https://app.example",
      "dispatch.couriers.socket.idle-timeout", "3s",
      "pekko.http.server.websocket.periodic-keep-alive-max-idle", "1s"));
  private static final ObjectMapper MAPPER = new ObjectMapper();

  @Override
  RunningNode node() {
    return NODE.node();
  }

  private URI socket(String query) {
    return URI.create("ws://127.0.0.1:" + node().node().port() + "/v1/ws/courier" + query);
  }

  /** A location frame with the device's own timestamp, {@code secondsAgo} seconds ago. */
  private static String location(double lat, double lon, int secondsAgo) {
    return "{\"type\":\"location\",\"lat\":" + lat + ",\"lon\":" + lon + ",\"at\":\""
        + java.time.Instant.now().minusSeconds(secondsAgo) + "\"}";
  }

  private WsClient connect(String token) {
    return WsClient.connect(socket(""), Map.of("Authorization", "Bearer " + token));
  }

  private RawWsClient raw(String token) throws Exception {
    return RawWsClient.connect(node().node().port(), "/v1/ws/courier", token);
  }

  private static JsonNode json(String frame) throws Exception {
    return MAPPER.readTree(frame);
  }

  private JsonNode awaitLocation(TestTenant t, String courierId, double lat) {
    return Eventually.await("courier " + courierId + " at " + lat,
        () -> node().get("/v1/couriers/" + courierId, t.key()).json(),
        courier -> courier.path("location").path("lat").asDouble() == lat);
  }

  @Test
  void theUpgradeIsAuthenticated() {
    TestTenant t = tenant("ws-a");
    onlineCourier(t, "k1", 1);
    assertEquals(401, WsClient.refusedStatus(() -> WsClient.connect(socket(""), Map.of())));
    assertEquals(401, WsClient.refusedStatus(() -> connect("not-a-token")));
    assertEquals(403, WsClient.refusedStatus(() -> connect(t.token("customer", "c1"))));
    assertEquals(404, WsClient.refusedStatus(() -> connect(t.token("courier", "ghost"))));
    assertEquals(403, WsClient.refusedStatus(() -> WsClient.connect(socket("?token=" + t.token("courier", "k1")),
        Map.of("Origin", "https://evil.example"))));
    WsClient browser = WsClient.connect(socket("?token=" + t.token("courier", "k1")),
        Map.of("Origin", "https://app.example"));
    browser.close();
  }

  @Test
  void locationFramesMoveTheCourierAndBadFramesAreAnsweredWithoutClosing() throws Exception {
    TestTenant t = tenant("ws-b");
    onlineCourier(t, "k1", 1);
    WsClient kim = connect(t.token("courier", "k1"));
    kim.send("{\"type\":\"location\",\"lat\":52.51,\"lon\":13.41,\"speed\":3,\"at\":\""
        + java.time.Instant.now().minusSeconds(30) + "\"}");
    awaitLocation(t, "k1", 52.51);

    kim.send("{not json");
    assertEquals("Malformed JSON", json(kim.next()).get("title").asText());
    kim.send("{\"type\":\"teleport\"}");
    assertEquals("Unknown type", json(kim.next()).get("title").asText());
    kim.send("{\"type\":\"location\",\"lat\":95,\"lon\":13.41}");
    JsonNode invalid = json(kim.next());
    assertEquals("Invalid location", invalid.get("title").asText());
    assertEquals("lat must be a number from -90 to 90", invalid.get("detail").asText());
    kim.send("{\"type\":\"location\",\"lat\":52.5,\"lon\":13.41,\"speed\":\"fast\",\"heading\":360.5}");
    assertEquals("speed must be a number from 0 to 200; heading must be a number from 0 to 360",
        json(kim.next()).get("detail").asText());
    kim.send("[1,2]");
    assertEquals("Invalid frame", json(kim.next()).get("title").asText());

    kim.send(location(52.5101, 13.41, 0));
    awaitLocation(t, "k1", 52.5101);
    assertFalse(kim.isClosed());
    kim.close();
  }

  @Test
  void binaryFramesCarryTheSameJson() throws Exception {
    TestTenant t = tenant("ws-bin");
    onlineCourier(t, "k1", 1);
    WsClient kim = connect(t.token("courier", "k1"));
    kim.sendBinary(location(52.5104, 13.41, 1));
    awaitLocation(t, "k1", 52.5104);
    kim.sendBinary("{not json");
    assertEquals("Malformed JSON", json(kim.next()).get("title").asText());
    kim.sendBinary("{\"type\":\"teleport\"}");
    assertEquals("Unknown type", json(kim.next()).get("title").asText());
    assertFalse(kim.isClosed());
    kim.close();
  }

  @Test
  void anOversizedFrameClosesTheSocket() throws Exception {
    TestTenant t = tenant("ws-c");
    onlineCourier(t, "k1", 1);
    WsClient kim = connect(t.token("courier", "k1"));
    kim.send("{\"type\":\"location\",\"lat\":1,\"lon\":1,\"pad\":\"" + "x".repeat(17_000) + "\"}");
    JsonNode error = json(kim.next());
    assertEquals("Frame too large", error.get("title").asText());
    assertEquals(1009, kim.closeCode(), "closed as RFC 6455 says for a message too big to process");
  }

  @Test
  void aMessageOverTheLimitAcrossFramesClosesTheSocket() throws Exception {
    TestTenant t = tenant("ws-c2");
    onlineCourier(t, "k1", 1);
    try (RawWsClient app = raw(t.token("courier", "k1"))) {
      byte[] part = "x".repeat(8_000).getBytes(StandardCharsets.UTF_8);
      app.sendFrame(RawWsClient.TEXT, false, part, true);
      app.sendFrame(RawWsClient.CONTINUATION, false, part, true);
      app.sendFrame(RawWsClient.CONTINUATION, true, part, true);
      assertEquals("Frame too large", json(app.next(10_000).orElseThrow().text()).get("title").asText());
      assertEquals(1009, app.next(10_000).orElseThrow().closeCode(), "each frame fits, the message does not");
    }
  }

  @Test
  void fragmentedMessagesAreJoinedAndPingsAnsweredBetweenTheirFrames() throws Exception {
    TestTenant t = tenant("ws-h");
    onlineCourier(t, "k1", 1);
    try (RawWsClient app = raw(t.token("courier", "k1"))) {
      byte[] frame = location(52.5105, 13.41, 1).getBytes(StandardCharsets.UTF_8);
      app.sendFrame(RawWsClient.TEXT, false, Arrays.copyOfRange(frame, 0, 10), true);
      app.sendFrame(RawWsClient.PING, true, "still there?".getBytes(StandardCharsets.UTF_8), true);
      app.sendFrame(RawWsClient.CONTINUATION, false, Arrays.copyOfRange(frame, 10, 30), true);
      app.sendFrame(RawWsClient.CONTINUATION, true, Arrays.copyOfRange(frame, 30, frame.length), true);
      RawWsClient.Frame answer = app.nextFrame(5_000).orElseThrow();
      while (answer.opcode() == RawWsClient.PING) { // the server's own keep-alive
        answer = app.nextFrame(5_000).orElseThrow();
      }
      assertEquals(RawWsClient.PONG, answer.opcode());
      assertEquals("still there?", answer.text());
      awaitLocation(t, "k1", 52.5105);
    }
  }

  @Test
  void aQuietConnectionIsPinged() throws Exception {
    TestTenant t = tenant("ws-i");
    onlineCourier(t, "k1", 1);
    try (RawWsClient app = raw(t.token("courier", "k1"))) {
      RawWsClient.Frame ping = app.nextFrame(2_500).orElseThrow(() -> new AssertionError("no ping within 2.5 s"));
      assertEquals(RawWsClient.PING, ping.opcode(), "keep-alive is 1 s in this test");
    }
  }

  @Test
  void anUnmaskedFrameBreaksTheProtocolAndEndsTheConnection() throws Exception {
    TestTenant t = tenant("ws-j");
    onlineCourier(t, "k1", 1);
    try (RawWsClient app = raw(t.token("courier", "k1"))) {
      app.sendFrame(RawWsClient.TEXT, true, location(52.5106, 13.41, 1).getBytes(StandardCharsets.UTF_8), false);
      assertEquals(1002, app.next(5_000).orElseThrow().closeCode(), "RFC 6455: clients mask every frame");
      assertTrue(app.isDisconnected(5_000));
    }
    assertEquals(0, node().get("/v1/couriers/k1", t.key()).json().path("location").path("lat").asDouble(),
        "the frame was not read");
  }

  @Test
  void aTextMessageThatIsNotUtf8FailsTheConnectionUnread() throws Exception {
    TestTenant t = tenant("ws-u");
    onlineCourier(t, "k1", 1);
    try (RawWsClient app = raw(t.token("courier", "k1"))) {
      byte[] frame = location(52.5107, 13.41, 0).getBytes(StandardCharsets.UTF_8);
      // {"type":"\xC3ocation"...: a lead byte without its continuation byte. Read, it would be an unknown type
      // answered with an error frame on an open socket.
      frame[9] = (byte) 0xC3;
      app.sendFrame(RawWsClient.TEXT, true, frame, true);
      RawWsClient.Frame answer = app.next(5_000).orElseThrow();
      assertEquals(RawWsClient.CLOSE, answer.opcode(), "no error frame: the message was not read");
      assertEquals(1007, answer.closeCode(), "RFC 6455: text messages are UTF-8");
      assertTrue(app.isDisconnected(5_000));
    }
  }

  /** Sends one frame on a new courier connection: the server must close with {@code code} and end the connection. */
  private void assertOneFrameCloses(String tenantId, int opcode, byte[] payload, int code, String why)
      throws Exception {
    TestTenant t = tenant(tenantId);
    onlineCourier(t, "k1", 1);
    try (RawWsClient app = raw(t.token("courier", "k1"))) {
      app.sendFrame(opcode, true, payload, true);
      assertEquals(code, app.next(5_000).orElseThrow().closeCode(), why);
      assertTrue(app.isDisconnected(5_000));
    }
  }

  @Test
  void aCloseReasonThatIsNotUtf8FailsTheConnection() throws Exception {
    assertOneFrameCloses("ws-v", RawWsClient.CLOSE, new byte[] {(byte) (1000 >> 8), (byte) (1000 & 0xff), (byte) 0xff},
        1007, "not the client's 1000 echoed");
  }

  @Test
  void aCloseWithAOneBytePayloadBreaksTheProtocol() throws Exception {
    assertOneFrameCloses("ws-w", RawWsClient.CLOSE, new byte[] {3}, 1002,
        "RFC 6455: a close body starts with a 2-byte code");
  }

  @Test
  void theClientsCloseIsAnsweredAndTheConnectionEnds() throws Exception {
    assertOneFrameCloses("ws-k", RawWsClient.CLOSE,
        new byte[] {(byte) (1001 >> 8), (byte) (1001 & 0xff), 'b', 'y', 'e'}, 1001, "the client's code is echoed");
  }

  @Test
  void aSilentConnectionIsClosed() throws Exception {
    TestTenant t = tenant("ws-g");
    onlineCourier(t, "k1", 1);
    WsClient kim = connect(t.token("courier", "k1"));
    JsonNode idle = json(kim.next());
    assertEquals("Idle", idle.get("title").asText());
    assertEquals(1000, kim.closeCode());
  }

  @Test
  void aNewConnectionReplacesTheOldOne() throws Exception {
    TestTenant t = tenant("ws-d");
    onlineCourier(t, "k1", 1);
    WsClient first = connect(t.token("courier", "k1"));
    first.send(location(52.5, 13.4, 30));
    awaitLocation(t, "k1", 52.5);
    WsClient second = connect(t.token("courier", "k1"));
    assertEquals("Replaced", json(first.next()).get("title").asText());
    first.closeCode();
    second.send(location(52.5001, 13.4, 0));
    awaitLocation(t, "k1", 52.5001);
    assertNull(second.poll(200), "the newest connection stays");
    second.close();
  }

  @Test
  void assignmentsArePushedToTheCourier() throws Exception {
    TestTenant t = tenant("ws-e");
    onlineCourier(t, "k1", 1);
    WsClient kim = connect(t.token("courier", "k1"));
    kim.send("{\"type\":\"location\",\"lat\":52.5,\"lon\":13.4}");
    awaitLocation(t, "k1", 52.5);
    String id = createOrder(t.key(), "a", pizza("c1")).json().get("id").asText();
    node().post("/v1/orders/" + id + "/assign", t.key(), "{\"courierId\":\"k1\"}");
    JsonNode assigned = json(kim.next());
    assertEquals("assigned", assigned.get("type").asText());
    assertEquals(id, assigned.get("orderId").asText());
    node().post("/v1/orders/" + id + "/cancel", t.key(), "{\"reason\":\"shop closed\"}");
    JsonNode unassigned = json(kim.next());
    assertEquals("unassigned", unassigned.get("type").asText());
    assertEquals("cancelled", unassigned.get("reason").asText());
    kim.close();
  }

  @Test
  void aFloodIsThrottledNotBuffered() throws Exception {
    TestTenant t = tenant("ws-f");
    onlineCourier(t, "k1", 1);
    WsClient kim = connect(t.token("courier", "k1"));
    for (int i = 1; i <= 60; i++) {
      kim.send(i % 2 == 0 ? "{\"type\":\"teleport\"}" : location(52 + i / 100_000.0, 13.4, 60 - i));
    }
    String rate = "dispatch_courier_socket_dropped_total{reason=\"rate\"}";
    double dropped = Eventually.await("rate drops counted", () -> metric(rate), value -> value >= 40);
    assertTrue(dropped >= 40 && dropped <= 50, "a burst of 10 passes, the rest of 60 is dropped: " + dropped);
    int errors = 0;
    while (kim.poll(300) != null) {
      errors++;
    }
    assertTrue(errors <= 5, "no error frame for a dropped frame: " + errors);
    // once the bucket refills, reports pass again: resend until one does, as a tracking app would
    Eventually.await("a report passes again", () -> {
      kim.send(location(52.0002, 13.4, 0));
      return node().get("/v1/couriers/k1", t.key()).json().path("location").path("lat").asDouble();
    }, lat -> lat == 52.0002);
    kim.close();
  }

  private double metric(String sample) {
    return node().metric(sample);
  }


}
