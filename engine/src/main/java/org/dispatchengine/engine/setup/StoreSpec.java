package org.dispatchengine.engine.setup;

import org.dispatchengine.engine.geo.LatLon;

import java.util.List;

/**
 * A store or terminal: where delivery orders are picked up.
 *
 * @param openingHours may be null
 */
public record StoreSpec(String name, LatLon location, List<String> categories, OpeningHours openingHours)
    implements Spec {
  public StoreSpec {
    categories = List.copyOf(categories);
  }
}
