package org.dispatchengine.http.auth;

import org.dispatchengine.engine.Role;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import org.dispatchengine.engine.Ids;
import org.dispatchengine.engine.tenant.ApiKeys;
import org.dispatchengine.engine.tenant.TenantDirectory;
import org.dispatchengine.engine.tenant.TenantRecord;
import org.dispatchengine.http.api.ProblemException;

import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Optional;

/**
 * User tokens: JWTs signed with HS256 and the tenant's own secret. Only HS256 is accepted, whatever a token's header
 * says, so neither {@code none} nor an algorithm switch can get a forged token through.
 */
public final class UserTokens {
  static final String TENANT_CLAIM = "tenant";
  static final String ROLE_CLAIM = "role";
  static final String STORE_CLAIM = "storeId";

  public record Settings(String issuer, Duration defaultTtl, Duration maxTtl, Duration clockSkew) {}

  public record Minted(String token, Instant expiresAt) {}

  private final Settings settings;
  private final Clock clock;

  public UserTokens(Settings settings, Clock clock) {
    this.settings = settings;
    this.clock = clock;
  }

  public Settings settings() {
    return settings;
  }

  public Minted mint(TenantRecord tenant, Role role, String subject, String storeId, Duration ttl) {
    if (!role.isUserRole()) {
      throw new IllegalArgumentException("Tokens are minted for user roles only, not " + role);
    }
    Instant now = clock.instant();
    Instant expiresAt = now.plus(ttl);
    JWTClaimsSet claims = new JWTClaimsSet.Builder()
        .issuer(settings.issuer())
        .subject(subject)
        .claim(TENANT_CLAIM, tenant.id())
        .claim(ROLE_CLAIM, role.wireName())
        .claim(STORE_CLAIM, storeId)
        .issueTime(Date.from(now))
        .expirationTime(Date.from(expiresAt))
        .jwtID(ApiKeys.randomToken(12))
        .build();
    return new Minted(sign(tenant, claims), expiresAt);
  }

  /** An HS256 JWT of {@code claims}, signed with the tenant's secret and naming the tenant as its key id. */
  static String sign(TenantRecord tenant, JWTClaimsSet claims) {
    JWSHeader header = new JWSHeader.Builder(JWSAlgorithm.HS256).type(JOSEObjectType.JWT).keyID(tenant.id()).build();
    SignedJWT jwt = new SignedJWT(header, claims);
    try {
      jwt.sign(new MACSigner(tenant.signingKey()));
    } catch (JOSEException e) {
      throw new IllegalStateException("Cannot sign a token for tenant " + tenant.id(), e);
    }
    return jwt.serialize();
  }

  /** The principal a token speaks for; a {@code 401} problem when the token is not good, {@code 403} if suspended. */
  public Principal verify(String token, TenantDirectory directory) {
    SignedJWT jwt;
    JWTClaimsSet claims;
    try {
      jwt = SignedJWT.parse(token);
      claims = jwt.getJWTClaimsSet();
    } catch (ParseException e) {
      throw unauthorized("The token is not a well-formed JWT");
    }
    if (!JWSAlgorithm.HS256.equals(jwt.getHeader().getAlgorithm())) {
      throw unauthorized("The token is not signed with HS256");
    }
    String tenantId = stringClaim(claims, TENANT_CLAIM);
    TenantRecord tenant = Optional.ofNullable(tenantId).flatMap(directory::tenant)
        .orElseThrow(() -> unauthorized("The token is not valid"));
    if (!signatureMatches(jwt, tenant)) {
      throw unauthorized("The token is not valid");
    }
    Instant now = clock.instant();
    if (!settings.issuer().equals(claims.getIssuer())) {
      throw unauthorized("The token has the wrong issuer");
    }
    Date exp = claims.getExpirationTime();
    Date iat = claims.getIssueTime();
    if (exp == null || iat == null) {
      throw unauthorized("The token lacks exp or iat");
    }
    if (!now.isBefore(exp.toInstant().plus(settings.clockSkew()))) {
      throw unauthorized("The token has expired");
    }
    if (iat.toInstant().isAfter(now.plus(settings.clockSkew()))) {
      throw unauthorized("The token is issued in the future");
    }
    String subject = claims.getSubject();
    Role role = Role.userRole(stringClaim(claims, ROLE_CLAIM)).orElse(null);
    String storeId = stringClaim(claims, STORE_CLAIM);
    if (!Ids.isValid(subject) || role == null || (storeId != null && !Ids.isValid(storeId))) {
      throw unauthorized("The token's subject, role or store is not valid");
    }
    if (!tenant.isActive()) {
      throw ProblemException.of(403, "The tenant is suspended");
    }
    return new Principal(tenant.id(), role, subject, storeId, exp.toInstant());
  }

  private static boolean signatureMatches(SignedJWT jwt, TenantRecord tenant) {
    try {
      return jwt.verify(new MACVerifier(tenant.signingKey()));
    } catch (JOSEException e) {
      return false;
    }
  }

  private static String stringClaim(JWTClaimsSet claims, String name) {
    try {
      return claims.getStringClaim(name);
    } catch (ParseException e) {
      return null;
    }
  }

  private static ProblemException unauthorized(String detail) {
    return ProblemException.of(401, detail);
  }
}
