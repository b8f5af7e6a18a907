package org.dispatchengine.engine.order;

import org.dispatchengine.engine.CborSerializable;

/**
 * Proof of delivery: a {@code pin} the customer told the courier, or a {@code photo} or {@code signature} stored
 * elsewhere and referred to by URL.
 *
 * @param pin for type pin, else null
 * @param url for types photo and signature, else null
 */
public record Proof(String type, String pin, String url) implements CborSerializable {
  public static final java.util.Set<String> TYPES = java.util.Set.of("pin", "photo", "signature");
}
