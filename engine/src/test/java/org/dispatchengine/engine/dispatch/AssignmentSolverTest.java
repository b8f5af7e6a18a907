package org.dispatchengine.engine.dispatch;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

class AssignmentSolverTest {
  private static final double F = AssignmentSolver.FORBIDDEN;

  @Test
  void choosesTheLeastTotalNotTheGreedyPairs() {
    // greedy would give row 0 column 0 (1) and row 1 column 1 (100): 101; the optimum is 2 + 3 = 5
    double[][] cost = {{1, 2}, {3, 100}};
    assertArrayEquals(new int[] {1, 0}, AssignmentSolver.solve(cost));
  }

  @Test
  void leavesRowsWithoutAColumnOrWithOnlyForbiddenPairsUnassigned() {
    assertArrayEquals(new int[] {0, -1, -1}, AssignmentSolver.solve(new double[][] {{5}, {F}, {9}}));
    assertArrayEquals(new int[] {-1, 0}, AssignmentSolver.solve(new double[][] {{F, F}, {4, F}}));
    assertArrayEquals(new int[] {0, -1}, AssignmentSolver.solve(new double[][] {{1}, {2}}));
    assertArrayEquals(new int[0], AssignmentSolver.solve(new double[0][0]));
  }

  @Test
  void matchesBruteForceOnRandomInstances() {
    Random random = new Random(11);
    for (int instance = 0; instance < 500; instance++) {
      int rows = 1 + random.nextInt(6);
      int cols = 1 + random.nextInt(6);
      double[][] cost = new double[rows][cols];
      for (int r = 0; r < rows; r++) {
        for (int c = 0; c < cols; c++) {
          cost[r][c] = random.nextInt(8) == 0 ? F : random.nextInt(1_000);
        }
      }
      int[] solved = AssignmentSolver.solve(cost);
      long[] best = bruteForce(cost, 0, new boolean[cols]);
      long[] got = evaluate(cost, solved);
      assertEquals(best[0], got[0], "pairs matched, instance " + instance);
      assertEquals(best[1], got[1], "total cost, instance " + instance);
    }
  }

  /** {pairs matched, total cost}: most pairs first (forbidden pairs never count), then least cost. */
  private static long[] evaluate(double[][] cost, int[] assignment) {
    long pairs = 0;
    long total = 0;
    boolean[] used = new boolean[cost[0].length];
    for (int r = 0; r < assignment.length; r++) {
      if (assignment[r] >= 0) {
        assertNotEquals(F, cost[r][assignment[r]]);
        assertEquals(false, used[assignment[r]], "a column is used once");
        used[assignment[r]] = true;
        pairs++;
        total += (long) cost[r][assignment[r]];
      }
    }
    return new long[] {pairs, total};
  }

  private static long[] bruteForce(double[][] cost, int row, boolean[] used) {
    if (row == cost.length) {
      return new long[] {0, 0};
    }
    long[] best = bruteForce(cost, row + 1, used);
    for (int c = 0; c < used.length; c++) {
      if (!used[c] && cost[row][c] < F) {
        used[c] = true;
        long[] rest = bruteForce(cost, row + 1, used);
        used[c] = false;
        long[] option = {rest[0] + 1, rest[1] + (long) cost[row][c]};
        if (option[0] > best[0] || (option[0] == best[0] && option[1] < best[1])) {
          best = option;
        }
      }
    }
    return best;
  }
}
