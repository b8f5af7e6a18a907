package org.dispatchengine.engine.setup;

import org.dispatchengine.engine.Ids;
import org.dispatchengine.engine.geo.LatLon;
import org.dispatchengine.engine.geo.ZoneAreas;
import org.dispatchengine.engine.geo.ZoneIndex;

import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The zones of every tenant, with a spatial index of each tenant's active zones that is rebuilt when one of them
 * changes (rare), so that resolving an order's dropoff, or a courier's dispatch region, never scans polygons.
 */
public final class Zones extends Definitions<ZoneSpec> {
  private final ConcurrentHashMap<String, ZoneIndex.IndexedZone> indexedById = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, ZoneIndex> indexByTenant = new ConcurrentHashMap<>();
  private final int maxVertices;

  public Zones(int maxVertices) {
    super(SetupKind.ZONE);
    this.maxVertices = maxVertices;
  }

  public int maxVertices() {
    return maxVertices;
  }

  /**
   * The dispatch region of a point of the tenant's map: that of the active zone covering it, else that of the nearest
   * active zone; "" (the tenant-wide dispatcher) when none of the tenant's zones has a region.
   */
  public String regionAt(String tenantId, LatLon position) {
    return indexByTenant.getOrDefault(tenantId, ZoneIndex.EMPTY).regionAt(position);
  }

  /** The dispatch region of a zone, deleted or not; "" when it has none or is unknown here. */
  public String regionOf(String tenantId, String zoneId) {
    return zoneId == null ? "" : get(tenantId, zoneId).map(zone -> zone.spec().dispatchRegion()).orElse("");
  }

  /** The dispatch regions of the tenant's active zones, "" included when some zone has none. */
  public Set<String> regions(String tenantId) {
    return indexByTenant.getOrDefault(tenantId, ZoneIndex.EMPTY).regions();
  }

  /** The active zone of the tenant that covers {@code position}. */
  public Optional<Definition<ZoneSpec>> zoneAt(String tenantId, LatLon position) {
    return indexByTenant.getOrDefault(tenantId, ZoneIndex.EMPTY).zoneAt(position)
        .flatMap(zoneId -> active(tenantId, zoneId));
  }

  @Override
  protected void changed(String tenantId, String id, Definition<ZoneSpec> before, Definition<ZoneSpec> after) {
    String region = after.spec().dispatchRegion();
    if (before == null || !before.spec().area().equals(after.spec().area())) {
      try {
        indexedById.put(Ids.entityId(tenantId, id),
            ZoneIndex.IndexedZone.of(id, region, ZoneAreas.parse(after.spec().area(), Integer.MAX_VALUE).geometry()));
      } catch (ZoneAreas.InvalidArea e) {
        throw new IllegalStateException("Stored area of zone " + id + " no longer parses", e);
      }
    } else {
      indexedById.computeIfPresent(Ids.entityId(tenantId, id), (key, indexed) -> indexed.inRegion(region));
    }
    // compute() runs after this change was stored, so the last rebuild of a tenant sees every change before it
    indexByTenant.compute(tenantId, (tenant, old) -> ZoneIndex.of(ofTenant(tenant).stream()
        .filter(Definition::isActive)
        .map(zone -> indexedById.get(Ids.entityId(tenant, zone.id())))
        // a zone stored by a concurrent change but not parsed yet is indexed by that change's own rebuild
        .filter(Objects::nonNull)
        .toList()));
  }
}
