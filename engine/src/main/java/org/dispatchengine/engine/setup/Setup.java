package org.dispatchengine.engine.setup;

import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.javadsl.CommandHandlerWithReply;
import org.apache.pekko.persistence.typed.javadsl.CommandHandlerWithReplyBuilder;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehaviorWithEnforcedReplies;
import org.apache.pekko.persistence.typed.javadsl.ReplyEffect;
import org.apache.pekko.persistence.typed.javadsl.RetentionCriteria;
import org.dispatchengine.engine.CborSerializable;
import org.dispatchengine.engine.EventTags;
import org.dispatchengine.engine.Ids;
import org.dispatchengine.engine.Rejection;

import java.time.Clock;
import java.time.Instant;
import java.util.Set;

/**
 * One zone or store of a tenant (see {@link SetupKind}), entity id {@code tenantId:id}. Defining is a full replace and
 * idempotent: defining the same spec again changes nothing. Deleting is soft; a deleted object must be restored
 * before it can be redefined.
 */
public final class Setup extends EventSourcedBehaviorWithEnforcedReplies<Setup.Command, Setup.Event, Setup.State> {

  public sealed interface Command extends CborSerializable {}

  public record Define(Spec spec, ActorRef<StatusReply<Definition<Spec>>> replyTo) implements Command {}

  public record Delete(ActorRef<StatusReply<Definition<Spec>>> replyTo) implements Command {}

  public record Restore(ActorRef<StatusReply<Definition<Spec>>> replyTo) implements Command {}

  public record Get(ActorRef<StatusReply<Definition<Spec>>> replyTo) implements Command {}

  public sealed interface Event extends CborSerializable {
    String tenantId();

    String id();

    Instant at();
  }

  public record Defined(String tenantId, String id, Spec spec, Instant at) implements Event {}

  public record Deleted(String tenantId, String id, Instant at) implements Event {}

  public record Restored(String tenantId, String id, Instant at) implements Event {}

  /** {@code definition} is null until the first definition. */
  public record State(Definition<Spec> definition) implements CborSerializable {
    boolean exists() {
      return definition != null;
    }
  }

  public static void init(ActorSystem<?> system, SetupKind kind) {
    ClusterSharding.get(system).init(Entity.of(kind.entityKey(), ctx -> create(kind, ctx.getEntityId(), Clock.systemUTC())));
  }

  public static Behavior<Command> create(SetupKind kind, String entityId, Clock clock) {
    return new Setup(kind, entityId, clock);
  }

  private final SetupKind kind;
  private final String tenantId;
  private final String id;
  private final Clock clock;

  private Setup(SetupKind kind, String entityId, Clock clock) {
    super(PersistenceId.of(kind.entityKey().name(), entityId));
    this.kind = kind;
    this.tenantId = Ids.tenantOf(entityId);
    this.id = Ids.localOf(entityId);
    this.clock = clock;
  }

  @Override
  public State emptyState() {
    return new State(null);
  }

  @Override
  public Set<String> tagsFor(Event event) {
    return EventTags.forEntity(kind.tagType(), SetupKind.TAG_SLICES, persistenceId().id());
  }

  @Override
  public RetentionCriteria retentionCriteria() {
    return RetentionCriteria.snapshotEvery(100, 2);
  }

  @Override
  public CommandHandlerWithReply<Command, Event, State> commandHandler() {
    CommandHandlerWithReplyBuilder<Command, Event, State> builder = newCommandHandlerWithReplyBuilder();
    builder.forState(state -> !state.exists())
        .onCommand(Define.class, this::onDefine)
        .onCommand(Delete.class, (state, cmd) -> Effect().reply(cmd.replyTo(), notFound()))
        .onCommand(Restore.class, (state, cmd) -> Effect().reply(cmd.replyTo(), notFound()))
        .onCommand(Get.class, (state, cmd) -> Effect().reply(cmd.replyTo(), notFound()));
    builder.forState(State::exists)
        .onCommand(Define.class, this::onDefine)
        .onCommand(Delete.class, this::onDelete)
        .onCommand(Restore.class, this::onRestore)
        .onCommand(Get.class, (state, cmd) -> Effect().reply(cmd.replyTo(), StatusReply.success(state.definition())));
    return builder.build();
  }

  private <T> StatusReply<T> notFound() {
    return Rejection.NOT_FOUND.reply(kind.noun() + " " + id + " does not exist");
  }

  private ReplyEffect<Event, State> onDefine(State state, Define cmd) {
    if (state.exists()) {
      if (!state.definition().isActive()) {
        return Effect().reply(cmd.replyTo(),
            Rejection.CONFLICT.reply(kind.noun() + " " + id + " is deleted; restore it before changing it"));
      }
      if (state.definition().spec().equals(cmd.spec())) {
        return Effect().reply(cmd.replyTo(), StatusReply.success(state.definition()));
      }
    }
    return Effect().persist(new Defined(tenantId, id, cmd.spec(), clock.instant()))
        .thenReply(cmd.replyTo(), s -> StatusReply.success(s.definition()));
  }

  private ReplyEffect<Event, State> onDelete(State state, Delete cmd) {
    if (!state.definition().isActive()) {
      return Effect().reply(cmd.replyTo(), StatusReply.success(state.definition()));
    }
    return Effect().persist(new Deleted(tenantId, id, clock.instant()))
        .thenReply(cmd.replyTo(), s -> StatusReply.success(s.definition()));
  }

  private ReplyEffect<Event, State> onRestore(State state, Restore cmd) {
    if (state.definition().isActive()) {
      return Effect().reply(cmd.replyTo(), StatusReply.success(state.definition()));
    }
    return Effect().persist(new Restored(tenantId, id, clock.instant()))
        .thenReply(cmd.replyTo(), s -> StatusReply.success(s.definition()));
  }

  @Override
  public EventHandler<State, Event> eventHandler() {
    return newEventHandlerBuilder().forAnyState()
        .onAnyEvent((state, event) -> new State(Definition.fold(state.definition(), event)));
  }
}
