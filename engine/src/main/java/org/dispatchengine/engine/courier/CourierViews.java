package org.dispatchengine.engine.courier;

import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorSystem;
import org.dispatchengine.engine.EventTags;
import org.dispatchengine.engine.view.EntityViews;
import org.dispatchengine.engine.view.TagFeed;

import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * This node's view of every courier, folded from the couriers' events: profile, shift, load, and the last sampled
 * position (live positions are not events; they follow on the tenant's live topic). Feeds the admin live map's
 * snapshot.
 */
public final class CourierViews extends EntityViews<CourierRecord, Courier.Event> {

  /** Feeds the view from every courier tag; completes when all have caught up. */
  public CompletionStage<Done> start(ActorSystem<?> system) {
    CompletableFuture<?>[] feeds = new CompletableFuture<?>[Courier.TAG_SLICES];
    for (int slice = 0; slice < Courier.TAG_SLICES; slice++) {
      feeds[slice] = TagFeed.start(system, EventTags.tag(Courier.TAG_TYPE, slice), envelope -> {
        if (envelope.event() instanceof Courier.Event event) {
          apply(event.tenantId(), event.courierId(), envelope.sequenceNr(), event);
        }
      }).toCompletableFuture();
    }
    return CompletableFuture.allOf(feeds).thenApply(all -> {
      markCaughtUp();
      return Done.getInstance();
    });
  }

  @Override
  protected CourierRecord fold(CourierRecord current, Courier.Event event) {
    return CourierRecord.fold(current, event, event.tenantId(), event.courierId());
  }

  /** The tenant's couriers on shift, by id. */
  public List<CourierRecord> online(String tenantId) {
    return ofTenant(tenantId).stream()
        .filter(CourierRecord::online)
        .sorted(Comparator.comparing(CourierRecord::courierId))
        .toList();
  }
}
