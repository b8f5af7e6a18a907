package org.dispatchengine.http.ws;

import org.dispatchengine.http.api.ProblemException;

import java.util.List;
import java.util.Optional;

/** The browser origins allowed to open WebSockets; clients that send no {@code Origin} (apps) always may. */
public record Origins(List<String> allowed) {
  public Origins {
    allowed = List.copyOf(allowed);
  }

  /** Refuses the upgrade with {@code 403} when a browser's origin is not on the list. */
  public void check(Optional<String> origin) {
    if (origin.isPresent() && !allowed.contains(origin.get())) {
      throw ProblemException.of(403, "Origin " + origin.get() + " is not allowed");
    }
  }
}
