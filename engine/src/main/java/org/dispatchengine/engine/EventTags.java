package org.dispatchengine.engine;

import java.util.Set;

/**
 * Tags that projections and per-node views read events by: {@code <type>-<n>}, where n is the persistence id's hash
 * modulo the fixed slice count of that entity type. Slice counts must never change once events are written, or
 * events of one entity would land on two tags.
 */
public final class EventTags {
  private EventTags() {}

  public static Set<String> forEntity(String entityType, int slices, String persistenceId) {
    return Set.of(tag(entityType, Math.floorMod(persistenceId.hashCode(), slices)));
  }

  public static String tag(String entityType, int slice) {
    return entityType + "-" + slice;
  }
}
