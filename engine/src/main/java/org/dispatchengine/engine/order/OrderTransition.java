package org.dispatchengine.engine.order;

/** The status changes a caller can ask for, each with the status it leads to. */
public enum OrderTransition {
  ACCEPT(OrderStatus.ACCEPTED),
  READY(OrderStatus.READY),
  PICK_UP(OrderStatus.PICKED_UP),
  DELIVER(OrderStatus.DELIVERED),
  FAIL(OrderStatus.FAILED),
  CANCEL(OrderStatus.CANCELLED);

  private final OrderStatus target;

  OrderTransition(OrderStatus target) {
    this.target = target;
  }

  public OrderStatus target() {
    return target;
  }
}
