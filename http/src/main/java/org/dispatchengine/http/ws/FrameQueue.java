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
 * Used by one socket's {@link PushStage} only.
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

  /**
   * Keeps a change until the reader takes it: a {@code live} one, or one read back from the journal for a resume,
   * which is always kept and not counted. False when a live change finds the reader too far behind to keep every one.
   */
  boolean offerChange(String frame, boolean live) {
    if (live && liveChanges >= maxLiveChanges) {
      return false;
    }
    changes.add(new Change(frame, live));
    if (live) {
      liveChanges++;
    }
    return true;
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
