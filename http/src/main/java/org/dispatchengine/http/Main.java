package org.dispatchengine.http;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import org.dispatchengine.engine.tenant.ApiKeys;

/**
 * Starts one node: {@code java -jar dispatch-engine.jar}. Configuration comes from application.conf (single node, H2)
 * or the file named by {@code -Dconfig.file} (cluster.conf), with deployment values from the environment.
 */
public final class Main {
  private Main() {}

  public static void main(String[] args) throws Exception {
    if (args.length > 0) {
      System.err.println("Usage: java -jar dispatch-engine.jar   (configure with DISPATCH_* environment variables)");
      System.exit(2);
    }
    Config config = ConfigFactory.load();
    if (config.getString("dispatch.admin-token").isBlank()) {
      String generated = "dadm_" + ApiKeys.randomToken(32);
      // shown once, on the console only; set DISPATCH_ADMIN_TOKEN to keep a token across restarts
      System.out.println("DISPATCH_ADMIN_TOKEN was not set; this run's platform admin token is: " + generated);
      config = config.withValue("dispatch.admin-token", ConfigValueFactory.fromAnyRef(generated));
    }
    config = config.withValue("pekko.coordinated-shutdown.exit-jvm", ConfigValueFactory.fromAnyRef("on"));
    Node node = Node.start(config);
    node.system().getWhenTerminated().toCompletableFuture().join();
  }
}
