package org.dispatchengine.http.routes;

import org.apache.pekko.http.javadsl.model.HttpMethods;
import org.dispatchengine.engine.tenant.TenantService;
import org.dispatchengine.engine.tenant.TenantSettings;
import org.dispatchengine.http.api.ApiDirectives;
import org.dispatchengine.http.api.Endpoint;
import org.dispatchengine.http.api.Json;
import org.dispatchengine.http.api.JsonFields;
import org.dispatchengine.http.api.ProblemException;
import org.dispatchengine.http.auth.Authenticator;

import java.time.Duration;
import java.util.List;
import java.util.Set;

/** A tenant's own settings for its orders. */
public final class SettingsRoutes extends ApiDirectives {
  private final TenantService tenants;
  private final Authenticator auth;

  public SettingsRoutes(Json json, Duration bodyReadTimeout, TenantService tenants, Authenticator auth) {
    super(json, bodyReadTimeout);
    this.tenants = tenants;
    this.auth = auth;
  }

  public List<Endpoint> endpoints() {
    return List.of(
        Endpoint.of(HttpMethods.GET, "/v1/settings/orders", p -> auth.inTenant(caller ->
            complete(json.ok(tenants.directory().tenant(caller.tenantId())
                .orElseThrow(() -> ProblemException.of(404, "No such tenant")).settings())))),
        Endpoint.of(HttpMethods.PUT, "/v1/settings/orders", p -> auth.tenantManagerOnly(caller -> jsonBody(body -> {
          JsonFields fields = JsonFields.of(body, Set.of("requireProofOfDelivery"));
          boolean requireProof = fields.optionalBoolean("requireProofOfDelivery").orElse(false);
          fields.validate();
          return onSuccess(tenants.changeSettings(caller.tenantId(), new TenantSettings(requireProof)),
              tenant -> complete(json.ok(tenant.settings())));
        }))));
  }
}
