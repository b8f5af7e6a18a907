package org.dispatchengine.http.api;

import org.apache.pekko.http.javadsl.model.HttpMethod;
import org.apache.pekko.http.javadsl.server.Route;

import java.util.function.Function;

/**
 * One bound operation: a method, a path template such as {@code /v1/tenants/{tenantId}/keys}, and the route that
 * serves it. Every variable must be a valid client id unless declared {@code {name:any}}. {@code documented} is
 * false only for static assets; everything else must be in the OpenAPI document (a test enforces it).
 */
public record Endpoint(HttpMethod method, PathTemplate path, boolean documented, Function<PathParams, Route> handler) {

  public static Endpoint of(HttpMethod method, String template, Function<PathParams, Route> handler) {
    return new Endpoint(method, PathTemplate.parse(template), true, handler);
  }

  public static Endpoint undocumented(HttpMethod method, String template, Function<PathParams, Route> handler) {
    return new Endpoint(method, PathTemplate.parse(template), false, handler);
  }
}
