package org.dispatchengine.engine.courier;

import org.dispatchengine.engine.CborSerializable;

import java.time.Instant;

/**
 * What a courier's own sockets are told: {@code assigned} or {@code unassigned} an order.
 *
 * @param reason why an order was unassigned ({@code reassigned} or its final status), else null
 */
public record CourierNotice(String tenantId, String courierId, String type, String orderId, String reason, Instant at)
    implements CborSerializable {}
