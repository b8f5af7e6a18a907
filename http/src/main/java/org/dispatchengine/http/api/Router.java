package org.dispatchengine.http.api;

import org.apache.pekko.http.javadsl.model.AttributeKey;
import org.apache.pekko.http.javadsl.model.HttpMethod;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Rejection;
import org.apache.pekko.http.javadsl.server.Rejections;
import org.apache.pekko.http.javadsl.server.Route;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Serves a list of {@link Endpoint}s. Because every bound operation is an {@code Endpoint}, the list is also what the
 * OpenAPI test checks and what names the {@code route} of request metrics.
 */
public final class Router extends AllDirectives {
  /** Set on a request by whoever wants to learn which template served it (request metrics). */
  public static final AttributeKey<MatchedRoute> MATCHED_ROUTE = AttributeKey.create("matched-route", MatchedRoute.class);

  /** The template that served a request, or {@code unmatched}. */
  public static final class MatchedRoute {
    private volatile String template = "unmatched";

    public String template() {
      return template;
    }
  }

  private final List<Endpoint> endpoints;

  public Router(List<Endpoint> endpoints) {
    this.endpoints = List.copyOf(endpoints);
  }

  public List<Endpoint> endpoints() {
    return endpoints;
  }

  public Route route() {
    return extractUri(uri -> extractMethod(method -> dispatch(segments(uri.pathSegments()), method)));
  }

  private static List<String> segments(Iterable<String> decoded) {
    List<String> segments = new ArrayList<>();
    decoded.forEach(segments::add);
    return segments;
  }

  private Route dispatch(List<String> path, HttpMethod method) {
    List<Rejection> otherMethods = new ArrayList<>();
    for (Endpoint endpoint : endpoints) {
      Optional<PathParams> params = endpoint.path().match(path);
      if (params.isEmpty()) {
        continue;
      }
      if (endpoint.method().equals(method)) {
        return optionalAttribute(MATCHED_ROUTE, matched -> {
          matched.ifPresent(m -> m.template = endpoint.path().template());
          return endpoint.handler().apply(params.get());
        });
      }
      otherMethods.add(Rejections.method(endpoint.method()));
    }
    if (otherMethods.isEmpty()) {
      return reject();
    }
    return reject(otherMethods.get(0), otherMethods.subList(1, otherMethods.size()).toArray(Rejection[]::new));
  }
}
