package org.dispatchengine.engine.geo;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ZoneIndexTest {
  private static ZoneIndex.IndexedZone zone(String id, String geoJson) throws Exception {
    return zone(id, "", geoJson);
  }

  private static ZoneIndex.IndexedZone zone(String id, String region, String geoJson) throws Exception {
    return ZoneIndex.IndexedZone.of(id, region, ZoneAreas.parse(geoJson, 1000).geometry());
  }

  private static String box(double minLon, double minLat, double maxLon, double maxLat) {
    return "{\"type\":\"Polygon\",\"coordinates\":[[[" + minLon + "," + minLat + "],[" + maxLon + "," + minLat + "],["
        + maxLon + "," + maxLat + "],[" + minLon + "," + maxLat + "],[" + minLon + "," + minLat + "]]]}";
  }

  @Test
  void resolvesPointsToTheMostSpecificCoveringZone() throws Exception {
    ZoneIndex index = ZoneIndex.of(List.of(
        zone("city", box(13.0, 52.0, 14.0, 53.0)),
        zone("centre", box(13.3, 52.4, 13.5, 52.6)),
        zone("elsewhere", box(0, 0, 1, 1))));
    assertEquals(Optional.of("centre"), index.zoneAt(new LatLon(52.5, 13.4)));
    assertEquals(Optional.of("city"), index.zoneAt(new LatLon(52.1, 13.1)));
    assertEquals(Optional.of("elsewhere"), index.zoneAt(new LatLon(0.5, 0.5)));
    assertEquals(Optional.empty(), index.zoneAt(new LatLon(48.1, 11.6)));
    assertEquals(Optional.of("city"), index.zoneAt(new LatLon(52.0, 13.0)), "the boundary belongs to the zone");
  }

  @Test
  void holesAreOutsideTheZone() throws Exception {
    ZoneIndex index = ZoneIndex.of(List.of(zone("ring", "{\"type\":\"Polygon\",\"coordinates\":["
        + "[[0,0],[10,0],[10,10],[0,10],[0,0]],[[4,4],[6,4],[6,6],[4,6],[4,4]]]}")));
    assertEquals(Optional.of("ring"), index.zoneAt(new LatLon(1, 1)));
    assertEquals(Optional.empty(), index.zoneAt(new LatLon(5, 5)));
  }

  @Test
  void emptyIndexResolvesNothing() {
    assertEquals(Optional.empty(), ZoneIndex.EMPTY.zoneAt(new LatLon(1, 1)));
    assertEquals("", ZoneIndex.EMPTY.regionAt(new LatLon(1, 1)));
  }

  @Test
  void aPointIsInTheRegionOfItsZoneElseOfTheNearestZone() throws Exception {
    ZoneIndex index = ZoneIndex.of(List.of(
        zone("berlin-mitte", "berlin", box(13.3, 52.4, 13.5, 52.6)),
        zone("berlin-wide", "berlin", box(13.0, 52.2, 13.8, 52.8)),
        zone("munich", "munich", box(11.4, 48.0, 11.8, 48.3)),
        zone("leipzig", box(12.2, 51.2, 12.5, 51.4))));
    assertEquals("berlin", index.regionAt(new LatLon(52.5, 13.4)));
    assertEquals("munich", index.regionAt(new LatLon(48.1, 11.6)));
    assertEquals("", index.regionAt(new LatLon(51.3, 12.3)), "a zone without a region: the tenant-wide dispatcher");
    assertEquals("berlin", index.regionAt(new LatLon(52.5, 13.9)), "just outside Berlin");
    assertEquals("munich", index.regionAt(new LatLon(47.9, 11.3)), "south of Munich");
    assertEquals("", index.regionAt(new LatLon(51.0, 12.4)), "nearest to Leipzig");
  }

  @Test
  void withoutRegionsEveryPointIsTenantWide() throws Exception {
    ZoneIndex index = ZoneIndex.of(List.of(zone("city", box(13.0, 52.0, 14.0, 53.0))));
    assertEquals("", index.regionAt(new LatLon(52.5, 13.5)));
    assertEquals("", index.regionAt(new LatLon(10, 10)));
  }
}
