package org.dispatchengine.http.routes;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.pekko.http.javadsl.model.HttpMethods;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.Route;
import org.dispatchengine.engine.tenant.TenantDirectory;
import org.dispatchengine.engine.tenant.TenantRecord;
import org.dispatchengine.http.api.ApiDirectives;
import org.dispatchengine.http.api.Endpoint;
import org.dispatchengine.http.api.Json;
import org.dispatchengine.http.api.JsonFields;
import org.dispatchengine.http.api.ProblemException;
import org.dispatchengine.http.auth.Authenticator;
import org.dispatchengine.http.auth.Principal;
import org.dispatchengine.engine.Role;
import org.dispatchengine.http.auth.UserTokens;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** Minting user tokens with a tenant API key, and {@code /v1/me} to see what a credential resolves to. */
public final class TokenRoutes extends ApiDirectives {
  private final TenantDirectory directory;
  private final UserTokens userTokens;
  private final Authenticator auth;

  public TokenRoutes(Json json, Duration bodyReadTimeout, TenantDirectory directory, UserTokens userTokens,
      Authenticator auth) {
    super(json, bodyReadTimeout);
    this.directory = directory;
    this.userTokens = userTokens;
    this.auth = auth;
  }

  public record MintedView(String token, Instant expiresAt) {}

  public record PrincipalView(String tenantId, String role, String subject, String storeId, Instant expiresAt) {
    static PrincipalView of(Principal p) {
      return new PrincipalView(p.tenantId(), p.role().wireName(), p.subject(), p.storeId(), p.expiresAt());
    }
  }

  public List<Endpoint> endpoints() {
    return List.of(
        Endpoint.of(HttpMethods.POST, "/v1/tokens",
            p -> auth.tenantKeyOnly(caller -> jsonBody(body -> mint(caller, body)))),
        Endpoint.of(HttpMethods.GET, "/v1/me",
            p -> auth.authenticated(caller -> complete(json.ok(PrincipalView.of(caller))))));
  }

  private Route mint(Principal caller, JsonNode body) {
    JsonFields fields = JsonFields.of(body, Set.of("subject", "role", "storeId", "ttlSeconds"));
    String subject = fields.requiredId("subject");
    Role role = fields.requiredChoice("role", Role.USER_ROLES);
    Optional<String> storeId = fields.optionalId("storeId");
    UserTokens.Settings settings = userTokens.settings();
    long ttlSeconds = fields.optionalLong("ttlSeconds", 60, settings.maxTtl().toSeconds())
        .orElse(settings.defaultTtl().toSeconds());
    if (role == Role.STORE && storeId.isEmpty() && !fields.hasValue("storeId")) {
      fields.error("storeId", "is required for store tokens");
    }
    if (role != null && role != Role.STORE && fields.hasValue("storeId")) {
      fields.error("storeId", "only store tokens carry a store");
    }
    fields.validate();
    TenantRecord tenant = directory.tenant(caller.tenantId())
        .orElseThrow(() -> ProblemException.of(401, "The API key is not valid"));
    UserTokens.Minted minted =
        userTokens.mint(tenant, role, subject, storeId.orElse(null), Duration.ofSeconds(ttlSeconds));
    return respond(StatusCodes.CREATED, new MintedView(minted.token(), minted.expiresAt()));
  }
}
