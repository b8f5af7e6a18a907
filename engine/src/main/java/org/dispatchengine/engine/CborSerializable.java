package org.dispatchengine.engine;

/**
 * Marker for every command, event, reply and state that may be persisted or cross nodes. It is the only type bound
 * to Pekko's {@code jackson-cbor} serializer (see {@code reference.conf}), so nothing is ever Java-serialized.
 */
public interface CborSerializable {}
