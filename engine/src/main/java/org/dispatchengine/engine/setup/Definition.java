package org.dispatchengine.engine.setup;

import org.dispatchengine.engine.CborSerializable;
import org.dispatchengine.engine.view.Revisioned;

import java.time.Instant;

/**
 * One zone or store of a tenant as the engine knows it: its spec and its life. Deleting is soft, so orders that
 * refer to a deleted object keep their meaning and the object can be restored.
 *
 * @param deletedAt when it was deleted, else null
 */
public record Definition<S extends Spec>(
    String tenantId, String id, S spec, Instant createdAt, Instant updatedAt, Instant deletedAt, long revision)
    implements CborSerializable, Revisioned {

  public boolean isActive() {
    return deletedAt == null;
  }

  /** The definition after {@code event}; null when the event cannot start one. */
  @SuppressWarnings("unchecked")
  static <S extends Spec> Definition<S> fold(Definition<S> current, Setup.Event event) {
    if (event instanceof Setup.Defined e) {
      S spec = (S) e.spec();
      return current == null
          ? new Definition<>(e.tenantId(), e.id(), spec, e.at(), e.at(), null, 1)
          : new Definition<>(e.tenantId(), e.id(), spec, current.createdAt, e.at(), current.deletedAt, current.revision + 1);
    }
    if (current == null) {
      return null;
    }
    Instant deletedAt = event instanceof Setup.Deleted ? event.at() : null;
    return new Definition<>(current.tenantId, current.id, current.spec, current.createdAt, event.at(), deletedAt,
        current.revision + 1);
  }
}
