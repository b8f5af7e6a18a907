package org.dispatchengine.http;

import com.typesafe.config.Config;
import org.dispatchengine.http.auth.UserTokens;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;

/** The node's own settings under {@code dispatch}, read once at start. */
public record NodeSettings(
    String httpInterface,
    int httpPort,
    long maxBodyBytes,
    Duration askTimeout,
    Duration bodyReadTimeout,
    Duration shutdownDeadline,
    String adminToken,
    List<String> seedNodes,
    UserTokens.Settings tokens) {

  @Override
  public String toString() {
    return "NodeSettings[http=" + httpInterface + ":" + httpPort + ", seedNodes=" + seedNodes + "]";
  }

  public static NodeSettings fromConfig(Config config) {
    Config d = config.getConfig("dispatch");
    Config tokens = d.getConfig("tokens");
    return new NodeSettings(
        d.getString("http.interface"),
        d.getInt("http.port"),
        d.getBytes("http.max-body-size"),
        d.getDuration("http.ask-timeout"),
        d.getDuration("http.body-read-timeout"),
        d.getDuration("http.shutdown-deadline"),
        d.getString("admin-token"),
        Arrays.stream(d.getString("cluster.seed-nodes").split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList(),
        new UserTokens.Settings(
            tokens.getString("issuer"),
            tokens.getDuration("default-ttl"),
            tokens.getDuration("max-ttl"),
            tokens.getDuration("clock-skew")));
  }
}
