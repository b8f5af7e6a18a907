package org.dispatchengine.engine.geo;

import org.locationtech.jts.geom.Envelope;
import org.locationtech.jts.geom.Geometry;
import org.locationtech.jts.geom.Point;
import org.locationtech.jts.geom.prep.PreparedGeometry;
import org.locationtech.jts.geom.prep.PreparedGeometryFactory;
import org.locationtech.jts.index.strtree.STRtree;

import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * The active zones of one tenant in an R-tree of prepared geometries: resolving a point looks only at the zones whose
 * bounding boxes contain it. Where zones overlap, the smallest one wins (the most specific), then the lowest id.
 * Immutable once built, so any number of threads may query it.
 */
public final class ZoneIndex {
  public static final ZoneIndex EMPTY = of(List.of());

  /** A zone ready to be indexed. */
  public record IndexedZone(String zoneId, PreparedGeometry area, double size) {
    public static IndexedZone of(String zoneId, Geometry area) {
      return new IndexedZone(zoneId, PreparedGeometryFactory.prepare(area), area.getArea());
    }
  }

  private static final Comparator<IndexedZone> MOST_SPECIFIC =
      Comparator.comparingDouble(IndexedZone::size).thenComparing(IndexedZone::zoneId);

  private final STRtree tree;

  private ZoneIndex(STRtree tree) {
    this.tree = tree;
  }

  public static ZoneIndex of(Collection<IndexedZone> zones) {
    STRtree tree = new STRtree();
    for (IndexedZone zone : zones) {
      tree.insert(zone.area().getGeometry().getEnvelopeInternal(), zone);
    }
    tree.build();
    return new ZoneIndex(tree);
  }

  /** The zone covering {@code position} (boundaries included), if any. */
  public Optional<String> zoneAt(LatLon position) {
    Point point = ZoneAreas.GEOMETRY.createPoint(new org.locationtech.jts.geom.Coordinate(position.lon(), position.lat()));
    @SuppressWarnings("unchecked")
    List<IndexedZone> candidates = tree.query(new Envelope(point.getCoordinate()));
    return candidates.stream()
        .filter(zone -> zone.area().covers(point))
        .min(MOST_SPECIFIC)
        .map(IndexedZone::zoneId);
  }
}
