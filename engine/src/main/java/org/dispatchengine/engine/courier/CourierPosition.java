package org.dispatchengine.engine.courier;

import org.dispatchengine.engine.CborSerializable;

/**
 * A trusted position of a courier, published to the tenant's dispatcher (while the courier can take orders), to the
 * topics of its active orders (customer tracking), and conflated to the tenant's live topic (admin map).
 */
public record CourierPosition(String tenantId, String courierId, Fix fix, boolean available, int load, int capacity)
    implements CborSerializable {}
