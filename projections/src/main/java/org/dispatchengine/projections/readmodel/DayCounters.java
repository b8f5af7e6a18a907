package org.dispatchengine.projections.readmodel;

/** The counters of one tenant, day and zone in {@code tenant_daily_stats}: changes while projecting, sums when read. */
class DayCounters {
  int created;
  int delivered;
  int cancelled;
  int failed;
  long deliveryMillis;
  int assigned;
  long assignMillis;

  void add(DayCounters other) {
    created += other.created;
    delivered += other.delivered;
    cancelled += other.cancelled;
    failed += other.failed;
    deliveryMillis += other.deliveryMillis;
    assigned += other.assigned;
    assignMillis += other.assignMillis;
  }
}
