package org.dispatchengine.engine.tenant;

import org.dispatchengine.engine.CborSerializable;

import java.time.Instant;

/**
 * A tenant API key as the engine stores it: only the SHA-256 hash of the key is kept, the key itself is shown once
 * to whoever issued it.
 */
public record ApiKey(String keyId, String keyHash, Instant createdAt) implements CborSerializable {}
