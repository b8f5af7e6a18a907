package org.dispatchengine.engine.courier;

import org.dispatchengine.engine.CborSerializable;
import org.dispatchengine.engine.view.Revisioned;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * A courier as its entity persists it. The live position is not here: it changes with every report and is kept in
 * memory; {@code lastSample} is the last position written to the track.
 *
 * @param shiftStartedAt when the current shift started, null while offline
 * @param offer the offer the courier holds (at most one), or null
 * @param idleSince since when the courier has carried no order, null while it carries one
 * @param lastSample null until the first position was sampled
 */
public record CourierRecord(
    String tenantId,
    String courierId,
    CourierProfile profile,
    boolean online,
    boolean blocked,
    Instant shiftStartedAt,
    List<ActiveOrder> activeOrders,
    CourierOffer offer,
    Instant idleSince,
    Fix lastSample,
    Instant createdAt,
    Instant updatedAt,
    long revision)
    implements CborSerializable, Revisioned {

  public CourierRecord {
    activeOrders = List.copyOf(activeOrders);
  }

  /** Orders carried, counting an accepted offer waiting for the order's confirmation. */
  public int load() {
    return load(activeOrders.size(), offer != null && offer.accepted());
  }

  public static int load(int activeOrders, boolean holdsAcceptedOffer) {
    return activeOrders + (holdsAcceptedOffer ? 1 : 0);
  }

  public boolean hasRoom() {
    return load() < profile.capacity();
  }

  /** Online, not blocked, with room for another order, and not holding an offer: can be offered an order now. */
  public boolean available() {
    return available(online, blocked, load(), profile.capacity(), offer != null);
  }

  /** The rule of {@link #available()}, for views that keep these values rather than the record. */
  public static boolean available(boolean online, boolean blocked, int load, int capacity, boolean holdsOffer) {
    return online && !blocked && load < capacity && !holdsOffer;
  }

  static CourierRecord fold(CourierRecord c, Courier.Event event, String tenantId, String courierId) {
    if (event instanceof Courier.CourierDefined e) {
      return c == null
          ? new CourierRecord(tenantId, courierId, e.profile(), false, false, null, List.of(), null, e.at(), null,
              e.at(), e.at(), 1)
          : new CourierRecord(tenantId, courierId, e.profile(), c.online, c.blocked, c.shiftStartedAt, c.activeOrders,
              c.offer, c.idleSince, c.lastSample, c.createdAt, e.at(), c.revision + 1);
    }
    if (event instanceof Courier.ShiftStarted e) {
      return c.with(true, c.blocked, e.at(), c.activeOrders, c.offer, c.activeOrders.isEmpty() ? e.at() : null,
          c.lastSample, e.at());
    }
    if (event instanceof Courier.ShiftEnded e) {
      return c.with(false, c.blocked, null, c.activeOrders, c.offer, c.idleSince, c.lastSample, e.at());
    }
    if (event instanceof Courier.BlockChanged e) {
      return c.with(e.blocked() ? false : c.online, e.blocked(), e.blocked() ? null : c.shiftStartedAt,
          c.activeOrders, c.offer, c.idleSince, c.lastSample, e.at());
    }
    if (event instanceof Courier.TrackSampled e) {
      return c.with(c.online, c.blocked, c.shiftStartedAt, c.activeOrders, c.offer, c.idleSince, e.fix(),
          c.updatedAt);
    }
    if (event instanceof Courier.OrderTaken e) {
      List<ActiveOrder> orders = new ArrayList<>(c.activeOrders);
      orders.add(new ActiveOrder(e.orderId(), e.pickup(), e.dropoff(), false, false));
      CourierOffer offer = c.offer != null && c.offer.orderId().equals(e.orderId()) ? null : c.offer;
      return c.with(c.online, c.blocked, c.shiftStartedAt, orders, offer, null, c.lastSample, e.at());
    }
    if (event instanceof Courier.OrderReleased e) {
      List<ActiveOrder> orders = c.activeOrders.stream().filter(o -> !o.orderId().equals(e.orderId())).toList();
      return c.with(c.online, c.blocked, c.shiftStartedAt, orders, c.offer, orders.isEmpty() ? e.at() : null,
          c.lastSample, e.at());
    }
    if (event instanceof Courier.OfferReceived e) {
      return c.with(c.online, c.blocked, c.shiftStartedAt, c.activeOrders, e.offer(), c.idleSince, c.lastSample,
          e.at());
    }
    if (event instanceof Courier.OfferAccepted e) {
      return c.with(c.online, c.blocked, c.shiftStartedAt, c.activeOrders, c.offer.asAccepted(), c.idleSince,
          c.lastSample, e.at());
    }
    if (event instanceof Courier.OfferClosed e) {
      return c.with(c.online, c.blocked, c.shiftStartedAt, c.activeOrders, null, c.idleSince, c.lastSample, e.at());
    }
    Courier.ArrivedAt e = (Courier.ArrivedAt) event;
    List<ActiveOrder> orders = c.activeOrders.stream()
        .map(o -> o.orderId().equals(e.orderId()) ? o.arrivedAt(e.stop()) : o)
        .toList();
    return c.with(c.online, c.blocked, c.shiftStartedAt, orders, c.offer, c.idleSince, c.lastSample, c.updatedAt);
  }

  private CourierRecord with(boolean online, boolean blocked, Instant shiftStartedAt, List<ActiveOrder> orders,
      CourierOffer offer, Instant idleSince, Fix lastSample, Instant updatedAt) {
    return new CourierRecord(tenantId, courierId, profile, online, blocked, shiftStartedAt, orders, offer, idleSince,
        lastSample, createdAt, updatedAt, revision + 1);
  }
}
