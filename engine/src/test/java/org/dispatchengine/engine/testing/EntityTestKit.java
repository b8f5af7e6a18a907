package org.dispatchengine.engine.testing;

import com.typesafe.config.ConfigFactory;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * An actor system for {@code EventSourcedBehaviorTestKit} tests, one per test class (Pekko 1.x has no JUnit 5
 * extension of its own): {@code @RegisterExtension static final EntityTestKit KIT = new EntityTestKit();}.
 */
public final class EntityTestKit implements BeforeAllCallback, AfterAllCallback {
  private ActorTestKit testKit;

  @Override
  public void beforeAll(ExtensionContext context) {
    testKit = ActorTestKit.create(EventSourcedBehaviorTestKit.config().withFallback(ConfigFactory.load()));
  }

  @Override
  public void afterAll(ExtensionContext context) {
    testKit.shutdownTestKit();
  }

  public ActorSystem<Void> system() {
    return testKit.system();
  }
}
