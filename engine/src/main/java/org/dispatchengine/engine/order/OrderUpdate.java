package org.dispatchengine.engine.order;

import org.dispatchengine.engine.CborSerializable;

import java.time.Instant;

/**
 * What an order publishes on its topic and its tenant's live topic after every event.
 *
 * @param type {@code created}, a status ({@code accepted}, ...) or {@code assigned}
 */
public record OrderUpdate(String tenantId, String orderId, long seq, String type, Instant at, OrderRecord order)
    implements CborSerializable {}
