package org.dispatchengine.engine.geo;

import org.dispatchengine.engine.CborSerializable;

/** A WGS84 position in degrees. */
public record LatLon(double lat, double lon) implements CborSerializable {
  private static final double EARTH_RADIUS_METERS = 6_371_008.8;

  public static boolean isValid(double lat, double lon) {
    return lat >= -90 && lat <= 90 && lon >= -180 && lon <= 180;
  }

  /** Great-circle (haversine) distance; straight-line, not along roads. */
  public double metersTo(LatLon other) {
    double dLat = Math.toRadians(other.lat - lat);
    double dLon = Math.toRadians(other.lon - lon);
    double a = Math.pow(Math.sin(dLat / 2), 2)
        + Math.cos(Math.toRadians(lat)) * Math.cos(Math.toRadians(other.lat)) * Math.pow(Math.sin(dLon / 2), 2);
    return 2 * EARTH_RADIUS_METERS * Math.asin(Math.min(1, Math.sqrt(a)));
  }
}
