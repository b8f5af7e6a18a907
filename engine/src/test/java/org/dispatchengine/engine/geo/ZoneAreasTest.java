package org.dispatchengine.engine.geo;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ZoneAreasTest {
  static final String SQUARE =
      "{\"type\":\"Polygon\",\"coordinates\":[[[13.0,52.0],[14.0,52.0],[14.0,53.0],[13.0,53.0],[13.0,52.0]]]}";

  private static String invalid(String geoJson) {
    return assertThrows(ZoneAreas.InvalidArea.class, () -> ZoneAreas.parse(geoJson, 100)).getMessage();
  }

  @Test
  void acceptsPolygonAndMultiPolygon() throws Exception {
    ZoneAreas.Area square = ZoneAreas.parse(SQUARE, 100);
    assertEquals(5, square.geometry().getNumPoints());
    assertTrue(square.geoJson().contains("\"Polygon\""));
    ZoneAreas.Area multi = ZoneAreas.parse("{\"type\":\"MultiPolygon\",\"coordinates\":["
        + "[[[0,0],[1,0],[1,1],[0,1],[0,0]]],[[[5,5],[6,5],[6,6],[5,6],[5,5]]]]}", 100);
    assertEquals(2, multi.geometry().getNumGeometries());
  }

  @Test
  void refusesUnclosedRings() {
    assertEquals("every ring must be closed (its first and last positions equal)",
        invalid("{\"type\":\"Polygon\",\"coordinates\":[[[0,0],[1,0],[1,1],[0,1]]]}"));
  }

  @Test
  void refusesOtherGeometryTypesAndMalformedText() {
    assertEquals("must be a GeoJSON Polygon or MultiPolygon", invalid("{\"type\":\"Point\",\"coordinates\":[1,2]}"));
    assertTrue(invalid("{\"type\":\"Polygon\"").startsWith("is not"));
    assertTrue(invalid("{\"type\":\"Polygon\",\"coordinates\":\"x\"}").startsWith("is not"));
  }

  @Test
  void refusesPositionsOutsideWgs84() {
    assertEquals("has a position outside WGS84 ranges: [200.0, 10.0] (positions are [longitude, latitude])",
        invalid("{\"type\":\"Polygon\",\"coordinates\":[[[200,10],[201,10],[201,11],[200,11],[200,10]]]}"));
  }

  @Test
  void refusesSelfIntersectingArea() {
    String bowtie = "{\"type\":\"Polygon\",\"coordinates\":[[[0,0],[2,2],[2,0],[0,2],[0,0]]]}";
    assertEquals("is not a valid area: self-intersection at [1.0, 1.0]", invalid(bowtie));
  }

  @Test
  void refusesTooManyVertices() {
    assertThrows(ZoneAreas.InvalidArea.class, () -> ZoneAreas.parse(SQUARE, 4));
  }
}
