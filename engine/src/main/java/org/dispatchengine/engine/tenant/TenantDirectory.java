package org.dispatchengine.engine.tenant;

import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * This node's view of every tenant, read by every authenticated request instead of asking the entity. It is fed by
 * the tenants' own events from the journal ({@link TenantDirectoryFeed}) and, for read-your-writes on the node that
 * made a change, by the entity's replies ({@link TenantService}). Both carry a revision, so a view never moves
 * backwards and an event is applied only to the revision it follows.
 */
public final class TenantDirectory {
  private final ConcurrentHashMap<String, TenantRecord> tenants = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, String> tenantIdByKeyId = new ConcurrentHashMap<>();
  private volatile boolean caughtUp;

  /** A verified API key and the tenant it belongs to. */
  public record ResolvedKey(TenantRecord tenant, ApiKey key) {}

  public Optional<TenantRecord> tenant(String tenantId) {
    return Optional.ofNullable(tenants.get(tenantId));
  }

  public List<TenantRecord> all() {
    return tenants.values().stream().sorted(Comparator.comparing(TenantRecord::id)).toList();
  }

  public int size() {
    return tenants.size();
  }

  /** The tenant and key that {@code presentedKey} is, when it is an active key of some tenant, whatever its status. */
  public Optional<ResolvedKey> resolveApiKey(String presentedKey) {
    return ApiKeys.keyIdOf(presentedKey).flatMap(keyId -> {
      String tenantId = tenantIdByKeyId.get(keyId);
      TenantRecord tenant = tenantId == null ? null : tenants.get(tenantId);
      if (tenant == null) {
        return Optional.empty();
      }
      return tenant.apiKey(keyId)
          .filter(key -> ApiKeys.matches(presentedKey, key.keyHash()))
          .map(key -> new ResolvedKey(tenant, key));
    });
  }

  /** Takes a whole record (an entity's reply) when it is newer than what this node has. */
  public void update(TenantRecord record) {
    change(record.id(), current -> current == null || record.revision() > current.revision() ? record : current);
  }

  /** Applies the event with sequence number {@code seqNr} when it directly follows what this node has. */
  public void apply(long seqNr, Tenant.Event event) {
    change(event.tenantId(), current -> {
      if (current == null) {
        return seqNr == 1 && event instanceof Tenant.TenantCreated created ? TenantRecord.created(created) : null;
      }
      return seqNr == current.revision() + 1 ? current.apply(event) : current;
    });
  }

  private void change(String tenantId, Function<TenantRecord, TenantRecord> change) {
    TenantRecord[] before = new TenantRecord[1];
    TenantRecord after = tenants.compute(tenantId, (id, current) -> {
      before[0] = current;
      return change.apply(current);
    });
    if (after != null && after != before[0]) {
      reindexKeys(before[0], after);
    }
  }

  private void reindexKeys(TenantRecord before, TenantRecord after) {
    Set<String> active = after.apiKeys().stream().map(ApiKey::keyId).collect(Collectors.toSet());
    active.forEach(keyId -> tenantIdByKeyId.put(keyId, after.id()));
    if (before != null) {
      before.apiKeys().stream()
          .map(ApiKey::keyId)
          .filter(keyId -> !active.contains(keyId))
          .forEach(keyId -> tenantIdByKeyId.remove(keyId, after.id()));
    }
  }

  /** True once every tenant event written before this node started has been read. */
  public boolean isCaughtUp() {
    return caughtUp;
  }

  void markCaughtUp() {
    caughtUp = true;
  }
}
