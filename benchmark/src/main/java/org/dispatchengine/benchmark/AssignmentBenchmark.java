package org.dispatchengine.benchmark;

import org.dispatchengine.engine.dispatch.AssignmentSolver;
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

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * The batch solver on dense n x n instances: pickup times of orders and couriers placed at random in a city, in
 * seconds. Dense is the worst case; the dispatcher's matrices are sparse (ten candidates per order).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class AssignmentBenchmark {
  @Param({"100", "500", "1000"})
  int size;

  private double[][] cost;

  @Setup
  public void setUp() {
    SplittableRandom random = new SplittableRandom(42);
    double[][] orders = new double[size][2];
    double[][] couriers = new double[size][2];
    for (int i = 0; i < size; i++) {
      orders[i] = new double[] {random.nextDouble() * 20_000, random.nextDouble() * 20_000};
      couriers[i] = new double[] {random.nextDouble() * 20_000, random.nextDouble() * 20_000};
    }
    cost = new double[size][size];
    for (int o = 0; o < size; o++) {
      for (int c = 0; c < size; c++) {
        cost[o][c] = Math.hypot(orders[o][0] - couriers[c][0], orders[o][1] - couriers[c][1]) / 4.2;
      }
    }
  }

  @Benchmark
  public int[] solve() {
    return AssignmentSolver.solve(cost);
  }
}
