package org.dispatchengine.http.routes;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.pekko.http.javadsl.model.HttpMethods;
import org.apache.pekko.http.javadsl.server.Route;
import org.dispatchengine.engine.setup.Definition;
import org.dispatchengine.engine.setup.Definitions;
import org.dispatchengine.engine.setup.Spec;
import org.dispatchengine.http.api.ApiDirectives;
import org.dispatchengine.http.api.Endpoint;
import org.dispatchengine.http.api.Json;
import org.dispatchengine.http.api.JsonFields;
import org.dispatchengine.http.auth.Authenticator;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * The routes of one kind of tenant set-up object (zones, stores): list, put (full replace), read, soft delete and
 * restore. Tenant keys and admins change them; every credential of the tenant may read them.
 */
public final class SetupRoutes<S extends Spec> extends ApiDirectives {
  private final Definitions<S> definitions;
  private final Authenticator auth;
  private final String collection;
  private final String idName;
  private final Set<String> specFields;
  private final Function<JsonFields, S> readSpec;
  private final BiFunction<Definition<S>, Json, Object> view;

  /**
   * @param collection the path segment, e.g. {@code zones}
   * @param readSpec reads and validates a body (fields as in {@code specFields}); may return null if fields are bad
   * @param view the JSON view of a definition
   */
  public SetupRoutes(Json json, Duration bodyReadTimeout, Definitions<S> definitions, Authenticator auth,
      String collection, String idName, Set<String> specFields, Function<JsonFields, S> readSpec,
      BiFunction<Definition<S>, Json, Object> view) {
    super(json, bodyReadTimeout);
    this.definitions = definitions;
    this.auth = auth;
    this.collection = collection;
    this.idName = idName;
    this.specFields = specFields;
    this.readSpec = readSpec;
    this.view = view;
  }

  public record Page(List<Object> items) {}

  public List<Endpoint> endpoints() {
    String one = "/v1/" + collection + "/{" + idName + "}";
    return List.of(
        Endpoint.of(HttpMethods.GET, "/v1/" + collection, p -> auth.inTenant(caller ->
            parameterOptional("includeDeleted", includeDeleted -> complete(json.ok(new Page(definitions
                .list(caller.tenantId(), includeDeleted.map(Boolean::parseBoolean).orElse(false)).stream()
                .map(d -> view.apply(d, json)).toList())))))),
        Endpoint.of(HttpMethods.PUT, one, p -> auth.tenantManagerOnly(caller -> jsonBody(body ->
            answer(definitions.define(caller.tenantId(), p.get(idName), spec(body)))))),
        Endpoint.of(HttpMethods.GET, one, p -> auth.inTenant(caller ->
            answer(definitions.read(caller.tenantId(), p.get(idName))))),
        Endpoint.of(HttpMethods.DELETE, one, p -> auth.tenantManagerOnly(caller ->
            answer(definitions.delete(caller.tenantId(), p.get(idName))))),
        Endpoint.of(HttpMethods.POST, one + "/restore", p -> auth.tenantManagerOnly(caller ->
            answer(definitions.restore(caller.tenantId(), p.get(idName))))));
  }

  private S spec(JsonNode body) {
    JsonFields fields = JsonFields.of(body, specFields);
    S spec = readSpec.apply(fields);
    fields.validate();
    return spec;
  }

  private Route answer(CompletionStage<Definition<S>> definition) {
    return onSuccess(definition, d -> complete(json.ok(view.apply(d, json))));
  }
}
