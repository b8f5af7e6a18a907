package org.dispatchengine.http.ws;

import java.util.ArrayDeque;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Frames waiting for a reader that is behind: changes in order and never dropped (but bounded: past the limit the
 * reader is too slow and is disconnected, to resume later), positions newest-wins per courier. Changes go first.
 * Used by one connection's actor only.
 */
final class FrameQueue {
  private final int maxChanges;
  private final ArrayDeque<String> changes = new ArrayDeque<>();
  private final LinkedHashMap<String, String> positions = new LinkedHashMap<>();

  FrameQueue(int maxChanges) {
    this.maxChanges = maxChanges;
  }

  /** False when the reader is too far behind to keep every change. */
  boolean offerChange(String frame) {
    if (changes.size() >= maxChanges) {
      return false;
    }
    changes.add(frame);
    return true;
  }

  /** Replaces any position of {@code key} still waiting. */
  void offerPosition(String key, String frame) {
    positions.remove(key);
    positions.put(key, frame);
  }

  Optional<String> poll() {
    if (!changes.isEmpty()) {
      return Optional.of(changes.poll());
    }
    if (!positions.isEmpty()) {
      Map.Entry<String, String> oldest = positions.entrySet().iterator().next();
      positions.remove(oldest.getKey());
      return Optional.of(oldest.getValue());
    }
    return Optional.empty();
  }
}
