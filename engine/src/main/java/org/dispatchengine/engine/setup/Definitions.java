package org.dispatchengine.engine.setup;

import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.pattern.StatusReply;
import org.dispatchengine.engine.EntityAsk;
import org.dispatchengine.engine.EventTags;
import org.dispatchengine.engine.Ids;
import org.dispatchengine.engine.view.EntityViews;
import org.dispatchengine.engine.view.TagFeed;

import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

/**
 * The zones or the stores of every tenant: this node's view, fed from the journal, plus the commands of the
 * {@link Setup} entities, whose answers also update the view so that the caller reads its own writes.
 */
public class Definitions<S extends Spec> extends EntityViews<Definition<S>, Setup.Event> {
  private final SetupKind kind;
  private volatile EntityAsk<Setup.Command> entities;

  public Definitions(SetupKind kind) {
    this.kind = kind;
  }

  public SetupKind kind() {
    return kind;
  }

  /** Starts the entity type and this view's feed on {@code system}; completes when the feed has caught up. */
  public CompletionStage<Done> start(ActorSystem<?> system, Duration askTimeout) {
    Setup.init(system, kind);
    entities = new EntityAsk<>(system, kind.entityKey(), askTimeout);
    return TagFeed.start(system, EventTags.tag(kind.tagType(), 0), envelope -> {
      if (envelope.event() instanceof Setup.Event event) {
        apply(event.tenantId(), event.id(), envelope.sequenceNr(), event);
      }
    }).thenApply(done -> {
      markCaughtUp();
      return done;
    });
  }

  @Override
  protected Definition<S> fold(Definition<S> current, Setup.Event event) {
    return Definition.fold(current, event);
  }

  /** The active definition, as this node knows it. */
  public Optional<Definition<S>> active(String tenantId, String id) {
    return get(tenantId, id).filter(Definition::isActive);
  }

  public List<Definition<S>> list(String tenantId, boolean includeDeleted) {
    return ofTenant(tenantId).stream()
        .filter(d -> includeDeleted || d.isActive())
        .sorted(Comparator.comparing(Definition::id))
        .toList();
  }

  public CompletionStage<Definition<S>> define(String tenantId, String id, S spec) {
    return ask(tenantId, id, replyTo -> new Setup.Define(spec, replyTo));
  }

  public CompletionStage<Definition<S>> delete(String tenantId, String id) {
    return ask(tenantId, id, Setup.Delete::new);
  }

  public CompletionStage<Definition<S>> restore(String tenantId, String id) {
    return ask(tenantId, id, Setup.Restore::new);
  }

  /** Asks the entity: authoritative, including deleted objects. */
  public CompletionStage<Definition<S>> read(String tenantId, String id) {
    return ask(tenantId, id, Setup.Get::new);
  }

  @SuppressWarnings("unchecked")
  private CompletionStage<Definition<S>> ask(
      String tenantId, String id, Function<ActorRef<StatusReply<Definition<Spec>>>, Setup.Command> command) {
    return entities.ask(Ids.entityId(tenantId, id), command).thenApply(definition -> {
      Definition<S> typed = (Definition<S>) (Definition<?>) definition;
      update(tenantId, id, typed);
      return typed;
    });
  }
}
