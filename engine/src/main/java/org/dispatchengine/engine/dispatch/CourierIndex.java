package org.dispatchengine.engine.dispatch;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.function.Predicate;

/**
 * Points with payloads in a uniform grid of latitude/longitude cells, for "the k nearest within r metres" while the
 * points move all the time. A move within a cell is a field update and a move across cells two array operations, so
 * an update costs the same however many points there are; a query looks at the rings of cells around the target only
 * until no unseen cell can hold a nearer point. Distances are equirectangular: within a city the error is far below
 * a GPS fix's. Not thread-safe: one dispatcher owns one index.
 */
public final class CourierIndex<T> {
  private static final double METERS_PER_DEGREE = 111_195.0;

  /** A point found by a query, with its distance from the target in metres. */
  public record Hit<T>(String id, double lat, double lon, T payload, double meters) {}

  private static final class Entry<T> {
    final String id;
    double lat;
    double lon;
    T payload;
    long cellKey;
    int slot;

    Entry(String id) {
      this.id = id;
    }
  }

  private final double cellDegrees;
  private final Map<Long, List<Entry<T>>> cells = new HashMap<>();
  private final Map<String, Entry<T>> byId = new HashMap<>();

  /** @param cellMeters the height of a cell; about the radius most queries are answered within */
  public CourierIndex(double cellMeters) {
    this.cellDegrees = cellMeters / METERS_PER_DEGREE;
  }

  public int size() {
    return byId.size();
  }

  public boolean contains(String id) {
    return byId.containsKey(id);
  }

  public void upsert(String id, double lat, double lon, T payload) {
    Entry<T> entry = byId.get(id);
    long key = cellKey(lat, lon);
    if (entry == null) {
      entry = new Entry<>(id);
      byId.put(id, entry);
      entry.cellKey = key;
      add(entry);
    } else if (entry.cellKey != key) {
      detach(entry);
      entry.cellKey = key;
      add(entry);
    }
    entry.lat = lat;
    entry.lon = lon;
    entry.payload = payload;
  }

  public void remove(String id) {
    Entry<T> entry = byId.remove(id);
    if (entry != null) {
      detach(entry);
    }
  }

  /** Up to {@code k} points within {@code maxMeters} of the target that pass {@code filter}, nearest first. */
  public List<Hit<T>> nearest(double lat, double lon, int k, double maxMeters, Predicate<T> filter) {
    if (k <= 0 || byId.isEmpty()) {
      return List.of();
    }
    int row = row(lat);
    int col = col(lon);
    double cosLat = Math.cos(Math.toRadians(lat));
    double cellHeight = cellDegrees * METERS_PER_DEGREE;
    // the narrowest a cell gets near this latitude bounds how far ring r at least is
    double nearestRingStep = Math.min(cellHeight, cellHeight * Math.max(cosLat, 0.01));
    PriorityQueue<Hit<T>> best = new PriorityQueue<>(k + 1, Comparator.comparingDouble((Hit<T> h) -> h.meters).reversed());
    int maxRing = (int) Math.ceil(maxMeters / nearestRingStep) + 1;
    for (int ring = 0; ring <= maxRing; ring++) {
      double ringStart = Math.max(0, ring - 1) * nearestRingStep;
      if (ringStart > maxMeters || (best.size() == k && ringStart > best.peek().meters)) {
        break;
      }
      for (int r = row - ring; r <= row + ring; r++) {
        boolean edgeRow = r == row - ring || r == row + ring;
        for (int c = col - ring; c <= col + ring; c += edgeRow ? 1 : 2 * ring) {
          // a cell that cannot hold anything nearer than what was found (or within reach) is not looked into
          double bound = best.size() == k ? best.peek().meters : maxMeters;
          if (metersToCell(r, c, lat, lon, cosLat) <= bound) {
            scan(cells.get(key(r, c)), lat, lon, cosLat, k, maxMeters, filter, best);
          }
          if (ring == 0) {
            break;
          }
        }
      }
    }
    List<Hit<T>> hits = new ArrayList<>(best);
    hits.sort(Comparator.comparingDouble(Hit::meters));
    return hits;
  }

  private void scan(List<Entry<T>> cell, double lat, double lon, double cosLat, int k, double maxMeters,
      Predicate<T> filter, PriorityQueue<Hit<T>> best) {
    if (cell == null) {
      return;
    }
    for (int i = 0, n = cell.size(); i < n; i++) {
      Entry<T> e = cell.get(i);
      double dy = (e.lat - lat) * METERS_PER_DEGREE;
      double dx = (e.lon - lon) * METERS_PER_DEGREE * cosLat;
      double meters = Math.sqrt(dx * dx + dy * dy);
      if (meters > maxMeters || (best.size() == k && meters >= best.peek().meters) || !filter.test(e.payload)) {
        continue;
      }
      best.add(new Hit<>(e.id, e.lat, e.lon, e.payload, meters));
      if (best.size() > k) {
        best.poll();
      }
    }
  }

  /** The shortest distance from the point to cell (row, col), in the same measure as the points'; 0 inside it. */
  private double metersToCell(int row, int col, double lat, double lon, double cosLat) {
    double south = row * cellDegrees;
    double west = col * cellDegrees;
    double dLat = lat < south ? south - lat : Math.max(0, lat - (south + cellDegrees));
    double dLon = lon < west ? west - lon : Math.max(0, lon - (west + cellDegrees));
    double dy = dLat * METERS_PER_DEGREE;
    double dx = dLon * METERS_PER_DEGREE * cosLat;
    return Math.sqrt(dx * dx + dy * dy);
  }

  private void add(Entry<T> entry) {
    List<Entry<T>> cell = cells.computeIfAbsent(entry.cellKey, key -> new ArrayList<>(4));
    entry.slot = cell.size();
    cell.add(entry);
  }

  /** Swap-remove: the cell's last entry takes the slot. */
  private void detach(Entry<T> entry) {
    List<Entry<T>> cell = cells.get(entry.cellKey);
    Entry<T> last = cell.remove(cell.size() - 1);
    if (last != entry) {
      cell.set(entry.slot, last);
      last.slot = entry.slot;
    }
    if (cell.isEmpty()) {
      cells.remove(entry.cellKey);
    }
  }

  private int row(double lat) {
    return (int) Math.floor(lat / cellDegrees);
  }

  private int col(double lon) {
    return (int) Math.floor(lon / cellDegrees);
  }

  private long cellKey(double lat, double lon) {
    return key(row(lat), col(lon));
  }

  private static long key(int row, int col) {
    return ((long) row << 32) | (col & 0xffffffffL);
  }
}
