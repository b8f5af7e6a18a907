package org.dispatchengine.http.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.pekko.event.LoggingAdapter;
import org.apache.pekko.http.ParsingErrorHandler;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.scaladsl.model.ErrorInfo;
import org.apache.pekko.http.scaladsl.model.HttpResponse;
import org.apache.pekko.http.scaladsl.model.StatusCode;
import org.apache.pekko.http.scaladsl.settings.ServerSettings;

/**
 * Answers requests that Pekko HTTP refuses before any route sees them (URI or headers too long, malformed request
 * lines) in the same problem format as everything else. Configured as
 * {@code pekko.http.server.parsing.error-handler}; Pekko loads it through its {@code MODULE$} singleton.
 */
public final class ProblemParsingErrorHandler extends ParsingErrorHandler {
  public static final ProblemParsingErrorHandler MODULE$ = new ProblemParsingErrorHandler();
  private static final ObjectMapper MAPPER =
      new ObjectMapper().setSerializationInclusion(JsonInclude.Include.NON_EMPTY);

  @Override
  public HttpResponse handle(StatusCode status, ErrorInfo info, LoggingAdapter log, ServerSettings settings) {
    log.debug("Refused an unparseable request: {}", info.summary());
    byte[] body;
    try {
      body = MAPPER.writeValueAsBytes(Problem.of(status.intValue(), info.summary()));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
    return (HttpResponse) org.apache.pekko.http.javadsl.model.HttpResponse.create()
        .withStatus(status.intValue())
        .withEntity(HttpEntities.create(Json.PROBLEM_JSON, body));
  }
}
