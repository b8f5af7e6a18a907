package org.dispatchengine.engine.order;

import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.dispatchengine.engine.testing.EntityTestKit;
import org.dispatchengine.engine.testing.MutableClock;

import java.time.Duration;
import java.time.Instant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class KeyClaimTest {
  @RegisterExtension
  static final EntityTestKit KIT = new EntityTestKit();
  private static final Instant START = Instant.parse("2026-11-22T10:00:00Z");
  private final MutableClock clock = new MutableClock(START);


  private static StatusReply<String> claim(
      EventSourcedBehaviorTestKit<KeyClaim.Command, KeyClaim.Event, KeyClaim.State> claim, String hash, String id) {
    return claim.<StatusReply<String>>runCommand(r -> new KeyClaim.Claim(hash, id, r)).reply();
  }

  @Test
  void firstRequestWinsTheKeyForItsRetention() {
    var claim = EventSourcedBehaviorTestKit.<KeyClaim.Command, KeyClaim.Event, KeyClaim.State>create(
        KIT.system(), KeyClaim.create("acme:k", Duration.ofHours(24), clock));
    assertEquals("o1", claim(claim, "h1", "o1").getValue());
    assertEquals("o1", claim(claim, "h1", "o2").getValue(), "same request: the first order");
    assertEquals("invalid: was already used with a different request", claim(claim, "h2", "o3").getError().getMessage());

    clock.set(START.plus(Duration.ofHours(24)).plusSeconds(1));
    assertEquals("o4", claim(claim, "h2", "o4").getValue(), "after the retention the key is free again");
    assertEquals("o4", claim.restart().state().claim().orderId());
  }

  @Test
  void keysAreScoped() {
    assertEquals(KeyClaim.entityId("acme", "s", "k"), KeyClaim.entityId("acme", "s", "k"));
    assertNotEquals(KeyClaim.entityId("acme", "customer:a", "k"), KeyClaim.entityId("acme", "customer:b", "k"));
    assertNotEquals(KeyClaim.entityId("acme", "s", "k"), KeyClaim.entityId("globex", "s", "k"));
    assertTrue(KeyClaim.entityId("acme", "s", "any key, even with spaces").startsWith("acme:"));
  }
}
