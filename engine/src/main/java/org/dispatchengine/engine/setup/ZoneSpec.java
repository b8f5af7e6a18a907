package org.dispatchengine.engine.setup;

import org.dispatchengine.engine.geo.FeeRule;

/**
 * A delivery zone: where orders may be dropped off, and how they are priced there.
 *
 * @param area normalized GeoJSON Polygon or MultiPolygon; JTS objects are built from it in memory only
 * @param region the dispatch region the zone belongs to, null for none: a tenant's regions are dispatched apart
 */
public record ZoneSpec(String name, String area, FeeRule fee, String region) implements Spec {
  /** The region as dispatch routing names it: "" for the tenant-wide dispatcher. */
  public String dispatchRegion() {
    return region == null ? "" : region;
  }
}
