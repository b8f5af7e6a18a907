package org.dispatchengine.engine;

import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.dispatchengine.engine.courier.Courier;
import org.dispatchengine.engine.courier.OrderLink;
import org.dispatchengine.engine.courier.Stop;
import org.dispatchengine.engine.order.CourierLink;
import org.dispatchengine.engine.order.Order;

import java.time.Instant;

/**
 * Orders and couriers telling each other what happened, through sharding, wherever each lives. Both messages are
 * idempotent on arrival, so a duplicate is harmless.
 */
public final class ClusterLinks implements OrderLink, CourierLink {
  private final ClusterSharding sharding;

  public ClusterLinks(ActorSystem<?> system) {
    this.sharding = ClusterSharding.get(system);
  }

  @Override
  public void arrived(String tenantId, String orderId, Stop stop, String courierId, Instant at) {
    sharding.entityRefFor(Order.ENTITY_KEY, Ids.entityId(tenantId, orderId))
        .tell(new Order.RecordArrival(stop, courierId, at));
  }

  @Override
  public void release(String tenantId, String courierId, String orderId, String reason) {
    sharding.entityRefFor(Courier.ENTITY_KEY, Ids.entityId(tenantId, courierId))
        .tell(new Courier.ReleaseOrder(orderId, reason));
  }
}
