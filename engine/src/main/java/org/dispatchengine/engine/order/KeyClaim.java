package org.dispatchengine.engine.order;

import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.javadsl.CommandHandlerWithReply;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehaviorWithEnforcedReplies;
import org.apache.pekko.persistence.typed.javadsl.ReplyEffect;
import org.dispatchengine.engine.CborSerializable;
import org.dispatchengine.engine.Ids;
import org.dispatchengine.engine.Rejection;
import org.dispatchengine.engine.tenant.ApiKeys;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * Ties a client's key (an {@code Idempotency-Key} in its scope, or a partner's {@code externalRef}) to the one order
 * it created, entity id {@code tenantId:<hash of scope and key>}. The first request claims the key for its order id
 * and request hash; a repeat with the same hash gets the same order id, one with another hash is refused. Because
 * one entity serializes every claim of a key, concurrent duplicates can never make two orders.
 *
 * <p>A claim is honoured for the retention period (24 h by default); after it the key may be claimed afresh, and
 * {@code JournalPurge} deletes the stored claims, which bounds their storage.
 */
public final class KeyClaim
    extends EventSourcedBehaviorWithEnforcedReplies<KeyClaim.Command, KeyClaim.Event, KeyClaim.State> {

  public static final EntityTypeKey<Command> ENTITY_KEY = EntityTypeKey.create(Command.class, "KeyClaim");

  public sealed interface Command extends CborSerializable {}

  /** @param orderId the order the key is for, if this request is the first */
  public record Claim(String requestHash, String orderId, ActorRef<StatusReply<String>> replyTo) implements Command {}

  public sealed interface Event extends CborSerializable {}

  public record Claimed(String requestHash, String orderId, Instant at) implements Event {}

  /** {@code claim} is null until claimed. */
  public record State(Claimed claim) implements CborSerializable {}

  /** The entity id of {@code key} within {@code scope} (e.g. a customer, or external references) of a tenant. */
  public static String entityId(String tenantId, String scope, String key) {
    return Ids.entityId(tenantId, ApiKeys.hash(scope + '\u0000' + key).substring(0, 40));
  }

  public static void init(ActorSystem<?> system, Duration retention) {
    ClusterSharding.get(system)
        .init(Entity.of(ENTITY_KEY, ctx -> create(ctx.getEntityId(), retention, Clock.systemUTC())));
  }

  public static Behavior<Command> create(String entityId, Duration retention, Clock clock) {
    return new KeyClaim(entityId, retention, clock);
  }

  private final Duration retention;
  private final Clock clock;

  private KeyClaim(String entityId, Duration retention, Clock clock) {
    super(PersistenceId.of(ENTITY_KEY.name(), entityId));
    this.retention = retention;
    this.clock = clock;
  }

  @Override
  public State emptyState() {
    return new State(null);
  }

  @Override
  public CommandHandlerWithReply<Command, Event, State> commandHandler() {
    return newCommandHandlerWithReplyBuilder().forAnyState().onCommand(Claim.class, this::onClaim).build();
  }

  private ReplyEffect<Event, State> onClaim(State state, Claim cmd) {
    Instant now = clock.instant();
    Claimed current = state.claim();
    if (current != null && current.at().plus(retention).isAfter(now)) {
      return current.requestHash().equals(cmd.requestHash())
          ? Effect().reply(cmd.replyTo(), StatusReply.success(current.orderId()))
          : Effect().reply(cmd.replyTo(), Rejection.INVALID.reply("was already used with a different request"));
    }
    return Effect().persist(new Claimed(cmd.requestHash(), cmd.orderId(), now))
        .thenReply(cmd.replyTo(), s -> StatusReply.success(s.claim().orderId()));
  }

  @Override
  public EventHandler<State, Event> eventHandler() {
    return newEventHandlerBuilder().forAnyState().onEvent(Claimed.class, (state, event) -> new State(event)).build();
  }
}
