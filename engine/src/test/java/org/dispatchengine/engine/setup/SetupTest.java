package org.dispatchengine.engine.setup;

import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.dispatchengine.engine.geo.FeeRule;
import org.dispatchengine.engine.geo.LatLon;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.dispatchengine.engine.testing.EntityTestKit;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SetupTest {
  private static final Instant NOW = Instant.parse("2026-11-22T10:00:00Z");
  private static final ZoneSpec CENTRE = new ZoneSpec("Centre",
      "{\"type\":\"Polygon\",\"coordinates\":[[[13,52],[14,52],[14,53],[13,53],[13,52]]]}",
      new FeeRule(new BigDecimal("5.00"), new BigDecimal("1.20"), null), null);
  @RegisterExtension
  static final EntityTestKit KIT = new EntityTestKit();

  private static EventSourcedBehaviorTestKit<Setup.Command, Setup.Event, Setup.State> entity(SetupKind kind, String id) {
    return EventSourcedBehaviorTestKit.create(KIT.system(), Setup.create(kind, id, Clock.fixed(NOW, ZoneOffset.UTC)));
  }

  private static EventSourcedBehaviorTestKit.CommandResultWithReply<Setup.Command, Setup.Event, Setup.State,
      StatusReply<Definition<Spec>>> define(EventSourcedBehaviorTestKit<Setup.Command, Setup.Event, Setup.State> e,
      Spec spec) {
    return e.runCommand(r -> new Setup.Define(spec, r));
  }

  @Test
  void definingIsAFullReplaceAndIdempotent() {
    var zone = entity(SetupKind.ZONE, "acme:centre");
    var first = define(zone, CENTRE);
    assertEquals(new Setup.Defined("acme", "centre", CENTRE, NOW), first.event());
    assertEquals(1, first.reply().getValue().revision());

    assertTrue(define(zone, CENTRE).hasNoEvents(), "the same spec again changes nothing");

    ZoneSpec wider = new ZoneSpec("Centre", CENTRE.area(), new FeeRule(new BigDecimal("6.00"), BigDecimal.ONE, null),
        null);
    var second = define(zone, wider);
    assertEquals(wider, second.reply().getValue().spec());
    assertEquals(2, second.reply().getValue().revision());
    assertEquals(NOW, second.reply().getValue().createdAt());
  }

  @Test
  void deleteIsSoftAndRestoreBringsItBack() {
    var store = entity(SetupKind.STORE, "acme:s1");
    StoreSpec spec = new StoreSpec("Main St", new LatLon(52.5, 13.4), List.of("pizza"), null);
    define(store, spec);

    var deleted = store.<StatusReply<Definition<Spec>>>runCommand(Setup.Delete::new);
    assertInstanceOf(Setup.Deleted.class, deleted.event());
    assertFalse(deleted.reply().getValue().isActive());
    assertTrue(store.<StatusReply<Definition<Spec>>>runCommand(Setup.Delete::new).hasNoEvents());

    var redefine = define(store, new StoreSpec("Other", new LatLon(1, 1), List.of(), null));
    assertEquals("conflict: store s1 is deleted; restore it before changing it", redefine.reply().getError().getMessage());

    var restored = store.<StatusReply<Definition<Spec>>>runCommand(Setup.Restore::new);
    assertNull(restored.reply().getValue().deletedAt());
    assertEquals(spec, restored.reply().getValue().spec());
  }

  @Test
  void missingObjectsAreNotFound() {
    var zone = entity(SetupKind.ZONE, "acme:nowhere");
    assertEquals("not_found: zone nowhere does not exist",
        zone.<StatusReply<Definition<Spec>>>runCommand(Setup.Get::new).reply().getError().getMessage());
    assertTrue(zone.<StatusReply<Definition<Spec>>>runCommand(Setup.Delete::new).reply().isError());
  }

  @Test
  void recoversDefinitionAfterRestart() {
    var store = entity(SetupKind.STORE, "acme:s2");
    StoreSpec spec = new StoreSpec("Depot", new LatLon(48.1, 11.5), List.of("parts", "tools"),
        new OpeningHours("Europe/Berlin", List.of(new OpeningHours.Period("mon", "08:00", "18:00"))));
    define(store, spec);
    store.<StatusReply<Definition<Spec>>>runCommand(Setup.Delete::new);
    Definition<Spec> before = store.getState().definition();

    assertEquals(before, store.restart().state().definition());
    assertEquals(2, store.getState().definition().revision());
  }
}
