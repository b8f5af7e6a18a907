package org.dispatchengine.engine.dispatch;

import org.apache.pekko.actor.testkit.typed.Effect;
import org.apache.pekko.actor.testkit.typed.javadsl.BehaviorTestKit;
import org.dispatchengine.engine.courier.CourierPosition;
import org.dispatchengine.engine.courier.Fix;
import org.dispatchengine.engine.courier.Vehicle;
import org.dispatchengine.engine.geo.LatLon;
import org.dispatchengine.engine.testing.MutableClock;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * A dispatcher on its own, run message by message on the test's thread (its tick included), its links recorded: what
 * it proposes, and which couriers it starts from.
 */
class DispatcherTest {
  private static final Instant T = Instant.parse("2026-11-22T10:00:00Z");
  private static final DispatchSettings OFFER = new DispatchSettings(DispatchMode.OFFER, DispatchTrigger.CREATED, 30,
      5000, 5, 3, 1500, 900, 1);

  private record Proposal(String tenantId, String orderId, Decision decision) {}

  /** Links that record proposals and know one courier, in region "w". */
  private static final class Recorded implements Dispatcher.Links {
    final List<Proposal> proposals = new ArrayList<>();
    final List<String> asked = new ArrayList<>();

    @Override
    public Optional<String> zoneAt(String tenantId, LatLon point) {
      return Optional.empty();
    }

    @Override
    public void propose(String tenantId, String orderId, int round, Decision decision) {
      proposals.add(new Proposal(tenantId, orderId, decision));
    }

    @Override
    public List<CourierPosition> knownCouriers(String tenantId, String region) {
      asked.add(tenantId + " " + region);
      return region.equals("w") ? List.of(courier("k1", 52.521)) : List.of();
    }
  }

  private static CourierPosition courier(String courierId, double lat) {
    return new CourierPosition("acme", courierId, new Fix(lat, 13.4, null, null, null, T), true, 0, 1, Vehicle.BIKE,
        T, null);
  }

  private static Dispatcher.Request request(String orderId) {
    return new Dispatcher.Request(new DispatchRequest("acme", orderId, new LatLon(52.52, 13.4), null, OFFER,
        List.of(), 1));
  }

  @Test
  void aRegionsDispatcherStartsFromItsCouriersAndSignsItsDecisions() {
    Recorded links = new Recorded();
    BehaviorTestKit<Dispatcher.Command> dispatcher =
        BehaviorTestKit.create(Dispatcher.create("acme:w", links, new MutableClock(T)));
    dispatcher.run(request("o1"));
    assertEquals(List.of("acme w"), links.asked);
    Proposal proposal = links.proposals.get(0);
    assertEquals("acme", proposal.tenantId());
    assertEquals(List.of("k1"), proposal.decision().chosen());
    assertEquals("w", proposal.decision().region());
  }

  @Test
  void anOrderThatStoppedAskingIsForgotten() {
    Recorded links = new Recorded();
    MutableClock clock = new MutableClock(T);
    BehaviorTestKit<Dispatcher.Command> dispatcher = BehaviorTestKit.create(Dispatcher.create("acme", links, clock));
    assertEquals(List.of("acme "), links.asked);
    dispatcher.run(request("silent"));
    Dispatcher.Command tick = (Dispatcher.Command) dispatcher.expectEffectClass(Effect.TimerScheduled.class).msg();
    clock.advance(Dispatcher.FORGET_WAITING.minusSeconds(1));
    dispatcher.run(request("asking"));
    clock.advance(Duration.ofSeconds(1));
    dispatcher.run(new Dispatcher.Seen(courier("k1", 52.521)));
    dispatcher.run(tick);
    // both waited for the one courier; the silent order, first in line, would have taken it had it not been forgotten
    assertEquals(List.of("asking"), links.proposals.stream().map(Proposal::orderId).toList());
    assertNull(links.proposals.get(0).decision().region());
  }
}
