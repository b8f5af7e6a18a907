package org.dispatchengine.engine.tenant;

import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.dispatchengine.engine.testing.EntityTestKit;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TenantTest {
  private static final Instant NOW = Instant.parse("2026-11-22T10:00:00Z");
  @RegisterExtension
  static final EntityTestKit KIT = new EntityTestKit();
  private EventSourcedBehaviorTestKit<Tenant.Command, Tenant.Event, Tenant.State> tenant;

  @BeforeEach
  void newTenant() {
    tenant = EventSourcedBehaviorTestKit.create(
        KIT.system(),
        Tenant.create("acme", new Tenant.Settings(3, 100), Clock.fixed(NOW, ZoneOffset.UTC)));
  }

  private String createAcme() {
    return tenant.<StatusReply<Tenant.Created>>runCommand(r -> new Tenant.Create("Acme Foods", r))
        .reply().getValue().apiKey();
  }

  @Test
  void createIssuesFirstKeyAndStoresOnlyItsHash() {
    var result = tenant.<StatusReply<Tenant.Created>>runCommand(r -> new Tenant.Create("Acme Foods", r));

    Tenant.Created created = result.reply().getValue();
    Tenant.TenantCreated event = result.eventOfType(Tenant.TenantCreated.class);
    assertEquals("acme", event.tenantId());
    assertEquals("Acme Foods", event.name());
    assertEquals(NOW, event.at());
    assertTrue(created.apiKey().startsWith("dk_"));
    assertEquals(ApiKeys.hash(created.apiKey()), event.firstKey().keyHash());
    assertFalse(event.toString().contains(created.apiKey()), "the plain key must not be persisted");
    assertEquals(32, created.tenant().signingKey().length);

    TenantRecord state = result.state().tenant();
    assertEquals(TenantStatus.ACTIVE, state.status());
    assertEquals(1, state.revision());
    assertEquals(1, state.apiKeys().size());
  }

  @Test
  void refusesSecondCreateOfSameTenant() {
    createAcme();
    var result = tenant.<StatusReply<Tenant.Created>>runCommand(r -> new Tenant.Create("Other", r));
    assertTrue(result.reply().isError());
    assertEquals("conflict: tenant acme exists", result.reply().getError().getMessage());
    assertTrue(result.hasNoEvents());
  }

  @Test
  void commandsOnMissingTenantAreNotFound() {
    var get = tenant.<StatusReply<TenantRecord>>runCommand(Tenant.Get::new);
    assertEquals("not_found: tenant acme does not exist", get.reply().getError().getMessage());
    var suspend = tenant.<StatusReply<TenantRecord>>runCommand(Tenant.Suspend::new);
    assertTrue(suspend.reply().isError());
    assertTrue(suspend.hasNoEvents());
  }

  @Test
  void suspendAndResumeAreIdempotent() {
    createAcme();
    var suspended = tenant.<StatusReply<TenantRecord>>runCommand(Tenant.Suspend::new);
    assertEquals(TenantStatus.SUSPENDED, suspended.reply().getValue().status());
    assertInstanceOf(Tenant.TenantSuspended.class, suspended.event());

    var again = tenant.<StatusReply<TenantRecord>>runCommand(Tenant.Suspend::new);
    assertTrue(again.hasNoEvents());
    assertEquals(TenantStatus.SUSPENDED, again.reply().getValue().status());

    var resumed = tenant.<StatusReply<TenantRecord>>runCommand(Tenant.Resume::new);
    assertEquals(TenantStatus.ACTIVE, resumed.reply().getValue().status());
    assertEquals(3, resumed.reply().getValue().revision());
    assertTrue(tenant.<StatusReply<TenantRecord>>runCommand(Tenant.Resume::new).hasNoEvents());
  }

  @Test
  void issuesKeysUpToTheLimit() {
    createAcme();
    var issued = tenant.<StatusReply<Tenant.IssuedApiKey>>runCommand(Tenant.IssueApiKey::new);
    Tenant.IssuedApiKey key = issued.reply().getValue();
    assertEquals(ApiKeys.hash(key.apiKey()), key.key().keyHash());
    assertEquals(2, key.tenant().apiKeys().size());
    tenant.<StatusReply<Tenant.IssuedApiKey>>runCommand(Tenant.IssueApiKey::new);

    var refused = tenant.<StatusReply<Tenant.IssuedApiKey>>runCommand(Tenant.IssueApiKey::new);
    assertEquals(
        "conflict: tenant acme already has 3 active keys; revoke one first",
        refused.reply().getError().getMessage());
    assertTrue(refused.hasNoEvents());
  }

  @Test
  void revokesKeyAndAcknowledgesARetriedRevoke() {
    createAcme();
    String keyId = tenant.getState().tenant().apiKeys().get(0).keyId();

    var revoked = tenant.<StatusReply<TenantRecord>>runCommand(r -> new Tenant.RevokeApiKey(keyId, r));
    assertEquals(new Tenant.ApiKeyRevoked("acme", keyId, NOW), revoked.event());
    assertTrue(revoked.state().tenant().apiKeys().isEmpty());

    var retried = tenant.<StatusReply<TenantRecord>>runCommand(r -> new Tenant.RevokeApiKey(keyId, r));
    assertTrue(retried.reply().isSuccess());
    assertTrue(retried.hasNoEvents());

    var unknown = tenant.<StatusReply<TenantRecord>>runCommand(r -> new Tenant.RevokeApiKey("nosuchkey", r));
    assertEquals("not_found: tenant acme has no key nosuchkey", unknown.reply().getError().getMessage());
  }

  @Test
  void recoversSameStateAfterRestart() {
    String firstKey = createAcme();
    tenant.<StatusReply<Tenant.IssuedApiKey>>runCommand(Tenant.IssueApiKey::new);
    tenant.<StatusReply<TenantRecord>>runCommand(Tenant.Suspend::new);
    TenantRecord before = tenant.getState().tenant();

    var restarted = tenant.restart();

    assertEquals(before, restarted.state().tenant());
    assertEquals(3, restarted.state().tenant().revision());
    assertTrue(ApiKeys.matches(firstKey, restarted.state().tenant().apiKeys().get(0).keyHash()));
  }

  @Test
  void eachTenantGetsItsOwnSigningSecret() {
    createAcme();
    var other = EventSourcedBehaviorTestKit.<Tenant.Command, Tenant.Event, Tenant.State>create(
        KIT.system(), Tenant.create("globex", new Tenant.Settings(3, 100), Clock.systemUTC()));
    var created = other.<StatusReply<Tenant.Created>>runCommand(r -> new Tenant.Create("Globex", r));
    assertNotEquals(tenant.getState().tenant().signingSecret(), created.reply().getValue().tenant().signingSecret());
  }
}
