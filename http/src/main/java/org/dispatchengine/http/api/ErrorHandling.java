package org.dispatchengine.http.api;

import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.headers.Allow;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.ExceptionHandler;
import org.apache.pekko.http.javadsl.server.MethodRejection;
import org.apache.pekko.http.javadsl.server.RejectionHandler;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.http.scaladsl.model.EntityStreamSizeException;
import org.apache.pekko.pattern.StatusReply;
import org.dispatchengine.engine.Rejection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;

/**
 * The one place that turns failures into {@code application/problem+json}: problems raised by our code, refusals of
 * entities, Pekko HTTP's rejections, oversized bodies and, for anything unexpected, a {@code 500} that shows no
 * internals (the cause is logged).
 */
public final class ErrorHandling extends AllDirectives {
  private static final Logger log = LoggerFactory.getLogger(ErrorHandling.class);
  private final Json json;

  public ErrorHandling(Json json) {
    this.json = json;
  }

  public Route wrap(Route inner) {
    return handleExceptions(exceptionHandler(), () -> handleRejections(rejectionHandler(), () -> inner));
  }

  private ExceptionHandler exceptionHandler() {
    return ExceptionHandler.newBuilder().matchAny(t -> complete(toResponse(t))).build();
  }

  public HttpResponse toResponse(Throwable failure) {
    Throwable t = unwrap(failure);
    if (t instanceof ProblemException problem) {
      HttpResponse response = json.problem(problem.problem());
      return problem.problem().status() == 401
          ? response.addHeader(HttpHeader.parse("WWW-Authenticate", "Bearer realm=\"dispatch\""))
          : response;
    }
    if (t instanceof EntityStreamSizeException size) {
      return json.problem(Problem.of(413, "The body is larger than the limit of " + size.limit() + " bytes"));
    }
    if (t instanceof Rejection.Refused refused) {
      return problemOf(refused.parsed());
    }
    if (t instanceof StatusReply.ErrorMessage error) {
      var parsed = Rejection.parse(error.getMessage());
      if (parsed.isPresent()) {
        return problemOf(parsed.get());
      }
    }
    if (t instanceof TimeoutException) {
      log.warn("Request timed out inside the engine", t);
      return json.problem(Problem.of(503, "The engine did not answer in time; retry the request"));
    }
    log.error("Unexpected failure while serving a request", t);
    return json.problem(Problem.of(500, "An unexpected error occurred"));
  }

  /** A refusal, by an entity or a service: {@code 422} naming the field when it names one, else by its kind. */
  private HttpResponse problemOf(Rejection.Parsed parsed) {
    if (parsed.field().isPresent()) {
      return json.problem(Problem.validation(List.of(new Problem.FieldError(parsed.field().get(), parsed.message()))));
    }
    return json.problem(Problem.of(statusOf(parsed.rejection()), parsed.detail()));
  }

  private static Throwable unwrap(Throwable t) {
    Throwable current = t;
    while ((current instanceof CompletionException || current instanceof ExecutionException)
        && current.getCause() != null) {
      current = current.getCause();
    }
    return current;
  }

  private static int statusOf(Rejection rejection) {
    return switch (rejection) {
      case NOT_FOUND -> 404;
      case CONFLICT -> 409;
      case INVALID -> 422;
      case FORBIDDEN -> 403;
    };
  }

  private RejectionHandler rejectionHandler() {
    return RejectionHandler.newBuilder()
        .handleAll(MethodRejection.class, rejections -> {
          List<org.apache.pekko.http.javadsl.model.HttpMethod> allowed =
              rejections.stream().map(MethodRejection::supported).distinct().toList();
          String names = String.join(", ", allowed.stream().map(m -> m.name()).toList());
          return complete(json.problem(Problem.of(405, "This resource allows " + names))
              .addHeader(Allow.create(allowed.toArray(org.apache.pekko.http.javadsl.model.HttpMethod[]::new))));
        })
        .handleNotFound(complete(json.problem(Problem.of(404, "No such resource"))))
        .build()
        .withFallback(RejectionHandler.defaultHandler())
        .mapRejectionResponse(this::asProblem);
  }

  /** Pekko's own rejection responses are plain text; give them the problem format too. */
  private HttpResponse asProblem(HttpResponse response) {
    if (response.entity().getContentType().equals(Json.PROBLEM_JSON)) {
      return response;
    }
    int status = response.status().intValue();
    String detail = response.status().reason();
    if (response.entity() instanceof org.apache.pekko.http.javadsl.model.HttpEntity.Strict strict) {
      detail = strict.getData().utf8String();
    }
    HttpResponse problem = json.problem(Problem.of(status, detail));
    return problem.withHeaders(response.getHeaders());
  }
}
