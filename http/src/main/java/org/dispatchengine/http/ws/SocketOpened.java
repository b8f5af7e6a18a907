package org.dispatchengine.http.ws;

import org.dispatchengine.engine.CborSerializable;

/** Published on a courier's topic when a new connection of that courier opens: older connections close. */
public record SocketOpened(String connectionId) implements CborSerializable {}
