package org.dispatchengine.http.routes;

import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpCharsets;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpMethods;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.MediaTypes;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.dispatchengine.http.api.Endpoint;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Properties;

/** The OpenAPI document and a Swagger UI that browses it, both served from the jar. */
public final class DocsRoutes extends AllDirectives {
  private static final String SPEC = "openapi/openapi.yaml";
  private final String swaggerUiRoot = "META-INF/resources/webjars/swagger-ui/" + swaggerUiVersion() + "/";
  private final byte[] spec = resource(SPEC);
  private final byte[] page = resource("openapi/index.html");

  public List<Endpoint> endpoints() {
    return List.of(
        Endpoint.of(HttpMethods.GET, "/docs", p -> complete(HttpResponse.create()
            .withEntity(HttpEntities.create(ContentTypes.TEXT_HTML_UTF8, page)))),
        Endpoint.of(HttpMethods.GET, "/docs/openapi.yaml", p -> complete(HttpResponse.create().withEntity(
            HttpEntities.create(ContentTypes.create(MediaTypes.applicationWithFixedCharset("yaml", HttpCharsets.UTF_8)),
                spec)))),
        Endpoint.undocumented(HttpMethods.GET, "/docs/assets/{file:any}",
            p -> getFromResource(swaggerUiRoot + p.get("file"))));
  }

  private static String swaggerUiVersion() {
    Properties properties = new Properties();
    try (InputStream in = openResource("META-INF/maven/org.webjars/swagger-ui/pom.properties")) {
      properties.load(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return properties.getProperty("version");
  }

  private static byte[] resource(String name) {
    try (InputStream in = openResource(name)) {
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static InputStream openResource(String name) {
    InputStream in = DocsRoutes.class.getClassLoader().getResourceAsStream(name);
    if (in == null) {
      throw new IllegalStateException("Missing resource " + name);
    }
    return in;
  }
}
