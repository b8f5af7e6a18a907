package org.dispatchengine.engine.testing;

import org.dispatchengine.engine.Reminders;
import org.dispatchengine.engine.courier.Courier;
import org.dispatchengine.engine.courier.CourierOffer;
import org.dispatchengine.engine.courier.CourierPosition;
import org.dispatchengine.engine.courier.OrderLink;
import org.dispatchengine.engine.courier.Stop;
import org.dispatchengine.engine.dispatch.DispatchRequest;
import org.dispatchengine.engine.dispatch.DispatcherLink;
import org.dispatchengine.engine.dispatch.OfferReply;
import org.dispatchengine.engine.order.CourierLink;
import org.dispatchengine.engine.order.Order;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * What entities under test tell each other, recorded instead of delivered, so a test can check it and deliver it
 * itself, in the order a race would: every message as a readable line, and the messages that carry data as objects.
 */
public final class Wire implements CourierLink, OrderLink, DispatcherLink {
  public final List<String> lines = new CopyOnWriteArrayList<>();
  public final List<CourierOffer> offers = new CopyOnWriteArrayList<>();
  public final List<DispatchRequest> requests = new CopyOnWriteArrayList<>();
  public final List<Order.AnswerOffer> answers = new CopyOnWriteArrayList<>();
  public final List<String> revokeReasons = new CopyOnWriteArrayList<>();
  public final List<Reminder<Order.Command>> orderReminders = new CopyOnWriteArrayList<>();
  public final List<Reminder<Courier.Command>> courierReminders = new CopyOnWriteArrayList<>();

  public record Reminder<M>(String entityId, M message, Duration after) {}

  public Reminders<Order.Command> orderReminders() {
    return (entityId, message, after) -> orderReminders.add(new Reminder<>(entityId, message, after));
  }

  public Reminders<Courier.Command> courierReminders() {
    return (entityId, message, after) -> courierReminders.add(new Reminder<>(entityId, message, after));
  }

  public void clear() {
    lines.clear();
    offers.clear();
    requests.clear();
    answers.clear();
    revokeReasons.clear();
    orderReminders.clear();
    courierReminders.clear();
  }

  @Override
  public void release(String tenantId, String courierId, String orderId, String reason) {
    lines.add("release " + courierId + " " + orderId + " " + reason);
  }

  @Override
  public void offer(String tenantId, String courierId, CourierOffer offer) {
    offers.add(offer);
    lines.add("offer " + courierId + " " + offer.orderId());
  }

  @Override
  public void revokeOffer(String tenantId, String courierId, String offerId, String reason) {
    revokeReasons.add(reason);
    lines.add("revoke " + courierId);
  }

  @Override
  public void confirmOffer(String tenantId, String courierId, String offerId) {
    lines.add("confirm " + courierId);
  }

  @Override
  public void refuseOffer(String tenantId, String courierId, String offerId, String reason) {
    lines.add("refuse " + courierId);
  }

  @Override
  public void arrived(String tenantId, String orderId, Stop stop, String courierId, Instant at) {
    lines.add("arrived " + orderId + " " + stop + " " + courierId);
  }

  @Override
  public void offerAnswered(String tenantId, String orderId, String offerId, String courierId, OfferReply reply,
      String reason) {
    answers.add(new Order.AnswerOffer(offerId, courierId, reply, reason));
    lines.add("answer " + orderId + " " + courierId + " " + reply);
  }

  @Override
  public void request(DispatchRequest request) {
    requests.add(request);
    lines.add("request " + request.orderId() + " round " + request.round() + " excluding " + request.excluded());
  }

  /** Positions and availability told to the dispatcher, newest last. */
  public final List<CourierPosition> seen = new CopyOnWriteArrayList<>();

  @Override
  public String seen(CourierPosition position, String lastRegion) {
    seen.add(position);
    return "";
  }

  @Override
  public void withdraw(String tenantId, String zoneId, String orderId) {
    lines.add("withdraw " + orderId);
  }
}
