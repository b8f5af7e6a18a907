package org.dispatchengine.engine.dispatch;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CourierIndexTest {
  private static final double METERS_PER_DEGREE = 111_195.0;

  @Test
  void findsTheNearestWithinTheRadiusNearestFirst() {
    CourierIndex<String> index = new CourierIndex<>(500);
    index.upsert("near", 52.5001, 13.4000, "near");
    index.upsert("mid", 52.5100, 13.4000, "mid");
    index.upsert("far", 52.6000, 13.4000, "far");
    List<CourierIndex.Hit<String>> hits = index.nearest(52.5, 13.4, 10, 5_000, p -> true);
    assertEquals(List.of("near", "mid"), hits.stream().map(CourierIndex.Hit::id).toList());
    assertEquals(11, Math.round(hits.get(0).meters()));
    assertEquals(1_112, Math.round(hits.get(1).meters()));
  }

  @Test
  void movesRemovesAndFilters() {
    CourierIndex<String> index = new CourierIndex<>(500);
    index.upsert("a", 52.50, 13.40, "a");
    index.upsert("b", 52.50, 13.41, "b");
    index.upsert("a", 52.60, 13.40, "a");
    assertEquals(List.of("b"), ids(index.nearest(52.5, 13.4, 5, 2_000, p -> true)));
    index.remove("b");
    assertEquals(List.of(), ids(index.nearest(52.5, 13.4, 5, 2_000, p -> true)));
    assertEquals(1, index.size());
    assertTrue(index.contains("a"));
    assertFalse(index.contains("b"));
    index.upsert("c", 52.6001, 13.40, "c");
    assertEquals(List.of("c"), ids(index.nearest(52.6, 13.4, 5, 2_000, p -> !p.equals("a"))));
  }

  @Test
  void agreesWithABruteForceSearchUnderRandomMovesAndRemovals() {
    Random random = new Random(7);
    CourierIndex<String> index = new CourierIndex<>(300);
    Map<String, double[]> truth = new HashMap<>();
    for (int step = 0; step < 20_000; step++) {
      String id = "c" + random.nextInt(2_000);
      if (random.nextInt(10) == 0) {
        index.remove(id);
        truth.remove(id);
      } else {
        double lat = 52.4 + random.nextDouble() * 0.2;
        double lon = 13.3 + random.nextDouble() * 0.3;
        index.upsert(id, lat, lon, id);
        truth.put(id, new double[] {lat, lon});
      }
      if (step % 500 == 0) {
        double lat = 52.4 + random.nextDouble() * 0.2;
        double lon = 13.3 + random.nextDouble() * 0.3;
        int k = 1 + random.nextInt(15);
        double radius = 200 + random.nextDouble() * 5_000;
        assertEquals(bruteForce(truth, lat, lon, k, radius), ids(index.nearest(lat, lon, k, radius, p -> true)),
            "query " + step);
      }
    }
    assertEquals(truth.size(), index.size());
  }

  private static List<String> bruteForce(Map<String, double[]> points, double lat, double lon, int k, double radius) {
    double cosLat = Math.cos(Math.toRadians(lat));
    List<Map.Entry<String, Double>> within = new ArrayList<>();
    points.forEach((id, p) -> {
      double dy = (p[0] - lat) * METERS_PER_DEGREE;
      double dx = (p[1] - lon) * METERS_PER_DEGREE * cosLat;
      double meters = Math.sqrt(dx * dx + dy * dy);
      if (meters <= radius) {
        within.add(Map.entry(id, meters));
      }
    });
    return within.stream().sorted(Map.Entry.comparingByValue(Comparator.naturalOrder())).limit(k)
        .map(Map.Entry::getKey).toList();
  }

  private static List<String> ids(List<CourierIndex.Hit<String>> hits) {
    return hits.stream().map(CourierIndex.Hit::id).toList();
  }
}
