package org.dispatchengine.engine.setup;

import org.dispatchengine.engine.geo.FeeRule;

/**
 * A delivery zone: where orders may be dropped off, and how they are priced there.
 *
 * @param area normalized GeoJSON Polygon or MultiPolygon; JTS objects are built from it in memory only
 */
public record ZoneSpec(String name, String area, FeeRule fee) implements Spec {}
