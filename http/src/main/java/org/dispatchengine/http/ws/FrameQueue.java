package org.dispatchengine.http.ws;

import java.util.ArrayDeque;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Frames waiting for a reader that is behind: changes in order and never dropped, positions newest-wins per courier.
 * Changes go first. Live changes are bounded: past the limit the reader is too slow and is disconnected, to resume
 * later. Changes read back from the journal for a resume are not counted: they are already in memory, all of them,
 * and a reader that resumes after many changes is not too slow for being away.
 * Used by one connection's actor only.
 */
final class FrameQueue {
  private record Change(String frame, boolean live) {}

  private final int maxLiveChanges;
  private final ArrayDeque<Change> changes = new ArrayDeque<>();
  private final LinkedHashMap<String, String> positions = new LinkedHashMap<>();
  private int liveChanges;

  FrameQueue(int maxLiveChanges) {
    this.maxLiveChanges = maxLiveChanges;
  }

  /** False when the reader is too far behind to keep every change. */
  boolean offerChange(String frame) {
    if (liveChanges >= maxLiveChanges) {
      return false;
    }
    changes.add(new Change(frame, true));
    liveChanges++;
    return true;
  }

  /** A change read back from the journal: waits in order with the others, not counted against the limit. */
  void offerReplayed(String frame) {
    changes.add(new Change(frame, false));
  }

  /** Replaces any position of {@code key} still waiting. */
  void offerPosition(String key, String frame) {
    positions.remove(key);
    positions.put(key, frame);
  }

  void clear() {
    changes.clear();
    positions.clear();
    liveChanges = 0;
  }

  Optional<String> poll() {
    Change change = changes.poll();
    if (change != null) {
      if (change.live()) {
        liveChanges--;
      }
      return Optional.of(change.frame());
    }
    if (!positions.isEmpty()) {
      Map.Entry<String, String> oldest = positions.entrySet().iterator().next();
      positions.remove(oldest.getKey());
      return Optional.of(oldest.getValue());
    }
    return Optional.empty();
  }
}
