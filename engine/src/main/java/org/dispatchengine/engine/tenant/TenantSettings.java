package org.dispatchengine.engine.tenant;

import org.dispatchengine.engine.CborSerializable;

/** How a tenant runs its orders. */
public record TenantSettings(boolean requireProofOfDelivery) implements CborSerializable {
  public static final TenantSettings DEFAULT = new TenantSettings(false);
}
