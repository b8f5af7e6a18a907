package org.dispatchengine.engine.view;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * This node's in-memory view of every entity of one type, by tenant and id, read by requests instead of asking the
 * entities. It is fed by the entities' events from the journal ({@link TagFeed}) and, for read-your-writes on the
 * node that made a change, by the entities' replies. Both carry a revision, so a view never moves backwards and an
 * event is applied only to the revision it directly follows.
 *
 * @param <R> the folded state
 * @param <E> the entity's event type
 */
public abstract class EntityViews<R extends Revisioned, E> {
  private final ConcurrentHashMap<String, ConcurrentHashMap<String, R>> byTenant = new ConcurrentHashMap<>();
  private volatile boolean caughtUp;

  /** The view after {@code event}; {@code current} is null for an entity not seen yet. Null: ignore the event. */
  protected abstract R fold(R current, E event);

  /** Called after a view changed, with the view before (or null); for secondary indexes. */
  protected void changed(String tenantId, String id, R before, R after) {}

  public Optional<R> get(String tenantId, String id) {
    Map<String, R> views = byTenant.get(tenantId);
    return Optional.ofNullable(views == null ? null : views.get(id));
  }

  public Collection<R> ofTenant(String tenantId) {
    Map<String, R> views = byTenant.get(tenantId);
    return views == null ? List.of() : views.values();
  }

  /** Every view of every tenant. */
  public Stream<R> all() {
    return byTenant.values().stream().flatMap(views -> views.values().stream());
  }

  public int size() {
    return byTenant.values().stream().mapToInt(Map::size).sum();
  }

  /** Takes a whole view (an entity's reply) when it is newer than what this node has. */
  public void update(String tenantId, String id, R view) {
    change(tenantId, id, current -> current == null || view.revision() > current.revision() ? view : current);
  }

  /** Applies the event with sequence number {@code seqNr} when it directly follows what this node has. */
  public void apply(String tenantId, String id, long seqNr, E event) {
    change(tenantId, id, current -> {
      long known = current == null ? 0 : current.revision();
      return seqNr == known + 1 ? fold(current, event) : current;
    });
  }

  private void change(String tenantId, String id, java.util.function.UnaryOperator<R> change) {
    ConcurrentHashMap<String, R> views = byTenant.computeIfAbsent(tenantId, t -> new ConcurrentHashMap<>());
    Object[] before = new Object[1];
    R after = views.compute(id, (key, current) -> {
      before[0] = current;
      return change.apply(current);
    });
    if (after != null && after != before[0]) {
      @SuppressWarnings("unchecked")
      R previous = (R) before[0];
      changed(tenantId, id, previous, after);
    }
  }

  /** True once every event written before this node started has been read. */
  public boolean isCaughtUp() {
    return caughtUp;
  }

  public void markCaughtUp() {
    caughtUp = true;
  }
}
