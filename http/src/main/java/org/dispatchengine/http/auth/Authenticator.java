package org.dispatchengine.http.auth;

import org.dispatchengine.engine.Role;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;
import org.dispatchengine.engine.tenant.ApiKeys;
import org.dispatchengine.engine.tenant.TenantDirectory;
import org.dispatchengine.http.api.ProblemException;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Optional;
import java.util.function.Function;

/**
 * The one authentication directive: resolves the bearer credential of a request to a {@link Principal} (platform
 * token, tenant API key or user token), using only this node's memory.
 */
public final class Authenticator extends AllDirectives {
  private static final String BEARER = "Bearer ";
  private final TenantDirectory directory;
  private final UserTokens userTokens;
  private final byte[] adminTokenHash;

  public Authenticator(TenantDirectory directory, UserTokens userTokens, String adminToken) {
    this.directory = directory;
    this.userTokens = userTokens;
    this.adminTokenHash = sha256(adminToken);
  }

  /** Runs {@code inner} with the caller, or answers {@code 401}/{@code 403}. */
  public Route authenticated(Function<Principal, Route> inner) {
    return optionalHeaderValueByName("Authorization", header -> inner.apply(authenticate(header)));
  }

  /**
   * For WebSocket upgrades: the bearer header, or a {@code token} query parameter, since browsers cannot set headers
   * on a WebSocket.
   */
  public Route authenticatedUpgrade(Function<Principal, Route> inner) {
    return optionalHeaderValueByName("Authorization", header -> parameterOptional("token", token ->
        inner.apply(header.isPresent() || token.isEmpty() ? authenticate(header) : authenticate(token.get()))));
  }

  /** Only the platform operator may pass. */
  public Route platformOnly(Function<Principal, Route> inner) {
    return authenticated(principal -> {
      if (principal.role() != Role.PLATFORM) {
        throw ProblemException.of(403, "Only the platform operator may do this");
      }
      return inner.apply(principal);
    });
  }

  /** Only a tenant API key may pass. */
  public Route tenantKeyOnly(Function<Principal, Route> inner) {
    return authenticated(principal -> {
      if (principal.role() != Role.TENANT) {
        throw ProblemException.of(403, "Only a tenant API key may do this");
      }
      return inner.apply(principal);
    });
  }

  /** Any credential of a tenant (not the platform operator's, which belongs to no tenant). */
  public Route inTenant(Function<Principal, Route> inner) {
    return authenticated(principal -> {
      if (principal.tenantId() == null) {
        throw ProblemException.of(403, "Use a credential of the tenant: the platform token belongs to no tenant");
      }
      return inner.apply(principal);
    });
  }

  /** A tenant API key or a tenant admin token. */
  public Route tenantManagerOnly(Function<Principal, Route> inner) {
    return inTenant(principal -> {
      if (!principal.caller().isTenantManager()) {
        throw ProblemException.of(403, "Only a tenant API key or a tenant admin may do this");
      }
      return inner.apply(principal);
    });
  }

  Principal authenticate(Optional<String> authorization) {
    String credential = authorization
        .filter(value -> value.regionMatches(true, 0, BEARER, 0, BEARER.length()))
        .map(value -> value.substring(BEARER.length()).trim())
        .filter(value -> !value.isEmpty())
        .orElseThrow(() -> ProblemException.of(401, "A bearer credential is required"));
    return authenticate(credential);
  }

  public Principal authenticate(String credential) {
    if (credential.startsWith(ApiKeys.PREFIX)) {
      var resolved = directory.resolveApiKey(credential)
          .orElseThrow(() -> ProblemException.of(401, "The API key is not valid"));
      if (!resolved.tenant().isActive()) {
        throw ProblemException.of(403, "The tenant is suspended");
      }
      return new Principal(resolved.tenant().id(), Role.TENANT, resolved.key().keyId(), null, null);
    }
    if (MessageDigest.isEqual(sha256(credential), adminTokenHash)) {
      return Principal.PLATFORM;
    }
    if (credential.chars().filter(c -> c == '.').count() == 2) {
      return userTokens.verify(credential, directory);
    }
    throw ProblemException.of(401, "The credential is not valid");
  }

  private static byte[] sha256(String value) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
