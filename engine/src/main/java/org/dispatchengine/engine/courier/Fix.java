package org.dispatchengine.engine.courier;

import org.dispatchengine.engine.CborSerializable;
import org.dispatchengine.engine.geo.LatLon;

import java.time.Instant;

/**
 * One position report of a courier's device.
 *
 * @param accuracy metres, may be null
 * @param speed metres per second, may be null
 * @param heading degrees clockwise from north, may be null
 * @param at when the device took the fix
 */
public record Fix(double lat, double lon, Double accuracy, Double speed, Double heading, Instant at)
    implements CborSerializable {
  public LatLon point() {
    return new LatLon(lat, lon);
  }
}
