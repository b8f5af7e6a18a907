package org.dispatchengine.http.auth;

import org.dispatchengine.engine.tenant.ApiKey;
import org.dispatchengine.engine.tenant.ApiKeys;
import org.dispatchengine.engine.tenant.Tenant;
import org.dispatchengine.engine.tenant.TenantDirectory;
import org.dispatchengine.engine.tenant.TenantRecord;
import org.dispatchengine.http.api.ProblemException;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class TrackingLinksTest {
  private static final Instant NOW = Instant.parse("2026-11-22T12:00:00Z");
  private final TenantDirectory directory = new TenantDirectory();
  private final TrackingLinks links = new TrackingLinks("dispatch-engine", Clock.fixed(NOW, ZoneOffset.UTC));

  TrackingLinksTest() {
    ApiKeys.Generated key = ApiKeys.generate();
    directory.apply(1, new Tenant.TenantCreated("acme", "Acme", ApiKeys.randomToken(32),
        new ApiKey(key.keyId(), key.keyHash(), NOW), NOW));
  }

  private TenantRecord acme() {
    return directory.tenant("acme").orElseThrow();
  }

  @Test
  void aLinkNamesItsOrderAndGeneration() {
    String token = links.mint(acme(), "o1", 3, Duration.ofHours(1)).token();
    assertEquals(Optional.of(new TrackingLinks.Link("acme", "o1", 3)), links.verify(token, directory));
  }

  @Test
  void expiredTamperedOrSuspendedLinksAreNothing() {
    String token = links.mint(acme(), "o1", 0, Duration.ofMinutes(1)).token();
    TrackingLinks later = new TrackingLinks("dispatch-engine", Clock.fixed(NOW.plusSeconds(61), ZoneOffset.UTC));
    assertEquals(Optional.empty(), later.verify(token, directory));
    assertEquals(Optional.empty(), links.verify(token.substring(0, token.length() - 2) + "xx", directory));
    assertEquals(Optional.empty(), links.verify("not.a.jwt", directory));
    directory.apply(2, new Tenant.TenantSuspended("acme", NOW));
    assertEquals(Optional.empty(), links.verify(token, directory));
  }

  @Test
  void linksAndUserTokensAreNotInterchangeable() {
    UserTokens users = new UserTokens(
        new UserTokens.Settings("dispatch-engine", Duration.ofHours(1), Duration.ofDays(1), Duration.ofSeconds(30)),
        Clock.fixed(NOW, ZoneOffset.UTC));
    String link = links.mint(acme(), "o1", 0, Duration.ofHours(1)).token();
    Authenticator auth = new Authenticator(directory, users, "platform");
    assertEquals(401, assertThrows(ProblemException.class, () -> auth.authenticate(link)).problem().status());
    String user = users.mint(acme(), org.dispatchengine.engine.Role.CUSTOMER, "c1", null, Duration.ofHours(1)).token();
    assertEquals(Optional.empty(), links.verify(user, directory));
  }
}
