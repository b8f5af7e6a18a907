package org.dispatchengine.engine;

import java.time.Duration;

/**
 * Delivers a message to an entity later, through cluster sharding: unlike an actor timer, the reminder reaches the
 * entity wherever it lives by then and wakes it if it was passivated. A reminder is lost only with the node that
 * scheduled it, so entities must also recover their deadlines from their own state.
 */
public interface Reminders<M> {
  void remind(String entityId, M message, Duration after);
}
