package org.dispatchengine.engine;

import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.apache.pekko.pattern.StatusReply;

import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

/** Asks sharded entities of one type, wherever in the cluster they live; a refusal fails the answer. */
public final class EntityAsk<C> {
  private final ClusterSharding sharding;
  private final EntityTypeKey<C> entityKey;
  private final Duration timeout;

  public EntityAsk(ActorSystem<?> system, EntityTypeKey<C> entityKey, Duration timeout) {
    this.sharding = ClusterSharding.get(system);
    this.entityKey = entityKey;
    this.timeout = timeout;
  }

  public <T> CompletionStage<T> ask(String entityId, Function<ActorRef<StatusReply<T>>, C> command) {
    return sharding.entityRefFor(entityKey, entityId).askWithStatus(command::apply, timeout);
  }
}
