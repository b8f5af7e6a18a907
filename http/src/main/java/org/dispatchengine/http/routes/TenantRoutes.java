package org.dispatchengine.http.routes;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.pekko.http.javadsl.model.HttpMethods;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.Route;
import org.dispatchengine.engine.tenant.ApiKey;
import org.dispatchengine.engine.tenant.TenantRecord;
import org.dispatchengine.engine.tenant.TenantService;
import org.dispatchengine.http.api.ApiDirectives;
import org.dispatchengine.http.api.Endpoint;
import org.dispatchengine.http.api.JsonFields;
import org.dispatchengine.http.auth.Authenticator;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletionStage;

/** Tenant provisioning by the platform operator: create, list, suspend and resume tenants, issue and revoke keys. */
public final class TenantRoutes extends ApiDirectives {
  private final TenantService tenants;
  private final Authenticator auth;

  public TenantRoutes(org.dispatchengine.http.api.Json json, Duration bodyReadTimeout, TenantService tenants, Authenticator auth) {
    super(json, bodyReadTimeout);
    this.tenants = tenants;
    this.auth = auth;
  }

  public record KeyView(String keyId, Instant createdAt) {
    static KeyView of(ApiKey key) {
      return new KeyView(key.keyId(), key.createdAt());
    }
  }

  public record TenantView(
      String id, String name, String status, Instant createdAt, Instant updatedAt, List<KeyView> apiKeys) {
    static TenantView of(TenantRecord tenant) {
      return new TenantView(tenant.id(), tenant.name(), tenant.status().wireName(), tenant.createdAt(),
          tenant.updatedAt(), tenant.apiKeys().stream().map(KeyView::of).toList());
    }
  }

  public record CreatedTenantView(String id, String name, String status, Instant createdAt, String apiKey) {}

  public record IssuedKeyView(String keyId, Instant createdAt, String apiKey) {}

  public record Page<T>(List<T> items) {}

  public List<Endpoint> endpoints() {
    return List.of(
        Endpoint.of(HttpMethods.POST, "/v1/tenants", p -> auth.platformOnly(caller -> jsonBody(this::create))),
        Endpoint.of(HttpMethods.GET, "/v1/tenants", p -> auth.platformOnly(caller -> list())),
        Endpoint.of(HttpMethods.GET, "/v1/tenants/{tenantId}",
            p -> auth.platformOnly(caller -> tenant(tenants.get(p.get("tenantId"))))),
        Endpoint.of(HttpMethods.POST, "/v1/tenants/{tenantId}/suspend",
            p -> auth.platformOnly(caller -> tenant(tenants.suspend(p.get("tenantId"))))),
        Endpoint.of(HttpMethods.POST, "/v1/tenants/{tenantId}/resume",
            p -> auth.platformOnly(caller -> tenant(tenants.resume(p.get("tenantId"))))),
        Endpoint.of(HttpMethods.GET, "/v1/tenants/{tenantId}/keys",
            p -> auth.platformOnly(caller -> onSuccess(tenants.get(p.get("tenantId")),
                tenant -> complete(json.ok(new Page<>(tenant.apiKeys().stream().map(KeyView::of).toList())))))),
        Endpoint.of(HttpMethods.POST, "/v1/tenants/{tenantId}/keys",
            p -> auth.platformOnly(caller -> onSuccess(tenants.issueApiKey(p.get("tenantId")),
                issued -> respond(StatusCodes.CREATED,
                    new IssuedKeyView(issued.key().keyId(), issued.key().createdAt(), issued.apiKey()))))),
        Endpoint.of(HttpMethods.DELETE, "/v1/tenants/{tenantId}/keys/{keyId}",
            p -> auth.platformOnly(caller -> onSuccess(tenants.revokeApiKey(p.get("tenantId"), p.get("keyId")),
                tenant -> complete(StatusCodes.NO_CONTENT)))));
  }

  private Route create(JsonNode body) {
    JsonFields fields = JsonFields.of(body, Set.of("id", "name"));
    String id = fields.requiredId("id");
    String name = fields.requiredText("name", 200);
    fields.validate();
    return onSuccess(tenants.create(id, name), created -> {
      TenantRecord tenant = created.tenant();
      return respond(StatusCodes.CREATED, new CreatedTenantView(
          tenant.id(), tenant.name(), tenant.status().wireName(), tenant.createdAt(), created.apiKey()));
    });
  }

  private Route list() {
    return complete(json.ok(new Page<>(tenants.directory().sorted().stream().map(TenantView::of).toList())));
  }

  private Route tenant(CompletionStage<TenantRecord> reply) {
    return onSuccess(reply, tenant -> complete(json.ok(TenantView.of(tenant))));
  }
}
