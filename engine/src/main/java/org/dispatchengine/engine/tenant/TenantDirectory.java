package org.dispatchengine.engine.tenant;

import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorSystem;
import org.dispatchengine.engine.EventTags;
import org.dispatchengine.engine.view.EntityViews;
import org.dispatchengine.engine.view.TagFeed;

import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/**
 * This node's view of every tenant, read by every authenticated request instead of asking the entity. Besides the
 * tenants it indexes their API keys by key id, so a presented key finds its tenant without revealing it.
 */
public final class TenantDirectory extends EntityViews<TenantRecord, Tenant.Event> {
  private final ConcurrentHashMap<String, String> tenantIdByKeyId = new ConcurrentHashMap<>();

  /** A verified API key and the tenant it belongs to. */
  public record ResolvedKey(TenantRecord tenant, ApiKey key) {}

  /** Feeds the directory from the tenants' events; completes when it has caught up. */
  public CompletionStage<Done> feed(ActorSystem<?> system) {
    return TagFeed.start(system, EventTags.tag(Tenant.TAG_TYPE, 0), envelope -> {
      if (envelope.event() instanceof Tenant.Event event) {
        apply(envelope.sequenceNr(), event);
      }
    }).thenApply(done -> {
      markCaughtUp();
      return done;
    });
  }

  @Override
  protected TenantRecord fold(TenantRecord current, Tenant.Event event) {
    if (current == null) {
      return event instanceof Tenant.TenantCreated created ? TenantRecord.created(created) : null;
    }
    return current.apply(event);
  }

  public Optional<TenantRecord> tenant(String tenantId) {
    return get(tenantId, tenantId);
  }

  public List<TenantRecord> sorted() {
    return all().sorted(Comparator.comparing(TenantRecord::id)).toList();
  }

  public void apply(long seqNr, Tenant.Event event) {
    apply(event.tenantId(), event.tenantId(), seqNr, event);
  }

  public void update(TenantRecord record) {
    update(record.id(), record.id(), record);
  }

  /** The tenant and key that {@code presentedKey} is, when it is an active key of some tenant, whatever its status. */
  public Optional<ResolvedKey> resolveApiKey(String presentedKey) {
    return ApiKeys.keyIdOf(presentedKey).flatMap(keyId -> {
      String tenantId = tenantIdByKeyId.get(keyId);
      return (tenantId == null ? Optional.<TenantRecord>empty() : tenant(tenantId))
          .flatMap(tenant -> tenant.apiKey(keyId)
              .filter(key -> ApiKeys.matches(presentedKey, key.keyHash()))
              .map(key -> new ResolvedKey(tenant, key)));
    });
  }

  @Override
  protected void changed(String tenantId, String id, TenantRecord before, TenantRecord after) {
    Set<String> active = after.apiKeys().stream().map(ApiKey::keyId).collect(Collectors.toSet());
    active.forEach(keyId -> tenantIdByKeyId.put(keyId, tenantId));
    if (before != null) {
      before.apiKeys().stream()
          .map(ApiKey::keyId)
          .filter(keyId -> !active.contains(keyId))
          .forEach(keyId -> tenantIdByKeyId.remove(keyId, tenantId));
    }
  }
}
