package org.dispatchengine.engine.dispatch;

import java.util.Arrays;

/**
 * Minimum-cost assignment of rows (orders) to columns (couriers): the shortest-augmenting-path form of the Hungarian
 * method with potentials (Jonker-Volgenant style), O(n^2 m) for n rows and m columns. Pairs that must not be matched
 * cost {@link #FORBIDDEN}; the solver avoids them wherever possible and leaves such rows unassigned.
 */
public final class AssignmentSolver {
  /** The cost of a pair that may not be matched. */
  public static final double FORBIDDEN = 1e12;

  private AssignmentSolver() {}

  /** For each row, its column, or -1 when it gets none (more rows than columns, or only forbidden pairs left). */
  public static int[] solve(double[][] cost) {
    int rows = cost.length;
    if (rows == 0) {
      return new int[0];
    }
    int cols = cost[0].length;
    if (cols == 0) {
      int[] none = new int[rows];
      Arrays.fill(none, -1);
      return none;
    }
    if (rows > cols) {
      int[] byColumn = solve(transpose(cost));
      int[] byRow = new int[rows];
      Arrays.fill(byRow, -1);
      for (int c = 0; c < cols; c++) {
        if (byColumn[c] >= 0) {
          byRow[byColumn[c]] = c;
        }
      }
      return byRow;
    }
    int[] assignment = augment(cost, rows, cols);
    for (int r = 0; r < rows; r++) {
      if (assignment[r] >= 0 && cost[r][assignment[r]] >= FORBIDDEN) {
        assignment[r] = -1;
      }
    }
    return assignment;
  }

  /** rows <= cols: every row gets a column. Arrays are 1-based internally; index 0 is the virtual start. */
  private static int[] augment(double[][] cost, int rows, int cols) {
    double[] rowPotential = new double[rows + 1];
    double[] colPotential = new double[cols + 1];
    int[] rowOfCol = new int[cols + 1];
    int[] way = new int[cols + 1];
    double[] minReduced = new double[cols + 1];
    boolean[] used = new boolean[cols + 1];
    for (int row = 1; row <= rows; row++) {
      rowOfCol[0] = row;
      int col0 = 0;
      Arrays.fill(minReduced, Double.POSITIVE_INFINITY);
      Arrays.fill(used, false);
      do {
        used[col0] = true;
        int r0 = rowOfCol[col0];
        double delta = Double.POSITIVE_INFINITY;
        int col1 = 0;
        double[] costRow = cost[r0 - 1];
        double u = rowPotential[r0];
        for (int c = 1; c <= cols; c++) {
          if (!used[c]) {
            double reduced = costRow[c - 1] - u - colPotential[c];
            if (reduced < minReduced[c]) {
              minReduced[c] = reduced;
              way[c] = col0;
            }
            if (minReduced[c] < delta) {
              delta = minReduced[c];
              col1 = c;
            }
          }
        }
        for (int c = 0; c <= cols; c++) {
          if (used[c]) {
            rowPotential[rowOfCol[c]] += delta;
            colPotential[c] -= delta;
          } else {
            minReduced[c] -= delta;
          }
        }
        col0 = col1;
      } while (rowOfCol[col0] != 0);
      do {
        int col1 = way[col0];
        rowOfCol[col0] = rowOfCol[col1];
        col0 = col1;
      } while (col0 != 0);
    }
    int[] assignment = new int[rows];
    Arrays.fill(assignment, -1);
    for (int c = 1; c <= cols; c++) {
      if (rowOfCol[c] != 0) {
        assignment[rowOfCol[c] - 1] = c - 1;
      }
    }
    return assignment;
  }

  private static double[][] transpose(double[][] cost) {
    double[][] t = new double[cost[0].length][cost.length];
    for (int r = 0; r < cost.length; r++) {
      for (int c = 0; c < cost[0].length; c++) {
        t[c][r] = cost[r][c];
      }
    }
    return t;
  }
}
