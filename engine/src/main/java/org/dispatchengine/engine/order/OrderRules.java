package org.dispatchengine.engine.order;

import org.dispatchengine.engine.Caller;
import org.dispatchengine.engine.Role;

import java.util.Optional;

/**
 * Who may see an order, and who may move it where. Plain functions of the order and the caller; the entity applies
 * them, tests check them directly.
 *
 * <pre>
 * pending -> accepted -> ready -> picked_up -> delivered        (delivery)
 * pending -> accepted -> ready?-> delivered                     (visit: nothing is picked up)
 * any non-final -> cancelled;  picked_up (visit: accepted, ready) -> failed
 * </pre>
 */
public final class OrderRules {
  private OrderRules() {}

  /** The verdict on a transition. */
  public enum Verdict {
    /** Do it. */
    ALLOWED,
    /** It already happened: acknowledge without a new event. */
    ALREADY_DONE,
    /** The caller may see the order but not do this. */
    FORBIDDEN,
    /** Not from the current status. */
    ILLEGAL
  }

  /**
   * Tenant keys and admins see every order; store staff their store's orders; a courier the orders assigned to it;
   * a customer its own orders. Everyone else is told the order does not exist.
   */
  public static boolean maySee(OrderRecord order, Caller caller) {
    return switch (caller.role()) {
      case TENANT, ADMIN -> true;
      case STORE -> caller.storeId() != null && caller.storeId().equals(order.storeId());
      case COURIER -> caller.subject().equals(order.courierId());
      case CUSTOMER -> caller.subject().equals(order.customerId());
      case PLATFORM, SYSTEM -> false;
    };
  }

  public static Verdict judge(OrderRecord order, OrderTransition transition, Caller caller) {
    if (order.status() == transition.target()) {
      return Verdict.ALREADY_DONE;
    }
    if (!mayAttempt(order, transition, caller)) {
      return Verdict.FORBIDDEN;
    }
    return isLegal(order, transition, caller) ? Verdict.ALLOWED : Verdict.ILLEGAL;
  }

  private static boolean mayAttempt(OrderRecord order, OrderTransition transition, Caller caller) {
    return switch (caller.role()) {
      case TENANT, ADMIN -> true;
      case STORE -> transition == OrderTransition.ACCEPT || transition == OrderTransition.READY
          || transition == OrderTransition.CANCEL;
      case COURIER -> transition == OrderTransition.PICK_UP || transition == OrderTransition.DELIVER
          || transition == OrderTransition.FAIL;
      case CUSTOMER -> transition == OrderTransition.CANCEL;
      case PLATFORM, SYSTEM -> false;
    };
  }

  private static boolean isLegal(OrderRecord order, OrderTransition transition, Caller caller) {
    OrderStatus status = order.status();
    boolean visit = order.kind() == OrderKind.VISIT;
    return switch (transition) {
      case ACCEPT -> status == OrderStatus.PENDING;
      case READY -> status == OrderStatus.ACCEPTED;
      case PICK_UP -> !visit && status == OrderStatus.READY;
      case DELIVER, FAIL -> visit
          ? status == OrderStatus.ACCEPTED || status == OrderStatus.READY
          : status == OrderStatus.PICKED_UP;
      case CANCEL -> !status.isFinal() && switch (caller.role()) {
        case CUSTOMER -> status == OrderStatus.PENDING;
        case STORE -> status != OrderStatus.PICKED_UP;
        default -> status != OrderStatus.PICKED_UP || caller.isTenantManager();
      };
    };
  }

  /** Why a manual assignment is refused, if it is. */
  public static Optional<String> refuseAssignment(OrderRecord order) {
    if (order.status().isFinal() || order.status() == OrderStatus.PICKED_UP) {
      return Optional.of("order " + order.orderId() + " is " + order.status().wireName());
    }
    return Optional.empty();
  }

  /** Whether the caller may make and revoke tracking links: the order's customer and the tenant. */
  public static boolean mayShareTracking(OrderRecord order, Caller caller) {
    return caller.isTenantManager() || (caller.role() == Role.CUSTOMER && caller.subject().equals(order.customerId()));
  }

  /** Whether {@code role} may assign couriers by hand. */
  public static boolean mayAssign(Caller caller) {
    return caller.role() == Role.TENANT || caller.role() == Role.ADMIN;
  }
}
