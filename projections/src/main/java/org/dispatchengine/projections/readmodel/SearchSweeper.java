package org.dispatchengine.projections.readmodel;

import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.typed.ClusterSingleton;
import org.apache.pekko.cluster.typed.SingletonActor;
import org.apache.pekko.stream.javadsl.Source;
import org.dispatchengine.engine.Ids;
import org.dispatchengine.engine.order.Order;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * Wakes orders whose search for a courier is under way. An order re-arms its deadlines when it starts, but after the
 * whole engine restarted nothing starts it until someone touches it: such an order would wait for ever. One sweeper
 * per cluster (a singleton) finds them in {@code order_view} and sends each a read, which starts it; orders already
 * running ignore it. Wakes are paced so that a long list does not turn into a recovery storm.
 */
public final class SearchSweeper {
  private static final Logger log = LoggerFactory.getLogger(SearchSweeper.class);

  /**
   * @param every time between sweeps; the first runs one interval after the start, when projections have caught up
   * @param batch most orders woken per sweep
   * @param perSecond wakes per second
   */
  public record Settings(Duration every, int batch, int perSecond) {}

  private enum Tick { INSTANCE }

  private SearchSweeper() {}

  public static void start(ActorSystem<?> system, OrderQueries orders, Settings settings) {
    ClusterSingleton.get(system).init(SingletonActor.of(behavior(system, orders, settings), "search-sweeper"));
  }

  private static Behavior<Tick> behavior(ActorSystem<?> system, OrderQueries orders, Settings settings) {
    Executor blocking = system.dispatchers().lookup(DispatcherSelector.blocking());
    ClusterSharding sharding = ClusterSharding.get(system);
    return Behaviors.withTimers(timers -> {
      timers.startTimerWithFixedDelay(Tick.INSTANCE, settings.every());
      return Behaviors.receive(Tick.class).onMessage(Tick.class, tick -> {
        CompletableFuture.supplyAsync(() -> {
          try {
            return orders.searching(settings.batch());
          } catch (java.sql.SQLException e) {
            log.warn("Finding orders that search for a courier failed; the next sweep retries", e);
            return List.<OrderQueries.Searching>of();
          }
        }, blocking).thenCompose(found -> Source.from(found)
            .throttle(settings.perSecond(), Duration.ofSeconds(1))
            .runForeach(order -> sharding
                .entityRefFor(Order.ENTITY_KEY, Ids.entityId(order.tenantId(), order.orderId()))
                .tell(new Order.Get(Order.DISPATCHER, system.ignoreRef())), system));
        return Behaviors.same();
      }).build();
    });
  }
}
