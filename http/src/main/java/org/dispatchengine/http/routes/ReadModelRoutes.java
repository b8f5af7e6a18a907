package org.dispatchengine.http.routes;

import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.model.HttpMethods;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.dispatchengine.http.api.ApiDirectives;
import org.dispatchengine.http.api.Endpoint;
import org.dispatchengine.http.api.Json;
import org.dispatchengine.http.api.ProblemException;
import org.dispatchengine.http.auth.Authenticator;
import org.dispatchengine.projections.readmodel.ReadModels;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/** For the engine's operator: how far each read model is behind, and rebuilding one from the journal. */
public final class ReadModelRoutes extends ApiDirectives {
  private final BlockingReads reads;
  private final Authenticator auth;
  private final ReadModels readModels;

  public ReadModelRoutes(ActorSystem<?> system, Json json, Authenticator auth, ReadModels readModels) {
    super(json, Duration.ZERO);
    this.reads = new BlockingReads(system);
    this.auth = auth;
    this.readModels = readModels;
  }

  public record InstanceLag(String readModel, String instance, long eventsBehind, double secondsBehind) {}

  public record Rebuilding(String readModel, String status) {}

  public List<Endpoint> endpoints() {
    return List.of(
        Endpoint.of(HttpMethods.GET, "/v1/operations/read-models", p -> auth.platformOnly(caller ->
            onSuccess(reads.run(() -> readModels.lag().stream()
                    .map(lag -> new InstanceLag(lag.model().wireName, lag.key(), lag.eventsBehind(),
                        lag.secondsBehind()))
                    .toList()),
                lags -> complete(json.ok(Map.of("items", lags)))))),
        Endpoint.of(HttpMethods.POST, "/v1/operations/read-models/{name}/rebuild", p -> auth.platformOnly(caller -> {
          ReadModels.Model model = ReadModels.Model.of(p.get("name"))
              .orElseThrow(() -> ProblemException.of(404, "No such read model; there are orders and couriers"));
          return onSuccess(readModels.rebuild(model),
              done -> respond(StatusCodes.ACCEPTED, new Rebuilding(model.wireName, "replaying")));
        })));
  }
}
