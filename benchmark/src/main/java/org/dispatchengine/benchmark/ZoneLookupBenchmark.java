package org.dispatchengine.benchmark;

import org.dispatchengine.engine.geo.LatLon;
import org.dispatchengine.engine.geo.ZoneAreas;
import org.dispatchengine.engine.geo.ZoneIndex;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * Resolving an order's dropoff to a zone, and a courier's position to its dispatch region (what every courier report
 * of a tenant with regions costs): the R-tree of prepared geometries against many zones, in four regions. A quarter
 * of the points fall between the round zones, where the region is that of the nearest zone.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class ZoneLookupBenchmark {
  @Param({"10", "1000"})
  int zones;

  private ZoneIndex index;
  private LatLon[] points;
  private int next;

  @Setup
  public void setUp() throws Exception {
    int side = (int) Math.ceil(Math.sqrt(zones));
    List<ZoneIndex.IndexedZone> indexed = new ArrayList<>();
    for (int i = 0; i < zones; i++) {
      double lon = 13.0 + (i % side) * 0.01;
      double lat = 52.0 + (i / side) * 0.01;
      // 24-sided polygons: closer to real zone outlines than boxes
      StringBuilder ring = new StringBuilder();
      for (int k = 0; k <= 24; k++) {
        double angle = 2 * Math.PI * (k % 24) / 24;
        ring.append(k == 0 ? "" : ",").append('[').append(lon + 0.005 + 0.0049 * Math.cos(angle)).append(',')
            .append(lat + 0.005 + 0.0049 * Math.sin(angle)).append(']');
      }
      String polygon = "{\"type\":\"Polygon\",\"coordinates\":[[" + ring + "]]}";
      indexed.add(ZoneIndex.IndexedZone.of("z" + i, "r" + (i * 4 / zones), ZoneAreas.parse(polygon, 1000).geometry()));
    }
    index = ZoneIndex.of(indexed);
    SplittableRandom random = new SplittableRandom(42);
    points = new LatLon[4096];
    for (int i = 0; i < points.length; i++) {
      points[i] = new LatLon(52.0 + random.nextDouble() * side * 0.01, 13.0 + random.nextDouble() * side * 0.01);
    }
  }

  @Benchmark
  public Optional<String> zoneAt() {
    next = (next + 1) & (points.length - 1);
    return index.zoneAt(points[next]);
  }

  @Benchmark
  public String regionAt() {
    next = (next + 1) & (points.length - 1);
    return index.regionAt(points[next]);
  }
}
