package org.dispatchengine.engine.geo;

import org.locationtech.jts.geom.Coordinate;
import org.locationtech.jts.geom.Envelope;
import org.locationtech.jts.geom.Geometry;
import org.locationtech.jts.geom.Point;
import org.locationtech.jts.geom.prep.PreparedGeometry;
import org.locationtech.jts.geom.prep.PreparedGeometryFactory;
import org.locationtech.jts.index.strtree.STRtree;

import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The active zones of one tenant in an R-tree of prepared geometries: resolving a point looks only at the zones whose
 * bounding boxes contain it. Where zones overlap, the smallest one wins (the most specific), then the lowest id.
 * Immutable once built, so any number of threads may query it.
 */
public final class ZoneIndex {
  public static final ZoneIndex EMPTY = of(List.of());

  /**
   * A zone ready to be indexed.
   *
   * @param region the dispatch region the zone belongs to, "" for none (the tenant-wide dispatcher)
   */
  public record IndexedZone(String zoneId, String region, PreparedGeometry area, double size) {
    public IndexedZone {
      Objects.requireNonNull(region);
    }

    public static IndexedZone of(String zoneId, String region, Geometry area) {
      return new IndexedZone(zoneId, region, PreparedGeometryFactory.prepare(area), area.getArea());
    }

    public IndexedZone inRegion(String newRegion) {
      return new IndexedZone(zoneId, newRegion, area, size);
    }
  }

  private static final Comparator<IndexedZone> MOST_SPECIFIC =
      Comparator.comparingDouble(IndexedZone::size).thenComparing(IndexedZone::zoneId);

  private final STRtree tree;
  private final Set<String> regions;
  private final boolean regional;

  private ZoneIndex(STRtree tree, Set<String> regions) {
    this.tree = tree;
    this.regions = regions;
    this.regional = regions.stream().anyMatch(region -> !region.isEmpty());
  }

  public static ZoneIndex of(Collection<IndexedZone> zones) {
    STRtree tree = new STRtree();
    for (IndexedZone zone : zones) {
      tree.insert(zone.area().getGeometry().getEnvelopeInternal(), zone);
    }
    tree.build();
    return new ZoneIndex(tree, zones.stream().map(IndexedZone::region).collect(Collectors.toUnmodifiableSet()));
  }

  /** The regions of the indexed zones, "" included when some zone has none. */
  public Set<String> regions() {
    return regions;
  }

  /** The zone covering {@code position} (boundaries included), if any. */
  public Optional<String> zoneAt(LatLon position) {
    return covering(point(position)).map(IndexedZone::zoneId);
  }

  /**
   * The dispatch region of {@code position}: that of the zone covering it or, outside every zone, that of the zone
   * whose bounding box is nearest (in degrees). "" when no zone has a region, without looking at any geometry.
   */
  public String regionAt(LatLon position) {
    if (!regional) {
      return "";
    }
    Point point = point(position);
    return covering(point).or(() -> nearest(point)).map(IndexedZone::region).orElse("");
  }

  private Optional<IndexedZone> covering(Point point) {
    @SuppressWarnings("unchecked")
    List<IndexedZone> candidates = tree.query(new Envelope(point.getCoordinate()));
    return candidates.stream()
        .filter(zone -> zone.area().covers(point))
        .min(MOST_SPECIFIC);
  }

  /** The zone whose bounding box is nearest: enough to tell one city's zones from another's, and cheap. */
  private Optional<IndexedZone> nearest(Point point) {
    Envelope at = point.getEnvelopeInternal();
    Object found = tree.nearestNeighbour(at, at, (a, b) -> a.getBounds() instanceof Envelope e
        && b.getBounds() instanceof Envelope f ? e.distance(f) : Double.MAX_VALUE);
    return Optional.ofNullable((IndexedZone) found);
  }

  private static Point point(LatLon position) {
    return ZoneAreas.GEOMETRY.createPoint(new Coordinate(position.lon(), position.lat()));
  }
}
