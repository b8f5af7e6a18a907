package org.dispatchengine.engine.dispatch;

import org.dispatchengine.engine.CborSerializable;

import java.util.List;

/**
 * What the dispatcher decided for one search round of an order, recorded on the order as it is acted on.
 *
 * @param candidates the couriers considered, best first, with their scores
 * @param chosen the couriers to offer the order to (one, or several in {@code broadcast})
 * @param assign whether the chosen courier is assigned without being asked ({@code auto})
 * @param region the dispatch region that decided, null for the tenant-wide dispatcher
 */
public record Decision(DispatchMode mode, int settingsVersion, List<Candidate> candidates, List<String> chosen,
    boolean assign, String region) implements CborSerializable {
  public Decision {
    candidates = List.copyOf(candidates);
    chosen = List.copyOf(chosen);
  }
}
