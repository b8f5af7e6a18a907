package org.dispatchengine.engine.tenant;

import org.apache.pekko.Done;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.persistence.query.EventEnvelope;
import org.apache.pekko.persistence.query.NoOffset;
import org.apache.pekko.persistence.query.Offset;
import org.apache.pekko.persistence.query.PersistenceQuery;
import org.apache.pekko.persistence.query.javadsl.CurrentEventsByTagQuery;
import org.apache.pekko.persistence.query.javadsl.EventsByTagQuery;
import org.apache.pekko.persistence.query.javadsl.ReadJournal;
import org.dispatchengine.engine.EventTags;
import org.apache.pekko.stream.KillSwitches;
import org.apache.pekko.stream.RestartSettings;
import org.apache.pekko.stream.SharedKillSwitch;
import org.apache.pekko.stream.javadsl.RestartSource;
import org.apache.pekko.stream.javadsl.Sink;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Streams tenant events from the read journal into this node's {@link TenantDirectory}: first everything already
 * written (after which the directory reports itself caught up), then new events as the journal is polled. A failed
 * query is retried with backoff from the last offset read, so the directory never skips an event.
 */
public final class TenantDirectoryFeed {
  private TenantDirectoryFeed() {}


  public static void start(ActorSystem<?> system, TenantDirectory directory) {
    String pluginId = system.settings().config().getString("dispatch.engine.read-journal-plugin");
    ReadJournal journal = PersistenceQuery.get(Adapter.toClassic(system)).getReadJournalFor(ReadJournal.class, pluginId);
    CurrentEventsByTagQuery current = (CurrentEventsByTagQuery) journal;
    EventsByTagQuery live = (EventsByTagQuery) journal;
    String tag = EventTags.tag(Tenant.TAG_TYPE, 0);
    AtomicReference<Offset> lastOffset = new AtomicReference<>(NoOffset.getInstance());

    RestartSettings restart = RestartSettings.create(Duration.ofMillis(200), Duration.ofSeconds(10), 0.2);
    SharedKillSwitch killSwitch = KillSwitches.shared("tenant-directory-feed");
    Sink<EventEnvelope, CompletionStage<Done>> intoDirectory = Sink.foreach(envelope -> {
      if (envelope.event() instanceof Tenant.Event event) {
        directory.apply(envelope.sequenceNr(), event);
      }
      lastOffset.set(envelope.offset());
    });

    // Two explicit phases: the directory may only report itself caught up once the backlog query has completed and
    // every one of its events has been applied.
    RestartSource.onFailuresWithBackoff(restart, () -> current.currentEventsByTag(tag, lastOffset.get()))
        .via(killSwitch.flow())
        .runWith(intoDirectory, system)
        .thenRun(() -> {
          directory.markCaughtUp();
          RestartSource.withBackoff(restart, () -> live.eventsByTag(tag, lastOffset.get()))
              .via(killSwitch.flow())
              .runWith(intoDirectory, system);
        });

    CoordinatedShutdown.get(Adapter.toClassic(system)).addTask(
        CoordinatedShutdown.PhaseServiceStop(), "stop-tenant-directory-feed", () -> {
          killSwitch.shutdown();
          return CompletableFuture.completedFuture(Done.getInstance());
        });
  }
}
