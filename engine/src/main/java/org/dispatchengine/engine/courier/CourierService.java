package org.dispatchengine.engine.courier;

import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef;
import org.apache.pekko.pattern.StatusReply;
import org.dispatchengine.engine.EntityAsk;
import org.dispatchengine.engine.Ids;
import org.dispatchengine.engine.geo.Place;

import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

/** The commands of the {@link Courier} entity as asynchronous calls. */
public final class CourierService {
  private final EntityAsk<Courier.Command> couriers;
  private final ClusterSharding sharding;

  public CourierService(ActorSystem<?> system, Duration askTimeout) {
    this.couriers = new EntityAsk<>(system, Courier.ENTITY_KEY, askTimeout);
    this.sharding = ClusterSharding.get(system);
  }

  /** What others may be shown of a courier: first name, vehicle, live position (may be null). */
  public record Snapshot(String firstName, Vehicle vehicle, Fix position) {
    public static Snapshot of(Courier.CourierStatus status) {
      String name = status.courier().profile().name().strip();
      int space = name.indexOf(' ');
      return new Snapshot(space < 0 ? name : name.substring(0, space), status.courier().profile().vehicle(),
          status.position());
    }
  }

  public CompletionStage<Courier.CourierStatus> define(String tenantId, String courierId, CourierProfile profile) {
    return ask(tenantId, courierId, r -> new Courier.Define(profile, r));
  }

  public CompletionStage<Courier.CourierStatus> get(String tenantId, String courierId) {
    return ask(tenantId, courierId, Courier.Get::new);
  }

  public CompletionStage<Courier.CourierStatus> setShift(String tenantId, String courierId, boolean online) {
    return ask(tenantId, courierId, r -> new Courier.SetShift(online, r));
  }

  public CompletionStage<Courier.CourierStatus> setBlocked(String tenantId, String courierId, boolean blocked) {
    return ask(tenantId, courierId, r -> new Courier.SetBlocked(blocked, r));
  }

  public CompletionStage<Courier.CourierStatus> takeOrder(String tenantId, String courierId, String orderId,
      Place pickup, Place dropoff) {
    return ask(tenantId, courierId, r -> new Courier.TakeOrder(orderId, pickup, dropoff, r));
  }

  /** The courier's answer to the offer it holds; fails with not-found when that offer is not open. */
  public CompletionStage<Courier.CourierStatus> answerOffer(String tenantId, String courierId, String offerId,
      boolean accept, String reason) {
    return ask(tenantId, courierId, r -> new Courier.AnswerOffer(offerId, accept, reason, r));
  }

  /** Reports a position and waits for the verdict (HTTP); fails when the courier does not exist. */
  public CompletionStage<Courier.LocationOutcome> report(String tenantId, String courierId, Fix fix) {
    return couriers.ask(Ids.entityId(tenantId, courierId),
            (ActorRef<StatusReply<Courier.Located>> r) -> new Courier.ReportLocation(fix, 0, r))
        .thenApply(Courier.Located::outcome);
  }

  /**
   * Where a socket tells its courier's reports without waiting for each. They go through sharding until the courier
   * has answered one; then straight to the entity that answered, which saves the region's and the shard's hop on
   * every report. The sender watches that entity and calls {@link #stopped} when it ends (passivated, or its shard
   * moved to another node), and the reports go through sharding again, which knows where the courier lives next.
   * An entity only ends between messages, so a report told to it directly is never handled by two incarnations.
   */
  public static final class Reports {
    private final EntityRef<Courier.Command> viaSharding;
    private volatile ActorRef<Courier.Command> direct;

    private Reports(EntityRef<Courier.Command> viaSharding) {
      this.viaSharding = viaSharding;
    }

    /**
     * @param receivedNanos when this node received the report, by {@code System.nanoTime()}
     * @param handled told once the courier has dealt with the report, which lets the sender bound how many of its
     *     reports are under way
     */
    public void tell(Fix fix, long receivedNanos, ActorRef<StatusReply<Courier.Located>> handled) {
      Courier.ReportLocation report = new Courier.ReportLocation(fix, receivedNanos, handled);
      ActorRef<Courier.Command> entity = direct;
      if (entity != null) {
        entity.tell(report);
      } else {
        viaSharding.tell(report);
      }
    }

    /**
     * The courier answered from {@code entity}: the next reports go to it. True when it is a new one, which the
     * sender must then watch.
     */
    public boolean answeredFrom(ActorRef<Courier.Command> entity) {
      if (entity.equals(direct)) {
        return false;
      }
      direct = entity;
      return true;
    }

    /** {@code entity} has ended: reports go through sharding again. */
    public void stopped(ActorRef<?> entity) {
      if (entity.equals(direct)) {
        direct = null;
      }
    }
  }

  /** The reports of one courier's connection, for the connection's lifetime. */
  public Reports reports(String tenantId, String courierId) {
    return new Reports(sharding.entityRefFor(Courier.ENTITY_KEY, Ids.entityId(tenantId, courierId)));
  }

  public void release(String tenantId, String courierId, String orderId, String reason) {
    sharding.entityRefFor(Courier.ENTITY_KEY, Ids.entityId(tenantId, courierId))
        .tell(new Courier.ReleaseOrder(orderId, reason));
  }

  private CompletionStage<Courier.CourierStatus> ask(String tenantId, String courierId,
      Function<ActorRef<StatusReply<Courier.CourierStatus>>, Courier.Command> command) {
    return couriers.ask(Ids.entityId(tenantId, courierId), command);
  }
}
