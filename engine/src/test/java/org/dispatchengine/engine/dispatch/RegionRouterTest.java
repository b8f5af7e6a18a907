package org.dispatchengine.engine.dispatch;

import org.dispatchengine.engine.courier.CourierPosition;
import org.dispatchengine.engine.courier.Fix;
import org.dispatchengine.engine.courier.Vehicle;
import org.dispatchengine.engine.geo.FeeRule;
import org.dispatchengine.engine.geo.LatLon;
import org.dispatchengine.engine.setup.Setup;
import org.dispatchengine.engine.setup.ZoneSpec;
import org.dispatchengine.engine.setup.Zones;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class RegionRouterTest {
  private static final Instant T = Instant.parse("2026-11-22T10:00:00Z");

  private record Told(String dispatcherId, Dispatcher.Command command) {
    @Override
    public String toString() {
      if (command instanceof Dispatcher.Seen seen) {
        return dispatcherId + " seen " + seen.position().courierId() + (seen.position().available() ? "" : " gone");
      }
      if (command instanceof Dispatcher.Request request) {
        return dispatcherId + " request " + request.request().orderId();
      }
      return dispatcherId + " withdraw " + ((Dispatcher.Withdraw) command).orderId();
    }
  }

  private final Zones zones = new Zones(1000);
  private final List<Told> told = new ArrayList<>();
  private final RegionRouter router = new RegionRouter(zones, (id, command) -> told.add(new Told(id, command)));

  private void zone(String tenantId, String id, String region, double minLon, double maxLon) {
    String box = "{\"type\":\"Polygon\",\"coordinates\":[[[" + minLon + ",52],[" + maxLon + ",52],[" + maxLon
        + ",53],[" + minLon + ",53],[" + minLon + ",52]]]}";
    zones.apply(tenantId, id, 1, new Setup.Defined(tenantId, id,
        new ZoneSpec(id, box, new FeeRule(BigDecimal.ONE, BigDecimal.ONE, null), region), T));
  }

  private static CourierPosition at(String tenantId, String courierId, Double lon, boolean available) {
    Fix fix = lon == null ? null : new Fix(52.5, lon, null, null, null, T);
    return new CourierPosition(tenantId, courierId, fix, available, 0, 1, Vehicle.BIKE, T, null);
  }

  private List<String> lines() {
    List<String> lines = told.stream().map(Told::toString).toList();
    told.clear();
    return lines;
  }

  @Test
  void aTenantWithoutRegionsHasOneDispatcher() {
    zone("acme", "city", null, 13.0, 14.0);
    assertEquals("", router.seen(at("acme", "k1", 13.5, true), null));
    router.request(new DispatchRequest("acme", "o1", new LatLon(52.5, 13.5), "city",
        DispatchSettings.DEFAULT, List.of(), 1));
    router.withdraw("acme", "city", "o1");
    assertEquals(List.of("acme seen k1", "acme request o1", "acme withdraw o1"), lines());
  }

  @Test
  void aCourierCrossingIntoAnotherRegionLeavesTheOldOne() {
    zone("acme", "west", "w", 13.0, 13.4);
    zone("acme", "east", "e", 13.4, 13.8);

    String region = router.seen(at("acme", "k1", 13.2, true), null);
    assertEquals("w", region);
    assertEquals(List.of("acme:w seen k1"), lines().stream().filter(line -> !line.endsWith("gone")).toList());
    assertEquals("w", router.seen(at("acme", "k1", 13.3, true), region));
    assertEquals(List.of("acme:w seen k1"), lines(), "a move within the region tells only that region");

    assertEquals("e", router.seen(at("acme", "k1", 13.9, true), region), "past the east zone: the nearest is east");
    assertEquals(List.of("acme:w seen k1 gone", "acme:e seen k1"), lines());

    assertEquals("e", router.seen(at("acme", "k1", null, false), "e"), "no position: the region it was last in");
    assertEquals(List.of("acme:e seen k1 gone"), lines());
  }

  @Test
  void theFirstWordOfARestartedCourierClearsItFromEveryOtherRegion() {
    zone("acme", "west", "w", 13.0, 13.4);
    zone("acme", "east", "e", 13.4, 13.8);
    assertEquals("w", router.seen(at("acme", "k1", 13.2, true), null));
    assertEquals(Set.of("acme seen k1 gone", "acme:e seen k1 gone", "acme:w seen k1"), Set.copyOf(lines()));

    assertNull(router.seen(at("acme", "k1", null, false), null), "no position, no memory: no region");
    assertEquals(Set.of("acme seen k1 gone", "acme:w seen k1 gone", "acme:e seen k1 gone"), Set.copyOf(lines()));
  }

  @Test
  void ordersAskTheRegionOfTheirZone() {
    zone("acme", "west", "w", 13.0, 13.4);
    zone("acme", "east", "e", 13.4, 13.8);
    zone("acme", "outskirts", null, 12.0, 13.0);
    for (String zoneId : new String[] {"east", "outskirts", null}) {
      router.request(new DispatchRequest("acme", "o-" + zoneId, new LatLon(52.5, 13.2),
          zoneId, DispatchSettings.DEFAULT, List.of(), 1));
    }
    router.withdraw("acme", "east", "o-east");
    assertEquals(List.of("acme:e request o-east", "acme request o-outskirts", "acme request o-null",
        "acme:e withdraw o-east"), lines(), "the zone decides, not where the pickup is");
  }
}
