package org.dispatchengine.http.routes;

import org.apache.pekko.http.javadsl.model.HttpMethods;
import org.dispatchengine.engine.dispatch.DispatchMode;
import org.dispatchengine.engine.dispatch.DispatchSettings;
import org.dispatchengine.engine.dispatch.DispatchTrigger;
import org.dispatchengine.engine.tenant.TenantService;
import org.dispatchengine.engine.tenant.TenantSettings;
import org.dispatchengine.http.api.ApiDirectives;
import org.dispatchengine.http.api.Endpoint;
import org.dispatchengine.http.api.Json;
import org.dispatchengine.http.api.JsonFields;
import org.dispatchengine.http.api.ProblemException;
import org.dispatchengine.http.auth.Authenticator;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/** A tenant's own settings: for its orders, and how they find couriers. */
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
        }))),
        Endpoint.of(HttpMethods.GET, "/v1/settings/dispatch", p -> auth.inTenant(caller ->
            complete(json.ok(DispatchSettingsView.of(tenants.directory().tenant(caller.tenantId())
                .orElseThrow(() -> ProblemException.of(404, "No such tenant")).dispatch()))))),
        Endpoint.of(HttpMethods.PUT, "/v1/settings/dispatch", p -> auth.tenantManagerOnly(caller -> jsonBody(body -> {
          DispatchSettings settings = readDispatch(JsonFields.of(body, DISPATCH_FIELDS));
          return onSuccess(tenants.changeDispatchSettings(caller.tenantId(), settings),
              tenant -> complete(json.ok(DispatchSettingsView.of(tenant.dispatch()))));
        }))));
  }

  private static final Set<String> DISPATCH_FIELDS = Set.of("mode", "trigger", "offerTimeoutSeconds",
      "maxRadiusMeters", "maxOffers", "broadcastSize", "batchWindowMillis", "giveUpAfterSeconds");
  private static final Map<String, DispatchMode> MODES = Arrays.stream(DispatchMode.values())
      .collect(Collectors.toUnmodifiableMap(DispatchMode::wireName, Function.identity()));
  private static final Map<String, DispatchTrigger> TRIGGERS = Arrays.stream(DispatchTrigger.values())
      .collect(Collectors.toUnmodifiableMap(DispatchTrigger::wireName, Function.identity()));

  /** The whole policy: a field left out takes its default, so the body alone says what applies. */
  private static DispatchSettings readDispatch(JsonFields fields) {
    DispatchSettings d = DispatchSettings.DEFAULT;
    DispatchMode mode = fields.requiredChoice("mode", MODES);
    DispatchTrigger trigger = fields.optionalChoice("trigger", TRIGGERS).orElse(d.trigger());
    long offerTimeout = fields.optionalLong("offerTimeoutSeconds", 5, 600).orElse((long) d.offerTimeoutSeconds());
    long radius = fields.optionalLong("maxRadiusMeters", 100, 100_000).orElse((long) d.maxRadiusMeters());
    long maxOffers = fields.optionalLong("maxOffers", 1, 50).orElse((long) d.maxOffers());
    long broadcastSize = fields.optionalLong("broadcastSize", 2, 20).orElse((long) d.broadcastSize());
    long batchWindow = fields.optionalLong("batchWindowMillis", 200, 10_000).orElse((long) d.batchWindowMillis());
    long giveUpAfter = fields.optionalLong("giveUpAfterSeconds", 30, 86_400).orElse((long) d.giveUpAfterSeconds());
    fields.validate();
    return new DispatchSettings(mode, trigger, (int) offerTimeout, (int) radius, (int) maxOffers, (int) broadcastSize,
        (int) batchWindow, (int) giveUpAfter, 0);
  }

  public record DispatchSettingsView(String mode, String trigger, int offerTimeoutSeconds, int maxRadiusMeters,
      int maxOffers, int broadcastSize, int batchWindowMillis, int giveUpAfterSeconds, int version) {
    static DispatchSettingsView of(DispatchSettings s) {
      return new DispatchSettingsView(s.mode().wireName(), s.trigger().wireName(), s.offerTimeoutSeconds(),
          s.maxRadiusMeters(), s.maxOffers(), s.broadcastSize(), s.batchWindowMillis(), s.giveUpAfterSeconds(),
          s.version());
    }
  }
}
