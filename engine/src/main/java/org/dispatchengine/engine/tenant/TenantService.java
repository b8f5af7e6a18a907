package org.dispatchengine.engine.tenant;

import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.pattern.StatusReply;
import org.dispatchengine.engine.EntityAsk;
import org.dispatchengine.engine.dispatch.DispatchSettings;

import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

/**
 * The commands of the {@link Tenant} entity as asynchronous calls. Every successful change is also handed to this
 * node's {@link TenantDirectory}, so the caller's next request sees it without waiting for the journal feed.
 */
public final class TenantService {
  private final EntityAsk<Tenant.Command> tenants;
  private final TenantDirectory directory;

  public TenantService(ActorSystem<?> system, TenantDirectory directory, Duration askTimeout) {
    this.tenants = new EntityAsk<>(system, Tenant.ENTITY_KEY, askTimeout);
    this.directory = directory;
  }

  public TenantDirectory directory() {
    return directory;
  }

  public CompletionStage<Tenant.Created> create(String tenantId, String name) {
    return ask(tenantId, (ActorRef<StatusReply<Tenant.Created>> replyTo) -> new Tenant.Create(name, replyTo))
        .thenApply(created -> remember(created, created.tenant()));
  }

  public CompletionStage<TenantRecord> get(String tenantId) {
    return ask(tenantId, Tenant.Get::new).thenApply(record -> remember(record, record));
  }

  public CompletionStage<TenantRecord> suspend(String tenantId) {
    return ask(tenantId, Tenant.Suspend::new).thenApply(record -> remember(record, record));
  }

  public CompletionStage<TenantRecord> resume(String tenantId) {
    return ask(tenantId, Tenant.Resume::new).thenApply(record -> remember(record, record));
  }

  public CompletionStage<Tenant.IssuedApiKey> issueApiKey(String tenantId) {
    return ask(tenantId, Tenant.IssueApiKey::new).thenApply(issued -> remember(issued, issued.tenant()));
  }

  public CompletionStage<TenantRecord> revokeApiKey(String tenantId, String keyId) {
    return ask(tenantId, (ActorRef<StatusReply<TenantRecord>> replyTo) -> new Tenant.RevokeApiKey(keyId, replyTo))
        .thenApply(record -> remember(record, record));
  }

  public CompletionStage<TenantRecord> changeSettings(String tenantId, TenantSettings settings) {
    return ask(tenantId, (ActorRef<StatusReply<TenantRecord>> replyTo) -> new Tenant.ChangeSettings(settings, replyTo))
        .thenApply(record -> remember(record, record));
  }

  public CompletionStage<TenantRecord> changeDispatchSettings(String tenantId, DispatchSettings settings) {
    return ask(tenantId,
        (ActorRef<StatusReply<TenantRecord>> replyTo) -> new Tenant.ChangeDispatchSettings(settings, replyTo))
        .thenApply(record -> remember(record, record));
  }

  private <T> T remember(T reply, TenantRecord record) {
    directory.update(record);
    return reply;
  }

  private <T> CompletionStage<T> ask(String tenantId, Function<ActorRef<StatusReply<T>>, Tenant.Command> command) {
    return tenants.ask(tenantId, command);
  }
}
