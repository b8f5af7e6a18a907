package org.dispatchengine.benchmark;

import org.dispatchengine.engine.courier.Vehicle;
import org.dispatchengine.engine.dispatch.AssignmentSolver;
import org.dispatchengine.engine.dispatch.Scoring;
import org.dispatchengine.engine.order.Eta;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Dispatch quality on one generated day, in process: the same orders and couriers dispatched by {@code auto} (each
 * order to its best courier at once), {@code offer} (the best courier is asked; it answers after a few seconds and
 * sometimes declines) and {@code batch} for several windows (each window's waiting orders and free couriers matched
 * together by {@link AssignmentSolver}). Every strategy ranks couriers with the engine's own {@link Scoring}.
 *
 * <p>Reported per strategy: mean pickup distance and time from an order's arrival to its assignment. For each batch
 * window, also what the same window's orders would have got from the greedy rule (each order, oldest first, takes its
 * best free courier) and from the assignment with the least total pickup distance (the window's offline optimum for
 * pickup distance; batch minimises the score, which also weighs fairness, so it may sit a little above it).
 *
 * <pre>
 * java -cp benchmark/target/benchmarks.jar org.dispatchengine.benchmark.DispatchSimulation \
 *   [--couriers 120] [--orders 3000] [--hours 12] [--seed 7] [--windows 1,2,5,10]
 * </pre>
 */
public final class DispatchSimulation {
  private static final double AREA_METERS = 20_000;
  private static final double DROPOFF_RADIUS_METERS = 3_000;
  private static final double HANDLING_SECONDS = 240;
  private static final double TICK_SECONDS = 0.25;
  private static final double SPEED = Eta.typicalSpeed(Vehicle.BIKE);
  private static final double DECLINE_PROBABILITY = 0.15;

  private record Order(int id, double arrival, double pickupX, double pickupY, double dropoffX, double dropoffY) {}

  private static final class Courier {
    final int id;
    double x;
    double y;
    double busyUntil;
    double idleSince;
    boolean reserved;

    Courier(int id, double x, double y) {
      this.id = id;
      this.x = x;
      this.y = y;
    }

    boolean free(double now) {
      return !reserved && busyUntil <= now;
    }
  }

  /** What one strategy did with the day. */
  private static final class Outcome {
    final String name;
    final List<Double> pickupMeters = new ArrayList<>();
    final List<Double> waitSeconds = new ArrayList<>();
    double windowBatch;
    double windowGreedy;
    double windowOptimum;

    Outcome(String name) {
      this.name = name;
    }

    double mean(List<Double> values) {
      return values.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
    }

    double p90(List<Double> values) {
      double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
      return sorted.length == 0 ? Double.NaN : sorted[Math.max(0, (int) Math.ceil(0.9 * sorted.length) - 1)];
    }
  }

  private final int couriers;
  private final int orders;
  private final double hours;
  private final long seed;
  private final int[] windows;

  private DispatchSimulation(Options options) {
    this.couriers = options.integer("couriers", 120);
    this.orders = options.integer("orders", 3000);
    this.hours = options.decimal("hours", 12);
    this.seed = options.longInteger("seed", 7);
    this.windows = Arrays.stream(options.text("windows", "1,2,5,10").split(",")).mapToInt(Integer::parseInt)
        .toArray();
  }

  public static void main(String[] argv) {
    new DispatchSimulation(Options.parse(argv)).run();
  }

  private void run() {
    List<Order> day = orders();
    List<Outcome> outcomes = new ArrayList<>();
    outcomes.add(simulate("auto", day, this::auto));
    outcomes.add(simulate("offer", day, new Offers(new Random(seed + 1))));
    for (int window : windows) {
      outcomes.add(simulate("batch " + window + " s", day, new Batches(window)));
    }
    LoadClient.log("%d couriers, %d orders over %.0f h (seed %d), bikes at %.1f m/s, %.0f s at each stop", couriers,
        orders, hours, seed, SPEED, HANDLING_SECONDS / 2);
    LoadClient.log("%-12s %10s %10s %10s %10s %12s %12s", "strategy", "pickup m", "p90 m", "assign s", "p90 s",
        "vs greedy", "vs optimum");
    Outcome auto = outcomes.get(0);
    for (Outcome o : outcomes) {
      String vsGreedy = o.windowGreedy > 0 ? String.format("%+.1f %%", 100 * (o.windowBatch / o.windowGreedy - 1)) : "";
      String vsOptimum = o.windowOptimum > 0
          ? String.format("%+.1f %%", 100 * (o.windowBatch / o.windowOptimum - 1)) : "";
      LoadClient.log("%-12s %10.0f %10.0f %10.1f %10.1f %12s %12s", o.name, o.mean(o.pickupMeters),
          o.p90(o.pickupMeters), o.mean(o.waitSeconds), o.p90(o.waitSeconds), vsGreedy, vsOptimum);
    }
    LoadClient.log("(vs greedy / vs optimum: the batch's total pickup distance over all its windows, against the greedy"
        + " rule and the least-distance assignment on the same windows; auto's day mean pickup is %.0f m)",
        auto.mean(auto.pickupMeters));
  }

  /** Arrivals with a lunch and a dinner peak; each from one of 40 stores, to a dropoff within 3 km of it. */
  private List<Order> orders() {
    Random random = new Random(seed);
    double[][] stores = new double[40][];
    for (int i = 0; i < stores.length; i++) {
      stores[i] = new double[] {2_000 + random.nextDouble() * (AREA_METERS - 4_000),
          2_000 + random.nextDouble() * (AREA_METERS - 4_000)};
    }
    double length = hours * 3600;
    List<Order> day = new ArrayList<>();
    while (day.size() < orders) {
      double at = random.nextDouble() * length;
      double share = at / length;
      double rate = 0.3 + Math.exp(-Math.pow((share - 0.3) / 0.07, 2)) + Math.exp(-Math.pow((share - 0.75) / 0.08, 2));
      if (random.nextDouble() * 1.3 > rate) {
        continue;
      }
      double[] store = stores[random.nextInt(stores.length)];
      double angle = random.nextDouble() * 2 * Math.PI;
      double distance = Math.sqrt(random.nextDouble()) * DROPOFF_RADIUS_METERS;
      day.add(new Order(day.size(), at, store[0], store[1], store[0] + distance * Math.cos(angle),
          store[1] + distance * Math.sin(angle)));
    }
    day.sort((a, b) -> Double.compare(a.arrival(), b.arrival()));
    return day;
  }

  private List<Courier> fleet() {
    Random random = new Random(seed + 2);
    List<Courier> fleet = new ArrayList<>();
    for (int i = 0; i < couriers; i++) {
      fleet.add(new Courier(i, random.nextDouble() * AREA_METERS, random.nextDouble() * AREA_METERS));
    }
    return fleet;
  }

  /** Decides, at {@code now}, for the orders waiting (oldest first); assigns through {@link Day#assign}. */
  @FunctionalInterface
  private interface Strategy {
    void decide(Day day, double now);
  }

  /** The state of one simulated day: the fleet, the orders waiting, and what was done. */
  private final class Day {
    final List<Courier> fleet = fleet();
    final ArrayDeque<Order> waiting = new ArrayDeque<>();
    final Outcome outcome;

    Day(Outcome outcome) {
      this.outcome = outcome;
    }

    List<Courier> free(double now) {
      return fleet.stream().filter(c -> c.free(now)).toList();
    }

    void assign(Order order, Courier courier, double now) {
      double toPickup = distance(courier.x, courier.y, order.pickupX(), order.pickupY());
      double toDropoff = distance(order.pickupX(), order.pickupY(), order.dropoffX(), order.dropoffY());
      outcome.pickupMeters.add(toPickup);
      outcome.waitSeconds.add(now - order.arrival());
      courier.reserved = false;
      courier.busyUntil = now + (toPickup + toDropoff) / SPEED + HANDLING_SECONDS;
      courier.idleSince = courier.busyUntil;
      courier.x = order.dropoffX();
      courier.y = order.dropoffY();
    }
  }

  private Outcome simulate(String name, List<Order> orders, Strategy strategy) {
    Day day = new Day(new Outcome(name));
    Iterator<Order> arrivals = orders.iterator();
    Order next = arrivals.hasNext() ? arrivals.next() : null;
    for (double now = 0; next != null || !day.waiting.isEmpty(); now += TICK_SECONDS) {
      while (next != null && next.arrival() <= now) {
        day.waiting.add(next);
        next = arrivals.hasNext() ? arrivals.next() : null;
      }
      if (!day.waiting.isEmpty()) {
        strategy.decide(day, now);
      }
    }
    return day.outcome;
  }

  private static double distance(double x1, double y1, double x2, double y2) {
    return Math.hypot(x1 - x2, y1 - y2);
  }

  private static double score(Courier courier, Order order, double now) {
    double meters = distance(courier.x, courier.y, order.pickupX(), order.pickupY());
    return Scoring.score(Integer.toString(courier.id), meters, Vehicle.BIKE, 0, 1,
        (long) Math.max(0, now - courier.idleSince), true).score();
  }

  /** The courier the engine would rank first for {@code order} among {@code candidates}; null when none. */
  private static Courier best(List<Courier> candidates, Order order, double now) {
    Courier best = null;
    double bestScore = Double.MAX_VALUE;
    for (Courier courier : candidates) {
      double score = score(courier, order, now);
      if (score < bestScore) {
        best = courier;
        bestScore = score;
      }
    }
    return best;
  }

  private void auto(Day day, double now) {
    List<Courier> free = new ArrayList<>(day.free(now));
    for (Iterator<Order> it = day.waiting.iterator(); it.hasNext() && !free.isEmpty(); ) {
      Order order = it.next();
      Courier courier = best(free, order, now);
      free.remove(courier);
      day.assign(order, courier, now);
      it.remove();
    }
  }

  /** One courier asked at a time; it answers after 2-12 s, and declines one offer in seven (then the next is asked). */
  private final class Offers implements Strategy {
    private final Random random;
    private final Map<Integer, Offer> open = new java.util.HashMap<>();
    private final Map<Integer, java.util.Set<Integer>> declinedBy = new java.util.HashMap<>();

    private record Offer(Courier courier, double answerAt, boolean accepts) {}

    Offers(Random random) {
      this.random = random;
    }

    @Override
    public void decide(Day day, double now) {
      List<Courier> free = new ArrayList<>(day.free(now));
      for (Iterator<Order> it = day.waiting.iterator(); it.hasNext(); ) {
        Order order = it.next();
        Offer offer = open.get(order.id());
        if (offer != null && offer.answerAt() <= now) {
          open.remove(order.id());
          if (offer.accepts()) {
            day.assign(order, offer.courier(), now);
            it.remove();
            continue;
          }
          offer.courier().reserved = false;
          declinedBy.computeIfAbsent(order.id(), id -> new java.util.HashSet<>()).add(offer.courier().id);
          offer = null;
        }
        if (offer == null) {
          java.util.Set<Integer> declined = declinedBy.getOrDefault(order.id(), java.util.Set.of());
          Courier courier = best(free.stream().filter(c -> !declined.contains(c.id)).toList(), order, now);
          if (courier == null && declined.size() >= couriers) {
            // every courier declined it: ask them again (the engine would hand it to manual dispatch instead)
            declinedBy.remove(order.id());
          } else if (courier != null) {
            free.remove(courier);
            courier.reserved = true;
            open.put(order.id(), new Offer(courier, now + 2 + random.nextDouble() * 10,
                random.nextDouble() >= DECLINE_PROBABILITY));
          }
        }
      }
    }
  }

  /** Every {@code window} seconds, the waiting orders and the free couriers matched together at least total score. */
  private final class Batches implements Strategy {
    private final double window;
    private double nextAt;

    Batches(double window) {
      this.window = window;
    }

    @Override
    public void decide(Day day, double now) {
      if (now < nextAt) {
        return;
      }
      nextAt = now + window;
      List<Courier> free = day.free(now);
      if (free.isEmpty()) {
        return;
      }
      List<Order> batch = new ArrayList<>(day.waiting);
      double[][] scores = new double[batch.size()][free.size()];
      double[][] meters = new double[batch.size()][free.size()];
      for (int row = 0; row < batch.size(); row++) {
        for (int column = 0; column < free.size(); column++) {
          Order order = batch.get(row);
          Courier courier = free.get(column);
          scores[row][column] = score(courier, order, now);
          meters[row][column] = distance(courier.x, courier.y, order.pickupX(), order.pickupY());
        }
      }
      int[] chosen = AssignmentSolver.solve(scores);
      int[] optimum = AssignmentSolver.solve(meters);
      Outcome outcome = day.outcome;
      outcome.windowGreedy += greedy(batch, free, scores, meters);
      for (int row = 0; row < batch.size(); row++) {
        outcome.windowOptimum += optimum[row] >= 0 ? meters[row][optimum[row]] : 0;
        if (chosen[row] >= 0) {
          outcome.windowBatch += meters[row][chosen[row]];
          day.assign(batch.get(row), free.get(chosen[row]), now);
          day.waiting.remove(batch.get(row));
        }
      }
    }

    /** The pickup metres the greedy rule would give the same window: oldest order first, each its best courier. */
    private double greedy(List<Order> batch, List<Courier> free, double[][] scores, double[][] meters) {
      boolean[] taken = new boolean[free.size()];
      double total = 0;
      for (int row = 0; row < batch.size(); row++) {
        int best = -1;
        for (int column = 0; column < free.size(); column++) {
          if (!taken[column] && (best < 0 || scores[row][column] < scores[row][best])) {
            best = column;
          }
        }
        if (best < 0) {
          break;
        }
        taken[best] = true;
        total += meters[row][best];
      }
      return total;
    }
  }
}
