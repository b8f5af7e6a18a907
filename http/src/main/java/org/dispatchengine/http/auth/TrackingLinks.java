package org.dispatchengine.http.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import org.dispatchengine.engine.tenant.ApiKeys;
import org.dispatchengine.engine.tenant.TenantDirectory;
import org.dispatchengine.engine.tenant.TenantRecord;

import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Optional;

/**
 * Tracking links: tokens that show one order's public view to anyone holding them, without an account. Signed like
 * user tokens (HS256, the tenant's secret) but marked {@code use=track}, so neither kind is accepted as the other.
 * A link expires, and all links of an order die together when they are revoked (the order's link generation moves on).
 */
public final class TrackingLinks {
  private static final String USE = "use";
  private static final String TRACK = "track";

  /** A verified link: which order of which tenant, made in which generation. */
  public record Link(String tenantId, String orderId, int generation) {}

  public record Minted(String token, Instant expiresAt) {}

  private final String issuer;
  private final Clock clock;

  public TrackingLinks(String issuer, Clock clock) {
    this.issuer = issuer;
    this.clock = clock;
  }

  public Minted mint(TenantRecord tenant, String orderId, int generation, Duration ttl) {
    Instant now = clock.instant();
    Instant expiresAt = now.plus(ttl);
    JWTClaimsSet claims = new JWTClaimsSet.Builder()
        .issuer(issuer)
        .claim(USE, TRACK)
        .claim(UserTokens.TENANT_CLAIM, tenant.id())
        .claim("order", orderId)
        .claim("gen", generation)
        .issueTime(Date.from(now))
        .expirationTime(Date.from(expiresAt))
        .jwtID(ApiKeys.randomToken(12))
        .build();
    return new Minted(UserTokens.sign(tenant, claims), expiresAt);
  }

  /** The link, when the token is one of an active tenant, unexpired and untampered; empty for anything else. */
  public Optional<Link> verify(String token, TenantDirectory directory) {
    try {
      SignedJWT jwt = SignedJWT.parse(token);
      JWTClaimsSet claims = jwt.getJWTClaimsSet();
      if (!JWSAlgorithm.HS256.equals(jwt.getHeader().getAlgorithm()) || !TRACK.equals(claims.getStringClaim(USE))
          || !issuer.equals(claims.getIssuer()) || claims.getExpirationTime() == null
          || !clock.instant().isBefore(claims.getExpirationTime().toInstant())) {
        return Optional.empty();
      }
      Optional<TenantRecord> tenant = Optional.ofNullable(claims.getStringClaim(UserTokens.TENANT_CLAIM))
          .flatMap(directory::tenant)
          .filter(TenantRecord::isActive);
      if (tenant.isEmpty() || !jwt.verify(new MACVerifier(tenant.get().signingKey()))) {
        return Optional.empty();
      }
      String orderId = claims.getStringClaim("order");
      Integer generation = claims.getIntegerClaim("gen");
      return orderId == null || generation == null
          ? Optional.empty()
          : Optional.of(new Link(tenant.get().id(), orderId, generation));
    } catch (ParseException | JOSEException | RuntimeException e) {
      return Optional.empty();
    }
  }
}
