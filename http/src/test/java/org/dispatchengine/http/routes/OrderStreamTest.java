package org.dispatchengine.http.routes;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.dispatchengine.engine.testing.MutableClock;
import org.dispatchengine.http.testing.NodeExtension;
import org.dispatchengine.http.testing.RunningNode;
import org.dispatchengine.http.testing.RawWsClient;
import org.dispatchengine.http.testing.WsClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.LongStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The order stream with a real WebSocket client over a real port. */
class OrderStreamTest extends FlowSupport {
  private static final MutableClock CLOCK = MutableClock.followingTheSystem();
  private static final int SLOW_READER_LIMIT = 8;
  @RegisterExtension
  static final NodeExtension NODE = NodeExtension.onH2(Map.of(
      // a handful of waiting changes, and little room in the kernel, so that a reader falls behind quickly
      "dispatch.orders.stream.outbound-buffer", SLOW_READER_LIMIT,
      "pekko.http.server.socket-options.so-send-buffer-size", 4096,
      // courier sockets close after 2 s of silence, order streams never do; both are pinged every second
      "dispatch.couriers.socket.idle-timeout", "2s",
      "pekko.http.server.websocket.periodic-keep-alive-max-idle", "1s"), CLOCK);
  private static final ObjectMapper MAPPER = new ObjectMapper();

  @Override
  RunningNode node() {
    return NODE.node();
  }

  private WsClient watch(String orderId, String token, String query) {
    return WsClient.connect(URI.create("ws://127.0.0.1:" + node().node().port() + "/v1/ws/orders/" + orderId + query),
        Map.of("Authorization", "Bearer " + token));
  }

  private static JsonNode next(WsClient client) throws Exception {
    return MAPPER.readTree(client.next());
  }

  private RawWsClient slowReader(String orderId, String token) throws Exception {
    return RawWsClient.connect(node().node().port(), "/v1/ws/orders/" + orderId, token);
  }

  private static JsonNode next(RawWsClient reader) throws Exception {
    RawWsClient.Frame frame = reader.next(10_000).orElseThrow(() -> new AssertionError("No frame within 10 s"));
    return frame.isClose() ? MAPPER.createObjectNode().put("type", "close").put("code", frame.closeCode())
        : MAPPER.readTree(frame.text());
  }

  /** An order of customer c1 assigned to courier k1, who is on shift. */
  private String orderAssignedToK1(TestTenant t) {
    onlineCourier(t, "k1", 1);
    String id = createOrder(t.key(), "k", pizza("c1")).json().get("id").asText();
    assertEquals(200, node().post("/v1/orders/" + id + "/assign", t.key(), "{\"courierId\":\"k1\"}").status());
    return id;
  }

  /** Revokes the order's tracking links {@code times} times: each is a change of the order, streamed to watchers. */
  private void revoke(TestTenant t, String orderId, int times) {
    for (int i = 0; i < times; i++) {
      assertEquals(204, node().delete("/v1/orders/" + orderId + "/tracking-link", t.key()).status());
    }
  }

  /** The seqs of the changes {@code client} receives until (and with) {@code lastSeq}. */
  private static List<Long> seqsUntil(WsClient client, long lastSeq) throws Exception {
    List<Long> seqs = new ArrayList<>();
    while (seqs.isEmpty() || seqs.get(seqs.size() - 1) < lastSeq) {
      seqs.add(next(client).get("seq").asLong());
    }
    return seqs;
  }

  private static List<Long> range(long fromInclusive, long toInclusive) {
    return LongStream.rangeClosed(fromInclusive, toInclusive).boxed().toList();
  }

  private int refused(String orderId, String token, String query) {
    return WsClient.refusedStatus(() -> watch(orderId, token, query));
  }

  @Test
  void aSilentWatcherIsPingedNotClosedButAMessageOverTheLimitClosesItsStream() throws Exception {
    TestTenant t = tenant("os-limits");
    String customer = t.token("customer", "c1");
    String id = createOrder(customer, "k", "{\"storeId\":\"s1\",\"dropoff\":" + DROPOFF + "}")
        .json().get("id").asText();
    try (RawWsClient app = slowReader(id, customer)) {
      assertEquals("snapshot", next(app).get("type").asText());
      int pings = 0;
      for (long end = System.nanoTime() + 3_500_000_000L; System.nanoTime() < end; ) {
        Optional<RawWsClient.Frame> frame = app.nextFrame(500);
        if (frame.isPresent()) {
          assertEquals(RawWsClient.PING, frame.get().opcode(), "silence past the couriers' idle timeout is fine here");
          pings++;
        }
      }
      assertTrue(pings >= 2, "pinged about every second: " + pings);
      app.sendFrame(RawWsClient.TEXT, true, "x".repeat(17_000).getBytes(StandardCharsets.UTF_8), true);
      assertEquals(1009, next(app).get("code").asInt(), "16 KiB at most, as on courier sockets");
    }
  }

  @Test
  void aSnapshotThenEveryChangeInOrder() throws Exception {
    TestTenant t = tenant("os-a");
    String customer = t.token("customer", "c1");
    String id = createOrder(customer, "k", "{\"storeId\":\"s1\",\"dropoff\":" + DROPOFF + "}").json().get("id").asText();
    WsClient alice = watch(id, customer, "");
    JsonNode snapshot = next(alice);
    assertEquals("snapshot", snapshot.get("type").asText());
    assertEquals(1, snapshot.get("seq").asInt());
    assertEquals("pending", snapshot.get("order").get("status").asText());

    String store = t.storeToken("clerk", "s1");
    node().post("/v1/orders/" + id + "/accept", store, null);
    node().post("/v1/orders/" + id + "/ready", store, null);
    JsonNode accepted = next(alice);
    JsonNode ready = next(alice);
    assertEquals(List.of("status", "accepted", "2"), List.of(accepted.get("type").asText(),
        accepted.get("status").asText(), accepted.get("seq").asText()));
    assertEquals(List.of("ready", "3"), List.of(ready.get("status").asText(), ready.get("seq").asText()));
    alice.close();
  }

  @Test
  void resumingReplaysWhatWasMissedThenFollowsLive() throws Exception {
    TestTenant t = tenant("os-b");
    String id = createOrder(t.key(), "k", pizza("c1")).json().get("id").asText();
    node().post("/v1/orders/" + id + "/accept", t.key(), null);
    node().post("/v1/orders/" + id + "/ready", t.key(), null);
    WsClient alice = watch(id, t.token("customer", "c1"), "?since=1");
    List<Integer> seqs = new ArrayList<>();
    JsonNode first = next(alice);
    JsonNode second = next(alice);
    seqs.add(first.get("seq").asInt());
    seqs.add(second.get("seq").asInt());
    assertEquals(List.of(2, 3), seqs);
    assertEquals("ready", second.get("status").asText());

    node().post("/v1/orders/" + id + "/cancel", t.key(), "{\"reason\":\"closed\"}");
    JsonNode cancelled = next(alice);
    assertEquals(4, cancelled.get("seq").asInt());
    assertEquals("cancelled", cancelled.get("status").asText());
    assertEquals("closed", cancelled.get("reason").asText());
    assertNull(alice.poll(300), "no duplicate of anything already sent");
    alice.close();

    WsClient upToDate = watch(id, t.key(), "?since=4");
    assertNull(upToDate.poll(300), "nothing after 4 yet");
    upToDate.close();
  }

  @Test
  void theAssignedCouriersPositionIsPushed() throws Exception {
    TestTenant t = tenant("os-c");
    String id = orderAssignedToK1(t);
    WsClient alice = watch(id, t.token("customer", "c1"), "");
    assertEquals("snapshot", next(alice).get("type").asText());
    node().post("/v1/couriers/k1/location", t.token("courier", "k1"), "{\"lat\":52.515,\"lon\":13.41}");
    JsonNode position = next(alice);
    assertEquals("courier.location", position.get("type").asText());
    assertEquals(52.515, position.get("lat").asDouble());

    WsClient kim = WsClient.connect(URI.create("ws://127.0.0.1:" + node().node().port() + "/v1/ws/courier"),
        Map.of("Authorization", "Bearer " + t.token("courier", "k1")));
    // the same place a moment later: a plausible move, however soon it comes
    kim.send("{\"type\":\"location\",\"lat\":52.515,\"lon\":13.41,\"accuracy\":7}");
    assertEquals("courier.location", next(alice).get("type").asText());
    assertEquals(1.0, node().metric("dispatch_order_stream_position_seconds_count"),
        "the socket's report is timed from its arrival to the watcher's frame; the REST one is not");
    kim.close();
    alice.close();
  }

  @Test
  void changesWrittenWhileStreamsResumeArriveOnceAndInOrder() throws Exception {
    TestTenant t = tenant("os-f");
    String id = createOrder(t.key(), "k", pizza("c1")).json().get("id").asText();
    String customer = t.token("customer", "c1");
    int changes = 60;
    AtomicLong written = new AtomicLong(1);
    CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
      for (int i = 0; i < changes; i++) {
        revoke(t, id, 1);
        written.incrementAndGet();
      }
    });
    // streams resume from wherever the writer is while it writes: each one's replay from the journal and its
    // switch to live updates overlap the writes
    record Resumed(long since, long writtenOnceOpen, WsClient client) {}
    List<Resumed> resumed = new ArrayList<>();
    while (!writer.isDone()) {
      long since = written.get();
      WsClient client = watch(id, customer, "?since=" + since);
      resumed.add(new Resumed(since, written.get(), client));
    }
    writer.get();
    long last = 1 + changes;
    for (Resumed stream : resumed) {
      assertEquals(range(stream.since() + 1, last), seqsUntil(stream.client(), last),
          "resumed after " + stream.since() + ": every change once, in order");
    }
    for (Resumed stream : resumed) {
      assertNull(stream.client().poll(5), "nothing after the last change");
      stream.client().close();
    }
    assertTrue(resumed.stream().filter(stream -> stream.writtenOnceOpen() > stream.since()).count() >= 3,
        "changes were written while streams were resuming: " + resumed.size() + " streams");
  }

  @Test
  void aReaderTooSlowForTheChangesIsToldWhyAndResumesWhereItStopped() throws Exception {
    TestTenant t = tenant("os-g");
    String id = createOrder(t.key(), "k", pizza("c1")).json().get("id").asText();
    String customer = t.token("customer", "c1");
    try (RawWsClient reader = slowReader(id, customer)) {
      assertEquals("snapshot", next(reader).get("type").asText());
      int changes = 400;
      revoke(t, id, changes);

      List<Long> seqs = new ArrayList<>();
      JsonNode frame = next(reader);
      while (frame.has("seq")) {
        seqs.add(frame.get("seq").asLong());
        frame = next(reader);
      }
      assertEquals("error", frame.get("type").asText(), frame.toString());
      assertEquals("Too slow", frame.get("title").asText());
      assertEquals("close", next(reader).get("type").asText(), "then the server closes");
      long received = seqs.get(seqs.size() - 1);
      assertEquals(range(2, received), seqs, "what did arrive arrived in order, without a gap");
      assertTrue(received < 1 + changes, "the reader fell behind before the last change: " + received);

      WsClient resumed = watch(id, customer, "?since=" + received);
      assertEquals(range(received + 1, 1 + changes), seqsUntil(resumed, 1 + changes));
      resumed.close();
    }
  }

  @Test
  void aSlowReaderGetsTheNewestPositionAndEveryChange() throws Exception {
    TestTenant t = tenant("os-h");
    String id = orderAssignedToK1(t);
    String courier = t.token("courier", "k1");
    Instant start = Instant.now().minusSeconds(3_600);
    int positions = 800;
    try (RawWsClient reader = slowReader(id, t.token("customer", "c1"))) {
      assertEquals("snapshot", next(reader).get("type").asText());
      for (int i = 0; i < positions; i++) {
        node().post("/v1/couriers/k1/location", courier, String.format(Locale.ROOT,
            "{\"lat\":%.6f,\"lon\":13.41,\"at\":\"%s\"}", 52.5 + i * 0.00001, start.plusSeconds(i)));
        if (i == positions / 2) {
          assertEquals(200, node().post("/v1/orders/" + id + "/accept", t.key(), null).status());
          assertEquals(200, node().post("/v1/orders/" + id + "/ready", t.key(), null).status());
        }
      }
      double newest = 52.5 + (positions - 1) * 0.00001;

      List<Double> lats = new ArrayList<>();
      List<String> statuses = new ArrayList<>();
      while (lats.isEmpty() || Math.abs(lats.get(lats.size() - 1) - newest) > 1e-9) {
        JsonNode frame = next(reader);
        if (frame.get("type").asText().equals("courier.location")) {
          lats.add(frame.get("lat").asDouble());
        } else {
          statuses.add(frame.get("type").asText() + " " + frame.path("status").asText());
        }
      }
      assertEquals(List.of("status accepted", "status ready"), statuses, "no change is dropped");
      assertTrue(lats.size() < positions * 3 / 4, "positions waiting for the reader were replaced by newer ones: "
          + lats.size() + " of " + positions + " arrived");
      for (int i = 1; i < lats.size(); i++) {
        assertTrue(lats.get(i) > lats.get(i - 1), "never an older position after a newer one");
      }
    }
  }

  @Test
  void anExpiredTokenIsRefusedAtTheUpgrade() {
    TestTenant t = tenant("os-i");
    String id = createOrder(t.key(), "k", pizza("c1")).json().get("id").asText();
    String customer = t.token("customer", "c1");
    watch(id, customer, "").close();
    CLOCK.advance(Duration.ofHours(2));
    assertEquals(401, refused(id, customer, ""));
    assertEquals(401, WsClient.refusedStatus(() -> WsClient.connect(URI.create("ws://127.0.0.1:"
        + node().node().port() + "/v1/ws/orders/" + id + "?token=" + customer), Map.of())));
    watch(id, t.token("customer", "c1"), "").close();
  }

  @Test
  void onlyThoseWhoMaySeeTheOrderMayWatchIt() {
    TestTenant t = tenant("os-d");
    TestTenant other = tenant("os-e");
    String id = createOrder(t.key(), "k", pizza("c1")).json().get("id").asText();
    assertEquals(404, refused(id, t.token("customer", "c2"), ""));
    assertEquals(404, refused(id, t.storeToken("clerk", "s2"), ""));
    assertEquals(404, refused(id, t.token("courier", "k9"), ""));
    assertEquals(404, refused(id, other.key(), ""));
    assertEquals(401, refused(id, "forged", ""));
    assertEquals(422, refused(id, t.key(), "?since=-1"));
    watch(id, t.storeToken("clerk", "s1"), "").close();
    watch(id, t.token("admin", "boss"), "").close();
  }
}
