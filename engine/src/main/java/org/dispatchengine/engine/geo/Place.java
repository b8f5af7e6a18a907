package org.dispatchengine.engine.geo;

import org.dispatchengine.engine.CborSerializable;

/** A position with the address a person would read; {@code address} may be null. */
public record Place(double lat, double lon, String address) implements CborSerializable {
  public LatLon point() {
    return new LatLon(lat, lon);
  }
}
