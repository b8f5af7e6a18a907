package org.dispatchengine.engine.tenant;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TenantDirectoryTest {
  private static final Instant T0 = Instant.parse("2026-11-22T10:00:00Z");
  private final ApiKeys.Generated first = ApiKeys.generate();
  private final TenantDirectory directory = new TenantDirectory();

  private Tenant.TenantCreated created() {
    return new Tenant.TenantCreated("acme", "Acme", ApiKeys.randomToken(32),
        new ApiKey(first.keyId(), first.keyHash(), T0), T0);
  }

  @Test
  void resolvesAnActiveKeyToItsTenant() {
    directory.apply(1, created());
    var resolved = directory.resolveApiKey(first.plaintext()).orElseThrow();
    assertEquals("acme", resolved.tenant().id());
    assertEquals(first.keyId(), resolved.key().keyId());
  }

  @Test
  void refusesKeyWithRightIdButWrongSecret() {
    directory.apply(1, created());
    String forged = ApiKeys.PREFIX + first.keyId() + "_" + ApiKeys.randomToken(32);
    assertTrue(directory.resolveApiKey(forged).isEmpty());
    assertTrue(directory.resolveApiKey("dk_short").isEmpty());
    assertTrue(directory.resolveApiKey("not-a-key").isEmpty());
  }

  @Test
  void revokedKeyStopsResolving() {
    directory.apply(1, created());
    directory.apply(2, new Tenant.ApiKeyRevoked("acme", first.keyId(), T0.plusSeconds(1)));
    assertTrue(directory.resolveApiKey(first.plaintext()).isEmpty());
  }

  @Test
  void appliesOnlyTheEventThatFollowsTheKnownRevision() {
    directory.apply(2, new Tenant.TenantSuspended("acme", T0));
    assertTrue(directory.tenant("acme").isEmpty(), "an event before creation is ignored");

    directory.apply(1, created());
    directory.apply(3, new Tenant.TenantSuspended("acme", T0));
    assertEquals(TenantStatus.ACTIVE, directory.tenant("acme").orElseThrow().status(), "a gap is not bridged");

    directory.apply(2, new Tenant.TenantSuspended("acme", T0));
    directory.apply(2, new Tenant.TenantSuspended("acme", T0));
    assertEquals(2, directory.tenant("acme").orElseThrow().revision(), "a duplicate is applied once");
    assertEquals(TenantStatus.SUSPENDED, directory.tenant("acme").orElseThrow().status());
  }

  @Test
  void neverReplacesANewerRecordWithAnOlderOne() {
    TenantRecord one = TenantRecord.created(created());
    TenantRecord two = one.apply(new Tenant.TenantSuspended("acme", T0));
    directory.update(two);
    directory.update(one);
    assertEquals(two, directory.tenant("acme").orElseThrow());
    directory.apply(2, new Tenant.TenantSuspended("acme", T0));
    assertEquals(List.of(two), directory.sorted());
  }
}
