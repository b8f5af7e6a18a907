package org.dispatchengine.engine;

import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.dispatchengine.engine.courier.Courier;
import org.dispatchengine.engine.courier.CourierOffer;
import org.dispatchengine.engine.courier.OrderLink;
import org.dispatchengine.engine.courier.Stop;
import org.dispatchengine.engine.dispatch.Dispatcher;
import org.dispatchengine.engine.dispatch.OfferReply;
import org.dispatchengine.engine.order.CourierLink;
import org.dispatchengine.engine.order.Order;

import java.time.Instant;

/**
 * Orders, couriers and dispatchers telling each other what happened, through sharding, wherever each lives. Every
 * message is idempotent on arrival, so a duplicate is harmless; a lost one is repeated by the sender's reminders.
 */
public final class ClusterLinks implements OrderLink, CourierLink {
  private final ClusterSharding sharding;

  public ClusterLinks(ActorSystem<?> system) {
    this.sharding = ClusterSharding.get(system);
  }

  @Override
  public void arrived(String tenantId, String orderId, Stop stop, String courierId, Instant at) {
    order(tenantId, orderId, new Order.RecordArrival(stop, courierId, at));
  }

  @Override
  public void offerAnswered(String tenantId, String orderId, String offerId, String courierId, OfferReply reply,
      String reason) {
    order(tenantId, orderId, new Order.AnswerOffer(offerId, courierId, reply, reason));
  }

  @Override
  public void release(String tenantId, String courierId, String orderId, String reason) {
    courier(tenantId, courierId, new Courier.ReleaseOrder(orderId, reason));
  }

  @Override
  public void offer(String tenantId, String courierId, CourierOffer offer) {
    courier(tenantId, courierId, new Courier.ReceiveOffer(offer));
  }

  @Override
  public void revokeOffer(String tenantId, String courierId, String offerId, String reason) {
    courier(tenantId, courierId, new Courier.RevokeOffer(offerId, reason));
  }

  @Override
  public void confirmOffer(String tenantId, String courierId, String offerId) {
    courier(tenantId, courierId, new Courier.ConfirmOffer(offerId));
  }

  @Override
  public void refuseOffer(String tenantId, String courierId, String offerId, String reason) {
    courier(tenantId, courierId, new Courier.RefuseOffer(offerId, reason));
  }

  /** Tells a dispatcher, by its entity id (see {@link Dispatcher#entityId}), a command. */
  public void dispatcher(String entityId, Dispatcher.Command command) {
    sharding.entityRefFor(Dispatcher.ENTITY_KEY, entityId).tell(command);
  }

  /** Tells an order a command that needs no answer. */
  public void order(String tenantId, String orderId, Order.Command command) {
    sharding.entityRefFor(Order.ENTITY_KEY, Ids.entityId(tenantId, orderId)).tell(command);
  }

  private void courier(String tenantId, String courierId, Courier.Command command) {
    sharding.entityRefFor(Courier.ENTITY_KEY, Ids.entityId(tenantId, courierId)).tell(command);
  }
}
