package org.dispatchengine.http.auth;

import org.dispatchengine.engine.Role;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import org.dispatchengine.engine.tenant.ApiKey;
import org.dispatchengine.engine.tenant.ApiKeys;
import org.dispatchengine.engine.tenant.Tenant;
import org.dispatchengine.engine.tenant.TenantDirectory;
import org.dispatchengine.engine.tenant.TenantRecord;
import org.dispatchengine.http.api.ProblemException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.Date;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

class AuthenticatorTest {
  private static final Instant NOW = Instant.parse("2026-11-22T12:00:00Z");
  private static final UserTokens.Settings SETTINGS =
      new UserTokens.Settings("dispatch-engine", Duration.ofHours(1), Duration.ofDays(30), Duration.ofSeconds(30));

  private final TenantDirectory directory = new TenantDirectory();
  private final UserTokens tokens = new UserTokens(SETTINGS, Clock.fixed(NOW, ZoneOffset.UTC));
  private final Authenticator auth = new Authenticator(directory, tokens, "platform-secret");
  private ApiKeys.Generated acmeKey;
  private String acmeSecret;

  @BeforeEach
  void tenants() {
    acmeKey = ApiKeys.generate();
    acmeSecret = ApiKeys.randomToken(32);
    directory.apply(1, new Tenant.TenantCreated("acme", "Acme", acmeSecret,
        new ApiKey(acmeKey.keyId(), acmeKey.keyHash(), NOW), NOW));
    ApiKeys.Generated globexKey = ApiKeys.generate();
    directory.apply(1, new Tenant.TenantCreated("globex", "Globex", ApiKeys.randomToken(32),
        new ApiKey(globexKey.keyId(), globexKey.keyHash(), NOW), NOW));
  }

  private TenantRecord acme() {
    return directory.tenant("acme").orElseThrow();
  }

  private static int statusOf(Runnable call) {
    return assertThrows(ProblemException.class, call::run).problem().status();
  }

  private JWTClaimsSet.Builder validClaims(String tenant) {
    return new JWTClaimsSet.Builder()
        .issuer("dispatch-engine").subject("alice").claim("tenant", tenant).claim("role", "customer")
        .issueTime(Date.from(NOW)).expirationTime(Date.from(NOW.plusSeconds(600)));
  }

  private String sign(JWSAlgorithm algorithm, byte[] key, JWTClaimsSet claims) throws Exception {
    SignedJWT jwt = new SignedJWT(new JWSHeader(algorithm), claims);
    jwt.sign(new MACSigner(key));
    return jwt.serialize();
  }

  @Test
  void validUserTokenResolvesToItsTenantRoleSubjectAndStore() {
    String token = tokens.mint(acme(), Role.STORE, "clerk-1", "store-9", Duration.ofMinutes(10)).token();
    Principal principal = auth.authenticate(token);
    assertEquals(new Principal("acme", Role.STORE, "clerk-1", "store-9", NOW.plusSeconds(600)), principal);
  }

  @Test
  void apiKeyResolvesToItsTenant() {
    Principal principal = auth.authenticate(acmeKey.plaintext());
    assertEquals("acme", principal.tenantId());
    assertEquals(Role.TENANT, principal.role());
    assertEquals(acmeKey.keyId(), principal.subject());
  }

  @Test
  void platformTokenIsRecognised() {
    assertEquals(Principal.PLATFORM, auth.authenticate("platform-secret"));
    assertEquals(401, statusOf(() -> auth.authenticate("platform-secreT")));
    assertNull(Principal.PLATFORM.tenantId());
  }

  @Test
  void expiredTokenIsRefusedOncePastTheClockSkew() {
    String token = tokens.mint(acme(), Role.CUSTOMER, "alice", null, Duration.ofMinutes(1)).token();
    Authenticator later = new Authenticator(directory,
        new UserTokens(SETTINGS, Clock.fixed(NOW.plusSeconds(60 + 29), ZoneOffset.UTC)), "platform-secret");
    assertEquals("alice", later.authenticate(token).subject());
    Authenticator tooLate = new Authenticator(directory,
        new UserTokens(SETTINGS, Clock.fixed(NOW.plusSeconds(60 + 30), ZoneOffset.UTC)), "platform-secret");
    ProblemException refused = assertThrows(ProblemException.class, () -> tooLate.authenticate(token));
    assertEquals(401, refused.problem().status());
    assertEquals("The token has expired", refused.problem().detail());
  }

  @Test
  void tokenIssuedInTheFutureIsRefused() throws Exception {
    String token = sign(JWSAlgorithm.HS256, acme().signingKey(),
        validClaims("acme").issueTime(Date.from(NOW.plusSeconds(120))).build());
    assertEquals(401, statusOf(() -> auth.authenticate(token)));
  }

  @Test
  void onlyHs256IsAccepted() throws Exception {
    byte[] longKey = Base64.getUrlDecoder().decode(ApiKeys.randomToken(64));
    String hs512 = sign(JWSAlgorithm.HS512, longKey, validClaims("acme").build());
    ProblemException refused = assertThrows(ProblemException.class, () -> auth.authenticate(hs512));
    assertEquals("The token is not signed with HS256", refused.problem().detail());

    String unsigned = new PlainJWT(validClaims("acme").build()).serialize();
    assertEquals(401, statusOf(() -> auth.authenticate(unsigned)));
  }

  @Test
  void tokenOfOneTenantIsWorthlessInAnother() throws Exception {
    // signed with acme's secret but claiming globex: globex's secret does not verify it
    String forged = sign(JWSAlgorithm.HS256, acme().signingKey(), validClaims("globex").build());
    assertEquals(401, statusOf(() -> auth.authenticate(forged)));
    String unknownTenant = sign(JWSAlgorithm.HS256, acme().signingKey(), validClaims("initech").build());
    assertEquals(401, statusOf(() -> auth.authenticate(unknownTenant)));
  }

  @Test
  void tamperedOrWronglyIssuedTokensAreRefused() throws Exception {
    String token = tokens.mint(acme(), Role.CUSTOMER, "alice", null, Duration.ofMinutes(10)).token();
    String[] parts = token.split("\\.");
    String admin = Base64.getUrlEncoder().withoutPadding().encodeToString(
        new String(Base64.getUrlDecoder().decode(parts[1])).replace("customer", "admin").getBytes());
    assertEquals(401, statusOf(() -> auth.authenticate(parts[0] + "." + admin + "." + parts[2])));

    String otherIssuer = sign(JWSAlgorithm.HS256, acme().signingKey(), validClaims("acme").issuer("elsewhere").build());
    assertEquals(401, statusOf(() -> auth.authenticate(otherIssuer)));
    String badRole = sign(JWSAlgorithm.HS256, acme().signingKey(), validClaims("acme").claim("role", "tenant").build());
    assertEquals(401, statusOf(() -> auth.authenticate(badRole)));
    String noExpiry = sign(JWSAlgorithm.HS256, acme().signingKey(), validClaims("acme").expirationTime(null).build());
    assertEquals(401, statusOf(() -> auth.authenticate(noExpiry)));
    assertEquals(401, statusOf(() -> auth.authenticate("a.b.c")));
  }

  @Test
  void suspendedTenantsCredentialsAreForbidden() {
    String token = tokens.mint(acme(), Role.COURIER, "bob", null, Duration.ofMinutes(10)).token();
    directory.apply(2, new Tenant.TenantSuspended("acme", NOW));
    assertEquals(403, statusOf(() -> auth.authenticate(token)));
    assertEquals(403, statusOf(() -> auth.authenticate(acmeKey.plaintext())));
  }

  @Test
  void revokedKeyIsRefused() {
    directory.apply(2, new Tenant.ApiKeyRevoked("acme", acmeKey.keyId(), NOW));
    assertEquals(401, statusOf(() -> auth.authenticate(acmeKey.plaintext())));
  }

  @Test
  void tokenSignedWithAnotherSecretIsRefused() throws Exception {
    String token = sign(JWSAlgorithm.HS256, Base64.getUrlDecoder().decode(ApiKeys.randomToken(32)),
        validClaims("acme").build());
    assertEquals(401, statusOf(() -> auth.authenticate(token)));
  }
}
