package org.dispatchengine.engine.geo;

import org.locationtech.jts.geom.Coordinate;
import org.locationtech.jts.geom.Geometry;
import org.locationtech.jts.geom.GeometryFactory;
import org.locationtech.jts.geom.MultiPolygon;
import org.locationtech.jts.geom.Polygon;
import org.locationtech.jts.geom.PrecisionModel;
import org.locationtech.jts.io.ParseException;
import org.locationtech.jts.io.geojson.GeoJsonReader;
import org.locationtech.jts.io.geojson.GeoJsonWriter;
import org.locationtech.jts.operation.valid.IsValidOp;
import org.locationtech.jts.operation.valid.TopologyValidationError;

/**
 * Zone areas: RFC 7946 GeoJSON {@code Polygon} or {@code MultiPolygon} in WGS84, read by JTS's GeoJSON reader and
 * checked for closed rings, coordinate ranges, a vertex limit and topological validity.
 */
public final class ZoneAreas {
  static final GeometryFactory GEOMETRY = new GeometryFactory(new PrecisionModel(), 4326);

  private ZoneAreas() {}

  /** A usable area, with the GeoJSON that is stored for it. */
  public record Area(Geometry geometry, String geoJson) {}

  /** Why a text is not a usable area. */
  public static final class InvalidArea extends Exception {
    InvalidArea(String message) {
      super(message, null, false, false);
    }
  }

  /** JTS reports ring errors as an IllegalArgumentException, possibly wrapped in its ParseException. */
  private static String describe(Exception failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      String message = String.valueOf(t.getMessage());
      if (t instanceof IllegalArgumentException && message.contains("closed")) {
        return "every ring must be closed (its first and last positions equal)";
      }
      if (t instanceof IllegalArgumentException && message.contains("LinearRing")) {
        return "every ring needs at least 4 positions";
      }
    }
    return failure instanceof ParseException ? "is not GeoJSON: " + failure.getMessage()
        : "is not a well-formed GeoJSON geometry";
  }

  public static Area parse(String geoJson, int maxVertices) throws InvalidArea {
    Geometry geometry;
    try {
      geometry = new GeoJsonReader(GEOMETRY).read(geoJson);
    } catch (ParseException | RuntimeException e) {
      throw new InvalidArea(describe(e));
    }
    if (!(geometry instanceof Polygon || geometry instanceof MultiPolygon)) {
      throw new InvalidArea("must be a GeoJSON Polygon or MultiPolygon");
    }
    if (geometry.isEmpty()) {
      throw new InvalidArea("must not be empty");
    }
    if (geometry.getNumPoints() > maxVertices) {
      throw new InvalidArea("has " + geometry.getNumPoints() + " positions; at most " + maxVertices + " are allowed");
    }
    for (Coordinate c : geometry.getCoordinates()) {
      if (!LatLon.isValid(c.y, c.x)) {
        throw new InvalidArea("has a position outside WGS84 ranges: [" + c.x + ", " + c.y
            + "] (positions are [longitude, latitude])");
      }
    }
    TopologyValidationError error = new IsValidOp(geometry).getValidationError();
    if (error != null) {
      Coordinate at = error.getCoordinate();
      throw new InvalidArea("is not a valid area: " + error.getMessage().toLowerCase(java.util.Locale.ROOT)
          + (at == null ? "" : " at [" + at.x + ", " + at.y + "]"));
    }
    GeoJsonWriter writer = new GeoJsonWriter();
    writer.setEncodeCRS(false);
    return new Area(geometry, writer.write(geometry));
  }
}
