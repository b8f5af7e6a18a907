package org.dispatchengine.engine.tenant;

import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.javadsl.CommandHandlerWithReply;
import org.apache.pekko.persistence.typed.javadsl.CommandHandlerWithReplyBuilder;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehaviorWithEnforcedReplies;
import org.apache.pekko.persistence.typed.javadsl.ReplyEffect;
import org.apache.pekko.persistence.typed.javadsl.RetentionCriteria;
import org.dispatchengine.engine.CborSerializable;
import org.dispatchengine.engine.dispatch.DispatchSettings;
import org.dispatchengine.engine.EventTags;
import org.dispatchengine.engine.Rejection;

import java.time.Clock;
import java.time.Instant;
import java.util.Set;

/**
 * A tenant: a business using the engine, with its status, API keys and token-signing secret. Hot paths never ask
 * this entity; they read the per-node {@link TenantDirectory}, which folds this entity's events.
 */
public final class Tenant
    extends EventSourcedBehaviorWithEnforcedReplies<Tenant.Command, Tenant.Event, Tenant.State> {

  public static final EntityTypeKey<Command> ENTITY_KEY = EntityTypeKey.create(Command.class, "Tenant");
  public static final String TAG_TYPE = "tenant";
  /** Tenant events are rare: one slice keeps every node's directory feed a single ordered stream. */
  public static final int TAG_SLICES = 1;

  public record Settings(int maxActiveKeys, int snapshotEvery) {
    public static Settings fromConfig(com.typesafe.config.Config config) {
      com.typesafe.config.Config tenant = config.getConfig("dispatch.engine.tenant");
      return new Settings(tenant.getInt("max-active-keys"), tenant.getInt("snapshot-every"));
    }
  }

  // ---- commands

  public sealed interface Command extends CborSerializable {}

  public record Create(String name, ActorRef<StatusReply<Created>> replyTo) implements Command {}

  public record Get(ActorRef<StatusReply<TenantRecord>> replyTo) implements Command {}

  public record Suspend(ActorRef<StatusReply<TenantRecord>> replyTo) implements Command {}

  public record Resume(ActorRef<StatusReply<TenantRecord>> replyTo) implements Command {}

  public record IssueApiKey(ActorRef<StatusReply<IssuedApiKey>> replyTo) implements Command {}

  public record RevokeApiKey(String keyId, ActorRef<StatusReply<TenantRecord>> replyTo) implements Command {}

  public record ChangeSettings(TenantSettings settings, ActorRef<StatusReply<TenantRecord>> replyTo)
      implements Command {}

  /** The new settings get the next version number. */
  public record ChangeDispatchSettings(DispatchSettings settings, ActorRef<StatusReply<TenantRecord>> replyTo)
      implements Command {}

  // ---- replies

  /** The new tenant and its first API key in plain text, which is never available again. */
  public record Created(TenantRecord tenant, String apiKey) implements CborSerializable {}

  public record IssuedApiKey(TenantRecord tenant, ApiKey key, String apiKey) implements CborSerializable {}

  // ---- events

  public sealed interface Event extends CborSerializable {
    String tenantId();

    Instant at();
  }

  public record TenantCreated(String tenantId, String name, String signingSecret, ApiKey firstKey, Instant at)
      implements Event {}

  public record TenantSuspended(String tenantId, Instant at) implements Event {}

  public record TenantResumed(String tenantId, Instant at) implements Event {}

  public record ApiKeyIssued(String tenantId, ApiKey key, Instant at) implements Event {}

  public record ApiKeyRevoked(String tenantId, String keyId, Instant at) implements Event {}

  public record SettingsChanged(String tenantId, TenantSettings settings, Instant at) implements Event {}

  public record DispatchSettingsChanged(String tenantId, DispatchSettings settings, Instant at) implements Event {}

  // ---- state

  /** {@code tenant} is null until the tenant is created. */
  public record State(TenantRecord tenant) implements CborSerializable {
    static final State EMPTY = new State(null);

    boolean exists() {
      return tenant != null;
    }
  }

  public static void init(ActorSystem<?> system, Settings settings) {
    ClusterSharding.get(system)
        .init(Entity.of(ENTITY_KEY, ctx -> create(ctx.getEntityId(), settings, Clock.systemUTC())));
  }

  public static Behavior<Command> create(String tenantId, Settings settings, Clock clock) {
    return new Tenant(tenantId, settings, clock);
  }

  private final String tenantId;
  private final Settings settings;
  private final Clock clock;

  private Tenant(String tenantId, Settings settings, Clock clock) {
    super(PersistenceId.of(ENTITY_KEY.name(), tenantId));
    this.tenantId = tenantId;
    this.settings = settings;
    this.clock = clock;
  }

  @Override
  public State emptyState() {
    return State.EMPTY;
  }

  @Override
  public Set<String> tagsFor(Event event) {
    return EventTags.forEntity(TAG_TYPE, TAG_SLICES, persistenceId().id());
  }

  @Override
  public RetentionCriteria retentionCriteria() {
    return RetentionCriteria.snapshotEvery(settings.snapshotEvery(), 2);
  }

  @Override
  public CommandHandlerWithReply<Command, Event, State> commandHandler() {
    CommandHandlerWithReplyBuilder<Command, Event, State> builder = newCommandHandlerWithReplyBuilder();
    builder
        .forState(state -> !state.exists())
        .onCommand(Create.class, this::onCreate)
        .onCommand(Get.class, (state, cmd) -> Effect().reply(cmd.replyTo(), notFound()))
        .onCommand(Suspend.class, (state, cmd) -> Effect().reply(cmd.replyTo(), notFound()))
        .onCommand(Resume.class, (state, cmd) -> Effect().reply(cmd.replyTo(), notFound()))
        .onCommand(IssueApiKey.class, (state, cmd) -> Effect().reply(cmd.replyTo(), notFound()))
        .onCommand(RevokeApiKey.class, (state, cmd) -> Effect().reply(cmd.replyTo(), notFound()))
        .onCommand(ChangeSettings.class, (state, cmd) -> Effect().reply(cmd.replyTo(), notFound()))
        .onCommand(ChangeDispatchSettings.class, (state, cmd) -> Effect().reply(cmd.replyTo(), notFound()));
    builder
        .forState(State::exists)
        .onCommand(
            Create.class,
            (state, cmd) -> Effect().reply(cmd.replyTo(), Rejection.CONFLICT.reply("tenant " + tenantId + " exists")))
        .onCommand(Get.class, (state, cmd) -> Effect().reply(cmd.replyTo(), StatusReply.success(state.tenant())))
        .onCommand(Suspend.class, this::onSuspend)
        .onCommand(Resume.class, this::onResume)
        .onCommand(IssueApiKey.class, this::onIssueApiKey)
        .onCommand(RevokeApiKey.class, this::onRevokeApiKey)
        .onCommand(ChangeSettings.class, this::onChangeSettings)
        .onCommand(ChangeDispatchSettings.class, this::onChangeDispatchSettings);
    return builder.build();
  }

  private <T> StatusReply<T> notFound() {
    return Rejection.NOT_FOUND.reply("tenant " + tenantId + " does not exist");
  }

  private ReplyEffect<Event, State> onCreate(State state, Create cmd) {
    ApiKeys.Generated key = ApiKeys.generate();
    Instant now = clock.instant();
    TenantCreated event = new TenantCreated(
        tenantId, cmd.name(), ApiKeys.randomToken(32), new ApiKey(key.keyId(), key.keyHash(), now), now);
    return Effect().persist(event)
        .thenReply(cmd.replyTo(), s -> StatusReply.success(new Created(s.tenant(), key.plaintext())));
  }

  private ReplyEffect<Event, State> onSuspend(State state, Suspend cmd) {
    if (!state.tenant().isActive()) {
      return Effect().reply(cmd.replyTo(), StatusReply.success(state.tenant()));
    }
    return Effect().persist(new TenantSuspended(tenantId, clock.instant()))
        .thenReply(cmd.replyTo(), s -> StatusReply.success(s.tenant()));
  }

  private ReplyEffect<Event, State> onResume(State state, Resume cmd) {
    if (state.tenant().isActive()) {
      return Effect().reply(cmd.replyTo(), StatusReply.success(state.tenant()));
    }
    return Effect().persist(new TenantResumed(tenantId, clock.instant()))
        .thenReply(cmd.replyTo(), s -> StatusReply.success(s.tenant()));
  }

  private ReplyEffect<Event, State> onIssueApiKey(State state, IssueApiKey cmd) {
    if (state.tenant().apiKeys().size() >= settings.maxActiveKeys()) {
      return Effect().reply(cmd.replyTo(), Rejection.CONFLICT.reply(
          "tenant " + tenantId + " already has " + settings.maxActiveKeys() + " active keys; revoke one first"));
    }
    ApiKeys.Generated generated = ApiKeys.generate();
    ApiKey key = new ApiKey(generated.keyId(), generated.keyHash(), clock.instant());
    return Effect().persist(new ApiKeyIssued(tenantId, key, key.createdAt()))
        .thenReply(cmd.replyTo(), s -> StatusReply.success(new IssuedApiKey(s.tenant(), key, generated.plaintext())));
  }

  private ReplyEffect<Event, State> onRevokeApiKey(State state, RevokeApiKey cmd) {
    if (state.tenant().revokedKeyIds().contains(cmd.keyId())) {
      return Effect().reply(cmd.replyTo(), StatusReply.success(state.tenant()));
    }
    if (state.tenant().apiKey(cmd.keyId()).isEmpty()) {
      return Effect().reply(cmd.replyTo(), Rejection.NOT_FOUND.reply("tenant " + tenantId + " has no key " + cmd.keyId()));
    }
    return Effect().persist(new ApiKeyRevoked(tenantId, cmd.keyId(), clock.instant()))
        .thenReply(cmd.replyTo(), s -> StatusReply.success(s.tenant()));
  }

  private ReplyEffect<Event, State> onChangeSettings(State state, ChangeSettings cmd) {
    if (state.tenant().settings().equals(cmd.settings())) {
      return Effect().reply(cmd.replyTo(), StatusReply.success(state.tenant()));
    }
    return Effect().persist(new SettingsChanged(tenantId, cmd.settings(), clock.instant()))
        .thenReply(cmd.replyTo(), s -> StatusReply.success(s.tenant()));
  }

  private ReplyEffect<Event, State> onChangeDispatchSettings(State state, ChangeDispatchSettings cmd) {
    DispatchSettings current = state.tenant().dispatch();
    if (current.samePolicy(cmd.settings())) {
      return Effect().reply(cmd.replyTo(), StatusReply.success(state.tenant()));
    }
    DispatchSettings next = cmd.settings().withVersion(current.version() + 1);
    return Effect().persist(new DispatchSettingsChanged(tenantId, next, clock.instant()))
        .thenReply(cmd.replyTo(), s -> StatusReply.success(s.tenant()));
  }

  @Override
  public EventHandler<State, Event> eventHandler() {
    return newEventHandlerBuilder()
        .forAnyState()
        .onEvent(TenantCreated.class, (state, event) -> new State(TenantRecord.created(event)))
        .onAnyEvent((state, event) -> new State(state.tenant().apply(event)));
  }
}
