package org.dispatchengine.http.ws;

import org.dispatchengine.engine.CborSerializable;

import java.time.Instant;

/**
 * Published on a courier's topic when a connection of that courier opens, and again in its first seconds (topic
 * subscriptions reach other nodes by gossip): any older connection of the courier that hears it closes.
 */
public record SocketOpened(String connectionId, Instant openedAt) implements CborSerializable {
  /** Whether this connection opened after {@code other}; the id breaks ties. */
  public boolean isNewerThan(SocketOpened other) {
    int byTime = openedAt.compareTo(other.openedAt);
    return byTime != 0 ? byTime > 0 : connectionId.compareTo(other.connectionId) > 0;
  }
}
