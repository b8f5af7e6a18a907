package org.dispatchengine.engine;

import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;

import java.time.Duration;

/** {@link Reminders} through this node's scheduler and cluster sharding. */
public final class ShardedReminders<M> implements Reminders<M> {
  private final ActorSystem<?> system;
  private final ClusterSharding sharding;
  private final EntityTypeKey<M> key;

  public ShardedReminders(ActorSystem<?> system, EntityTypeKey<M> key) {
    this.system = system;
    this.sharding = ClusterSharding.get(system);
    this.key = key;
  }

  @Override
  public void remind(String entityId, M message, Duration after) {
    if (after.isZero() || after.isNegative()) {
      sharding.entityRefFor(key, entityId).tell(message);
      return;
    }
    system.scheduler().scheduleOnce(after, () -> sharding.entityRefFor(key, entityId).tell(message),
        system.executionContext());
  }
}
