package org.dispatchengine.http.ws;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FrameQueueTest {
  private static List<String> drain(FrameQueue queue) {
    List<String> frames = new ArrayList<>();
    for (Optional<String> next = queue.poll(); next.isPresent(); next = queue.poll()) {
      frames.add(next.get());
    }
    return frames;
  }

  @Test
  void changesKeepTheirOrderAndGoBeforePositions() {
    FrameQueue queue = new FrameQueue(10);
    queue.offerPosition("k1", "pos k1 a");
    queue.offerChange("status 2", true);
    queue.offerChange("status 3", true);
    assertEquals(List.of("status 2", "status 3", "pos k1 a"), drain(queue));
  }

  @Test
  void onlyTheNewestPositionOfEachCourierWaits() {
    FrameQueue queue = new FrameQueue(10);
    for (int i = 0; i < 100; i++) {
      queue.offerPosition("k1", "pos k1 " + i);
    }
    queue.offerPosition("k2", "pos k2 0");
    queue.offerPosition("k1", "pos k1 last");
    assertEquals(List.of("pos k2 0", "pos k1 last"), drain(queue));
  }

  @Test
  void tooManyWaitingChangesMeanTheReaderIsTooSlow() {
    FrameQueue queue = new FrameQueue(2);
    assertTrue(queue.offerChange("a", true));
    assertTrue(queue.offerChange("b", true));
    assertFalse(queue.offerChange("c", true), "changes are never dropped silently");
    assertEquals(List.of("a", "b"), drain(queue));
  }

  @Test
  void changesReadBackForAResumeAreKeptWithoutCountingAgainstTheLimit() {
    FrameQueue queue = new FrameQueue(2);
    for (int i = 0; i < 5; i++) {
      queue.offerChange("replayed " + i, false);
    }
    assertTrue(queue.offerChange("live a", true));
    assertTrue(queue.offerChange("live b", true));
    assertFalse(queue.offerChange("live c", true), "the limit still holds for live changes");
    assertEquals(List.of("replayed 0", "replayed 1", "replayed 2", "replayed 3", "replayed 4", "live a", "live b"),
        drain(queue));
    assertTrue(queue.offerChange("live d", true), "taken changes make room again");
  }
}
