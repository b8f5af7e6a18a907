package org.dispatchengine.benchmark;

import org.dispatchengine.engine.dispatch.CourierIndex;
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

import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * The dispatcher's courier index: the 10 nearest within 5 km, and a position update (a courier moving a few metres,
 * sometimes into the next cell), with couriers spread over a 40 x 40 km metropolitan area.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgs = {"-Xmx2g"})
public class CourierIndexBenchmark {
  private static final double SPAN_DEGREES = 0.36;

  @Param({"10000", "100000", "1000000"})
  int couriers;

  private CourierIndex<String> index;
  private String[] ids;
  private double[] lats;
  private double[] lons;
  private double[] queries;
  private int next;

  @Setup
  public void setUp() {
    SplittableRandom random = new SplittableRandom(42);
    index = new CourierIndex<>(500);
    ids = new String[couriers];
    lats = new double[couriers];
    lons = new double[couriers];
    for (int i = 0; i < couriers; i++) {
      ids[i] = "c" + i;
      lats[i] = 52.3 + random.nextDouble() * SPAN_DEGREES;
      lons[i] = 13.1 + random.nextDouble() * SPAN_DEGREES * 1.6;
      index.upsert(ids[i], lats[i], lons[i], ids[i]);
    }
    queries = new double[8192];
    for (int i = 0; i < queries.length; i += 2) {
      queries[i] = 52.3 + random.nextDouble() * SPAN_DEGREES;
      queries[i + 1] = 13.1 + random.nextDouble() * SPAN_DEGREES * 1.6;
    }
  }

  @Benchmark
  public List<CourierIndex.Hit<String>> nearest10() {
    int q = (next = (next + 2) & (queries.length - 1));
    return index.nearest(queries[q], queries[q + 1], 10, 5_000, id -> true);
  }

  @Benchmark
  public int update() {
    int i = (next = (next + 7919) % couriers);
    // about 5 m north-east: what a courier moves between two reports in traffic
    lats[i] += 0.00003;
    lons[i] += 0.00005;
    index.upsert(ids[i], lats[i], lons[i], ids[i]);
    return i;
  }
}
