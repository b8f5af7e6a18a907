package org.dispatchengine.engine.dispatch;

import org.apache.pekko.actor.NoSerializationVerificationNeeded;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.cluster.sharding.typed.ClusterShardingSettings;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.dispatchengine.engine.CborSerializable;
import org.dispatchengine.engine.Ids;
import org.dispatchengine.engine.courier.CourierPosition;
import org.dispatchengine.engine.courier.Vehicle;
import org.dispatchengine.engine.geo.LatLon;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The dispatcher of a tenant's region, entity id {@code tenantId} for the tenant-wide one and {@code tenantId:region}
 * for a region (see {@link RegionRouter}): matches orders that ask for a courier with the couriers that can take one.
 * It owns no durable fact, only soft state rebuilt by what arrives: a spatial index of available couriers (started
 * from this node's courier view, the last sampled positions, then kept by every courier's position and availability,
 * which couriers tell their dispatcher, starting it if need be) and the orders waiting for a decision (from the orders'
 * requests, which they repeat until they are served). It decides, and the order acts on the decision; the order and
 * the courier entities enforce every rule, so a decision made on stale soft state costs a round, never an invariant.
 *
 * <p>{@code offer}, {@code broadcast} and {@code auto} requests are decided at once when a candidate exists, else
 * retried on every tick; {@code batch} requests are collected for the tenant's window and matched together, each
 * order to a different courier, minimising the total score. A courier just proposed is held back for a few seconds,
 * until its own availability says whether it took the offer.
 */
public final class Dispatcher extends AbstractBehavior<Dispatcher.Command> {
  public static final EntityTypeKey<Command> ENTITY_KEY = EntityTypeKey.create(Command.class, "Dispatcher");
  /** Candidates looked at, and recorded, per decision. */
  static final int CANDIDATES = 10;
  static final Duration TICK = Duration.ofMillis(250);
  static final Duration HOLD_PROPOSED = Duration.ofSeconds(5);
  /**
   * A waiting order that has not asked again for this long no longer needs this dispatcher: it repeats its request at
   * least every 30 s while it does, so this forgets orders whose withdrawal was lost with a node, or which now ask
   * another region.
   */
  static final Duration FORGET_WAITING = Duration.ofSeconds(90);
  static final double CELL_METERS = 500;

  public sealed interface Command extends CborSerializable {}

  public record Request(DispatchRequest request) implements Command {}

  public record Withdraw(String orderId) implements Command {}

  /** A courier's position and availability, told by the courier. */
  public record Seen(CourierPosition position) implements Command {}

  private enum Tick implements Command, NoSerializationVerificationNeeded { INSTANCE }

  /** How the dispatcher reaches what it needs. */
  public interface Links {
    /** The id of the active zone of {@code tenantId} at {@code point}, if any. */
    Optional<String> zoneAt(String tenantId, LatLon point);

    void propose(String tenantId, String orderId, int round, Decision decision);

    /**
     * What this node knows of the couriers in a region of the tenant ("" for the tenant-wide dispatcher) from their
     * events: a start until live reports arrive.
     */
    List<CourierPosition> knownCouriers(String tenantId, String region);
  }

  /** An available courier as the index holds it. */
  record Courier(String courierId, Vehicle vehicle, int load, int capacity, Instant idleSince) {}

  private record Waiting(DispatchRequest request, Instant since) {}

  public static void init(ActorSystem<?> system, Links links) {
    ClusterSharding.get(system).init(Entity.of(ENTITY_KEY, ctx -> create(ctx.getEntityId(), links, Clock.systemUTC()))
        // soft state that takes seconds to rebuild: keep it while the node lives
        .withSettings(ClusterShardingSettings.create(system).withNoPassivationStrategy()));
  }

  /** The entity id of a region's dispatcher; {@code region} "" is the tenant-wide one. */
  public static String entityId(String tenantId, String region) {
    return region.isEmpty() ? tenantId : Ids.entityId(tenantId, region);
  }

  public static Behavior<Command> create(String entityId, Links links, Clock clock) {
    boolean regional = entityId.indexOf(Ids.TENANT_SEPARATOR) >= 0;
    String tenantId = regional ? Ids.tenantOf(entityId) : entityId;
    String region = regional ? Ids.localOf(entityId) : "";
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers ->
        new Dispatcher(ctx, timers, tenantId, region, links, clock)));
  }

  private final String tenantId;
  private final String region;
  private final Links links;
  private final Clock clock;
  private final TimerScheduler<Command> timers;
  private final CourierIndex<Courier> index = new CourierIndex<>(CELL_METERS);
  private final Map<String, Instant> held = new HashMap<>();
  private final Map<String, Waiting> waiting = new LinkedHashMap<>();

  private Dispatcher(ActorContext<Command> ctx, TimerScheduler<Command> timers, String tenantId, String region,
      Links links, Clock clock) {
    super(ctx);
    this.tenantId = tenantId;
    this.region = region;
    this.links = links;
    this.clock = clock;
    this.timers = timers;
    links.knownCouriers(tenantId, region).forEach(position -> onSeen(new Seen(position)));
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Seen.class, this::onSeen)
        .onMessage(Request.class, this::onRequest)
        .onMessage(Withdraw.class, withdraw -> {
          waiting.remove(withdraw.orderId());
          return this;
        })
        .onMessage(Tick.class, tick -> onTick())
        .build();
  }

  private Behavior<Command> onSeen(Seen seen) {
    CourierPosition p = seen.position();
    if (!p.available() || p.fix() == null) {
      index.remove(p.courierId());
    } else {
      index.upsert(p.courierId(), p.fix().lat(), p.fix().lon(),
          new Courier(p.courierId(), p.vehicle(), p.load(), p.capacity(), p.idleSince()));
    }
    return this;
  }

  private Behavior<Command> onRequest(Request request) {
    DispatchRequest r = request.request();
    waiting.remove(r.orderId());
    if (r.settings().mode() == DispatchMode.BATCH || !decideAlone(r)) {
      waiting.put(r.orderId(), new Waiting(r, clock.instant()));
      // the tick runs only while orders wait: thousands of idle tenants cost nothing
      if (!timers.isTimerActive(Tick.INSTANCE)) {
        timers.startTimerWithFixedDelay(Tick.INSTANCE, TICK);
      }
    }
    return this;
  }

  private Behavior<Command> onTick() {
    Instant now = clock.instant();
    held.values().removeIf(until -> !now.isBefore(until));
    waiting.values().removeIf(w -> !now.isBefore(w.since().plus(FORGET_WAITING)));
    if (waiting.isEmpty()) {
      timers.cancel(Tick.INSTANCE);
      return this;
    }
    List<DispatchRequest> batch = new ArrayList<>();
    boolean batchDue = false;
    for (Iterator<Waiting> it = waiting.values().iterator(); it.hasNext(); ) {
      Waiting w = it.next();
      DispatchRequest r = w.request();
      if (r.settings().mode() == DispatchMode.BATCH) {
        batch.add(r);
        batchDue |= !now.isBefore(w.since().plus(r.settings().batchWindow()));
      } else if (decideAlone(r)) {
        it.remove();
      }
    }
    if (batchDue) {
      decideTogether(batch).forEach(waiting::remove);
    }
    return this;
  }

  /** Decides for one order; false when no courier is in reach. */
  private boolean decideAlone(DispatchRequest r) {
    List<Candidate> candidates = candidates(r);
    if (candidates.isEmpty()) {
      return false;
    }
    DispatchSettings s = r.settings();
    int offered = s.mode() == DispatchMode.BROADCAST ? s.broadcastSize() : 1;
    List<String> chosen = candidates.stream().limit(offered).map(Candidate::courierId).toList();
    propose(r, new Decision(s.mode(), s.version(), candidates, chosen, s.mode() == DispatchMode.AUTO, regionName()));
    return true;
  }

  /**
   * Decides for a window's orders together: each order's candidates become a row of costs (their scores; any other
   * courier is forbidden) and the assignment of least total cost gives each order a different courier.
   *
   * @return the orders decided
   */
  private List<String> decideTogether(List<DispatchRequest> batch) {
    List<List<Candidate>> rows = new ArrayList<>();
    Map<String, Integer> columns = new LinkedHashMap<>();
    for (DispatchRequest r : batch) {
      List<Candidate> candidates = candidates(r);
      rows.add(candidates);
      candidates.forEach(c -> columns.putIfAbsent(c.courierId(), columns.size()));
    }
    double[][] cost = new double[batch.size()][columns.size()];
    for (int row = 0; row < batch.size(); row++) {
      java.util.Arrays.fill(cost[row], AssignmentSolver.FORBIDDEN);
      for (Candidate c : rows.get(row)) {
        cost[row][columns.get(c.courierId())] = c.score();
      }
    }
    int[] assignment = AssignmentSolver.solve(cost);
    List<String> courierIds = new ArrayList<>(columns.keySet());
    List<String> decided = new ArrayList<>();
    for (int row = 0; row < batch.size(); row++) {
      if (assignment[row] < 0) {
        continue;
      }
      DispatchRequest r = batch.get(row);
      propose(r, new Decision(DispatchMode.BATCH, r.settings().version(), rows.get(row),
          List.of(courierIds.get(assignment[row])), false, regionName()));
      decided.add(r.orderId());
    }
    return decided;
  }

  /** The best couriers for an order, best first: the nearest in reach, scored. */
  private List<Candidate> candidates(DispatchRequest r) {
    Set<String> excluded = new HashSet<>(r.excluded());
    LatLon target = r.target();
    Instant now = clock.instant();
    // a broadcast larger than the usual shortlist looks at as many couriers as it offers to
    int wanted = Math.max(CANDIDATES, r.settings().mode() == DispatchMode.BROADCAST ? r.settings().broadcastSize() : 0);
    return index.nearest(target.lat(), target.lon(), wanted, r.settings().maxRadiusMeters(),
            c -> !excluded.contains(c.courierId()) && !isHeld(c.courierId(), now))
        .stream()
        .map(hit -> {
          Courier c = hit.payload();
          boolean inZone = r.zoneId() == null
              || links.zoneAt(tenantId, new LatLon(hit.lat(), hit.lon())).map(r.zoneId()::equals).orElse(false);
          long idle = c.idleSince() == null ? 0 : Duration.between(c.idleSince(), now).toSeconds();
          return Scoring.score(c.courierId(), hit.meters(), c.vehicle(), c.load(), c.capacity(), idle, inZone);
        })
        .sorted(Comparator.comparingDouble(Candidate::score))
        .toList();
  }

  /** The region as decisions record it: null for the tenant-wide dispatcher. */
  private String regionName() {
    return region.isEmpty() ? null : region;
  }

  /** Whether a courier was proposed so recently that its own availability may not have caught up yet. */
  private boolean isHeld(String courierId, Instant now) {
    Instant until = held.get(courierId);
    return until != null && now.isBefore(until);
  }

  private void propose(DispatchRequest r, Decision decision) {
    Instant until = clock.instant().plus(HOLD_PROPOSED);
    decision.chosen().forEach(courierId -> held.put(courierId, until));
    links.propose(tenantId, r.orderId(), r.round(), decision);
  }
}
