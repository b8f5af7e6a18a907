package org.dispatchengine.engine.tenant;

import org.dispatchengine.engine.CborSerializable;
import org.dispatchengine.engine.dispatch.DispatchSettings;
import org.dispatchengine.engine.view.Revisioned;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

/**
 * Everything the engine knows about one tenant. The entity and every node's {@link TenantDirectory} fold the same
 * events through {@link #apply}, so both agree on the result; {@code revision} is the sequence number of the last
 * event applied, which lets a directory tell a newer view from an older one.
 *
 * @param signingSecret URL-safe base64 of the HMAC key that signs this tenant's user tokens
 * @param revokedKeyIds the most recently revoked key ids (at most {@link #REMEMBERED_REVOCATIONS}), so that a retried
 *     revocation is acknowledged rather than refused
 */
public record TenantRecord(
    String id,
    String name,
    TenantStatus status,
    String signingSecret,
    List<ApiKey> apiKeys,
    List<String> revokedKeyIds,
    TenantSettings settings,
    DispatchSettings dispatch,
    Instant createdAt,
    Instant updatedAt,
    long revision)
    implements CborSerializable, Revisioned {

  static final int REMEMBERED_REVOCATIONS = 100;

  public TenantRecord {
    apiKeys = List.copyOf(apiKeys);
    revokedKeyIds = List.copyOf(revokedKeyIds);
    settings = settings == null ? TenantSettings.DEFAULT : settings;
    dispatch = dispatch == null ? DispatchSettings.DEFAULT : dispatch;
  }

  static TenantRecord created(Tenant.TenantCreated event) {
    return new TenantRecord(
        event.tenantId(),
        event.name(),
        TenantStatus.ACTIVE,
        event.signingSecret(),
        List.of(event.firstKey()),
        List.of(),
        TenantSettings.DEFAULT,
        DispatchSettings.DEFAULT,
        event.at(),
        event.at(),
        1);
  }

  /** This record after one more event of the same tenant. */
  TenantRecord apply(Tenant.Event event) {
    if (event instanceof Tenant.TenantSuspended e) {
      return next(TenantStatus.SUSPENDED, apiKeys, revokedKeyIds, settings, e.at());
    } else if (event instanceof Tenant.TenantResumed e) {
      return next(TenantStatus.ACTIVE, apiKeys, revokedKeyIds, settings, e.at());
    } else if (event instanceof Tenant.SettingsChanged e) {
      return next(status, apiKeys, revokedKeyIds, e.settings(), e.at());
    } else if (event instanceof Tenant.DispatchSettingsChanged e) {
      return new TenantRecord(id, name, status, signingSecret, apiKeys, revokedKeyIds, settings, e.settings(),
          createdAt, e.at(), revision + 1);
    } else if (event instanceof Tenant.ApiKeyIssued e) {
      List<ApiKey> keys = new ArrayList<>(apiKeys);
      keys.add(e.key());
      return next(status, keys, revokedKeyIds, settings, e.at());
    } else if (event instanceof Tenant.ApiKeyRevoked e) {
      List<ApiKey> keys = apiKeys.stream().filter(k -> !k.keyId().equals(e.keyId())).toList();
      List<String> revoked = new ArrayList<>(revokedKeyIds);
      revoked.add(e.keyId());
      int overflow = revoked.size() - REMEMBERED_REVOCATIONS;
      return next(status, keys, revoked.subList(Math.max(0, overflow), revoked.size()), settings, e.at());
    }
    throw new IllegalStateException("Event " + event.getClass().getSimpleName() + " cannot follow creation");
  }

  private TenantRecord next(
      TenantStatus newStatus, List<ApiKey> newKeys, List<String> revoked, TenantSettings newSettings, Instant at) {
    return new TenantRecord(id, name, newStatus, signingSecret, newKeys, revoked, newSettings, dispatch, createdAt, at,
        revision + 1);
  }

  public boolean isActive() {
    return status == TenantStatus.ACTIVE;
  }

  public Optional<ApiKey> apiKey(String keyId) {
    return apiKeys.stream().filter(k -> k.keyId().equals(keyId)).findFirst();
  }

  public byte[] signingKey() {
    return Base64.getUrlDecoder().decode(signingSecret);
  }
}
