package org.dispatchengine.http.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import org.dispatchengine.http.Node;
import org.dispatchengine.projections.db.DatabaseSettings;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** A real node on a random port and a client for it; what the HTTP tests drive. */
public final class RunningNode implements AutoCloseable {
  public static final String ADMIN_TOKEN = "test-admin-token-0123456789";
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private final Node node;
  private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private RunningNode(Node node) {
    this.node = node;
  }

  public static RunningNode start(DatabaseSettings database) throws Exception {
    return start(database, Map.of());
  }

  public static RunningNode start(DatabaseSettings database, Map<String, Object> overrides) throws Exception {
    return start(database, overrides, Clock.systemUTC());
  }

  public static RunningNode start(DatabaseSettings database, Map<String, Object> overrides, Clock clock)
      throws Exception {
    Map<String, Object> settings = new HashMap<>();
    settings.put("dispatch.http.interface", "127.0.0.1");
    settings.put("dispatch.http.port", 0);
    settings.put("dispatch.admin-token", ADMIN_TOKEN);
    settings.put("dispatch.db.url", database.url());
    settings.put("dispatch.db.user", database.user());
    settings.put("dispatch.db.password", database.password());
    settings.put("dispatch.db.pool-size", database.poolSize());
    settings.putAll(overrides);
    Config config = ConfigFactory.parseMap(settings).withFallback(ConfigFactory.load());
    RunningNode running = new RunningNode(Node.start(config, clock));
    running.awaitReady();
    return running;
  }

  public Node node() {
    return node;
  }

  /** Waits for /health/ready by polling it, as a load balancer would. */
  private void awaitReady() {
    Eventually.await("the node is ready", () -> get("/health/ready", null).status(), status -> status == 200);
  }

  public record Reply(int status, HttpResponse<String> raw) {
    public JsonNode json() {
      try {
        return MAPPER.readTree(raw.body());
      } catch (Exception e) {
        throw new AssertionError("Not JSON: " + raw.body(), e);
      }
    }

    public String header(String name) {
      return raw.headers().firstValue(name).orElse(null);
    }

    public String contentType() {
      return header("Content-Type");
    }

    @Override
    public String toString() {
      return status + " " + raw.body();
    }
  }

  public Reply get(String path, String credential) {
    return send(request(path, credential).GET());
  }

  public Reply delete(String path, String credential) {
    return send(request(path, credential).DELETE());
  }

  public Reply post(String path, String credential, String json) {
    return send(request(path, credential)
        .header("Content-Type", "application/json")
        .POST(json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json)));
  }

  public Reply send(HttpRequest.Builder request) {
    try {
      HttpResponse<String> response = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
      return new Reply(response.statusCode(), response);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  public HttpRequest.Builder request(String path, String credential) {
    HttpRequest.Builder builder = HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(30));
    if (credential != null) {
      builder.header("Authorization", "Bearer " + credential);
    }
    return builder;
  }

  public URI uri(String path) {
    return URI.create("http://127.0.0.1:" + node.port() + path);
  }

  /** Creates a tenant as the platform operator and returns its first API key. */
  public String createTenant(String id) {
    Reply reply = post("/v1/tenants", ADMIN_TOKEN, "{\"id\":\"" + id + "\",\"name\":\"Tenant " + id + "\"}");
    if (reply.status() != 201) {
      throw new AssertionError("Creating tenant " + id + " failed: " + reply);
    }
    return reply.json().get("apiKey").asText();
  }

  /** Mints a user token with a tenant API key. */
  public String mintToken(String apiKey, String role, String subject) {
    Reply reply = post("/v1/tokens", apiKey, "{\"subject\":\"" + subject + "\",\"role\":\"" + role + "\""
        + (role.equals("store") ? ",\"storeId\":\"store-1\"" : "") + "}");
    if (reply.status() != 201) {
      throw new AssertionError("Minting a " + role + " token failed: " + reply);
    }
    return reply.json().get("token").asText();
  }

  /** The value of a sample line of /metrics, by its name and labels as written there; 0 when absent. */
  public double metric(String sample) {
    return get("/metrics", null).raw().body().lines().filter(l -> l.startsWith(sample + " "))
        .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
  }

  @Override
  public void close() throws Exception {
    node.stop().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }
}
