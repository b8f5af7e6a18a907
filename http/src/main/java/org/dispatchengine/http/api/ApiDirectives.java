package org.dispatchengine.http.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntity;
import org.apache.pekko.http.javadsl.model.MediaType;
import org.apache.pekko.http.javadsl.model.StatusCode;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;

import java.time.Duration;
import java.util.function.Function;

/** What every resource's routes share: reading JSON bodies and writing JSON answers. */
public abstract class ApiDirectives extends AllDirectives {
  protected final Json json;
  private final Duration bodyReadTimeout;

  protected ApiDirectives(Json json, Duration bodyReadTimeout) {
    this.json = json;
    this.bodyReadTimeout = bodyReadTimeout;
  }

  /**
   * The request body as a JSON tree: {@code 415} for another media type, {@code 400} when it is not JSON, and
   * {@code 413} past the configured body limit ({@code pekko.http.server.parsing.max-content-length}).
   */
  protected Route jsonBody(Function<JsonNode, Route> inner) {
    return extractRequestEntity(entity -> {
      if (!isJson(entity)) {
        throw ProblemException.of(415, "The body must be application/json");
      }
      return extractMaterializer(materializer ->
          onSuccess(entity.toStrict(bodyReadTimeout.toMillis(), materializer), strict -> {
            JsonNode body;
            try {
              body = json.mapper().readTree(strict.getData().toArray());
            } catch (JsonProcessingException e) {
              throw ProblemException.of(400, "The body is not valid JSON: " + e.getOriginalMessage());
            } catch (java.io.IOException e) {
              throw ProblemException.of(400, "The body cannot be read");
            }
            if (body == null || body.isMissingNode()) {
              throw ProblemException.of(400, "A JSON body is required");
            }
            return inner.apply(body);
          }));
    });
  }

  /** Like {@link #jsonBody}, but an empty body reads as an empty object. */
  protected Route optionalJsonBody(Function<JsonNode, Route> inner) {
    return extractRequestEntity(entity -> entity.isKnownEmpty()
        ? inner.apply(json.mapper().createObjectNode())
        : jsonBody(inner));
  }

  private static boolean isJson(HttpEntity entity) {
    MediaType mediaType = entity.getContentType().mediaType();
    return mediaType.equals(ContentTypes.APPLICATION_JSON.mediaType())
        || (mediaType.mainType().equals("application") && mediaType.subType().endsWith("+json"));
  }

  protected Route respond(StatusCode status, Object body) {
    return complete(json.response(status, body));
  }
}
