package org.dispatchengine.engine.setup;

import org.dispatchengine.engine.geo.FeeRule;
import org.dispatchengine.engine.geo.LatLon;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ZonesTest {
  private static final Instant T = Instant.parse("2026-11-22T10:00:00Z");
  private static final FeeRule FEE = new FeeRule(BigDecimal.ONE, BigDecimal.ONE, null);
  private final Zones zones = new Zones(1000);

  private static ZoneSpec box(String name, double minLon, double minLat, double maxLon, double maxLat) {
    return box(name, null, minLon, minLat, maxLon, maxLat);
  }

  private static ZoneSpec box(String name, String region, double minLon, double minLat, double maxLon,
      double maxLat) {
    return new ZoneSpec(name, "{\"type\":\"Polygon\",\"coordinates\":[[[" + minLon + "," + minLat + "],[" + maxLon
        + "," + minLat + "],[" + maxLon + "," + maxLat + "],[" + minLon + "," + maxLat + "],[" + minLon + "," + minLat
        + "]]]}", FEE, region);
  }

  private Optional<String> zoneAt(String tenant, double lat, double lon) {
    return zones.zoneAt(tenant, new LatLon(lat, lon)).map(Definition::id);
  }

  @Test
  void resolvesOnlyActiveZonesOfTheAskingTenant() {
    zones.apply("acme", "north", 1, new Setup.Defined("acme", "north", box("North", 0, 10, 10, 20), T));
    zones.apply("globex", "all", 1, new Setup.Defined("globex", "all", box("All", -180, -90, 180, 90), T));

    assertEquals(Optional.of("north"), zoneAt("acme", 15, 5));
    assertEquals(Optional.empty(), zoneAt("acme", 5, 5));
    assertEquals(Optional.of("all"), zoneAt("globex", 15, 5));
    assertEquals(Optional.empty(), zoneAt("initech", 15, 5));

    zones.apply("acme", "north", 2, new Setup.Deleted("acme", "north", T));
    assertEquals(Optional.empty(), zoneAt("acme", 15, 5));
    zones.apply("acme", "north", 3, new Setup.Restored("acme", "north", T));
    assertEquals(Optional.of("north"), zoneAt("acme", 15, 5));
  }

  @Test
  void redefinedAreaReplacesTheOldOneInTheIndex() {
    zones.apply("acme", "z", 1, new Setup.Defined("acme", "z", box("Z", 0, 0, 1, 1), T));
    zones.apply("acme", "z", 2, new Setup.Defined("acme", "z", box("Z", 5, 5, 6, 6), T));
    assertEquals(Optional.empty(), zoneAt("acme", 0.5, 0.5));
    assertEquals(Optional.of("z"), zoneAt("acme", 5.5, 5.5));
    assertEquals(1, zones.list("acme", false).size());
  }

  @Test
  void regionsFollowTheirZonesThroughChanges() {
    zones.apply("acme", "west", 1, new Setup.Defined("acme", "west", box("West", "w", 0, 0, 10, 10), T));
    zones.apply("acme", "east", 1, new Setup.Defined("acme", "east", box("East", "e", 20, 0, 30, 10), T));
    zones.apply("globex", "all", 1, new Setup.Defined("globex", "all", box("All", -180, -90, 180, 90), T));
    LatLon inWest = new LatLon(5, 5);
    LatLon nearEast = new LatLon(5, 31);

    assertEquals("w", zones.regionAt("acme", inWest));
    assertEquals("e", zones.regionAt("acme", nearEast));
    assertEquals("", zones.regionAt("globex", inWest));
    assertEquals("", zones.regionAt("initech", inWest));
    assertEquals("e", zones.regionOf("acme", "east"));
    assertEquals("", zones.regionOf("acme", "nowhere"));
    assertEquals("", zones.regionOf("acme", null));
    assertEquals(Set.of("w", "e"), zones.regions("acme"));

    // the same area in another region: the index follows without a new area
    zones.apply("acme", "east", 2, new Setup.Defined("acme", "east", box("East", "w", 20, 0, 30, 10), T));
    assertEquals("w", zones.regionAt("acme", nearEast));
    assertEquals(Set.of("w"), zones.regions("acme"));

    zones.apply("acme", "west", 2, new Setup.Deleted("acme", "west", T));
    assertEquals("w", zones.regionOf("acme", "west"), "orders of a deleted zone still find their region");
    zones.apply("acme", "east", 3, new Setup.Defined("acme", "east", box("East", 20, 0, 30, 10), T));
    assertEquals("", zones.regionAt("acme", inWest), "no zone has a region any more");
    assertEquals(Set.of(""), zones.regions("acme"));
  }
}
