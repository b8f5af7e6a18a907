package org.dispatchengine.engine.courier;

import org.dispatchengine.engine.CborSerializable;

import java.time.Instant;

/**
 * What a courier's own sockets are told: {@code offer}, {@code offer.revoked}, {@code assigned} or
 * {@code unassigned}.
 *
 * @param reason why an order was unassigned ({@code reassigned} or its final status) or an offer revoked, else null
 * @param offer the offer, for {@code offer} and {@code offer.revoked}; else null
 */
public record CourierNotice(String tenantId, String courierId, String type, String orderId, String reason, Instant at,
    CourierOffer offer) implements CborSerializable {}
