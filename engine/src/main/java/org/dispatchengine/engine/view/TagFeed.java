package org.dispatchengine.engine.view;

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
import org.apache.pekko.stream.KillSwitches;
import org.apache.pekko.stream.RestartSettings;
import org.apache.pekko.stream.SharedKillSwitch;
import org.apache.pekko.stream.javadsl.RestartSource;
import org.apache.pekko.stream.javadsl.Sink;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * Streams the events of one tag from the read journal into a consumer: first everything already written, then new
 * events as the journal is polled. A failed query is retried with backoff from the last offset read, so no event is
 * skipped; the stream stops with the node's coordinated shutdown.
 */
public final class TagFeed {
  private TagFeed() {}

  /** Starts the feed; the answer completes once every event written before the start has been consumed. */
  public static CompletionStage<Done> start(ActorSystem<?> system, String tag, Consumer<EventEnvelope> consumer) {
    String pluginId = system.settings().config().getString("dispatch.engine.read-journal-plugin");
    ReadJournal journal = PersistenceQuery.get(Adapter.toClassic(system)).getReadJournalFor(ReadJournal.class, pluginId);
    CurrentEventsByTagQuery current = (CurrentEventsByTagQuery) journal;
    EventsByTagQuery live = (EventsByTagQuery) journal;
    AtomicReference<Offset> lastOffset = new AtomicReference<>(NoOffset.getInstance());

    RestartSettings restart = RestartSettings.create(Duration.ofMillis(200), Duration.ofSeconds(10), 0.2);
    SharedKillSwitch killSwitch = KillSwitches.shared("feed-" + tag);
    Sink<EventEnvelope, CompletionStage<Done>> consume = Sink.foreach(envelope -> {
      consumer.accept(envelope);
      lastOffset.set(envelope.offset());
    });

    CoordinatedShutdown.get(Adapter.toClassic(system)).addTask(
        CoordinatedShutdown.PhaseServiceStop(), "stop-feed-" + tag, () -> {
          killSwitch.shutdown();
          return CompletableFuture.completedFuture(Done.getInstance());
        });

    // Two explicit phases: the backlog query must complete, with every event consumed, before the feed counts as
    // caught up; only then does the live query start, from the last offset of the backlog.
    return RestartSource.onFailuresWithBackoff(restart, () -> current.currentEventsByTag(tag, lastOffset.get()))
        .via(killSwitch.flow())
        .runWith(consume, system)
        .thenApply(done -> {
          RestartSource.withBackoff(restart, () -> live.eventsByTag(tag, lastOffset.get()))
              .via(killSwitch.flow())
              .runWith(consume, system);
          return done;
        });
  }
}
