package org.dispatchengine.http.auth;

import org.dispatchengine.engine.Caller;
import org.dispatchengine.engine.Role;
import java.time.Instant;

/**
 * The caller of a request, resolved from its credential alone: the tenant always comes from here, never from a path
 * or a body.
 *
 * @param tenantId null only for the platform operator
 * @param subject the user for user tokens, the key id for API keys
 * @param storeId the store a store token acts for, else null
 * @param expiresAt when a user token stops working, else null
 */
public record Principal(String tenantId, Role role, String subject, String storeId, Instant expiresAt) {
  public Caller caller() {
    return new Caller(role, subject, storeId);
  }


  public static final Principal PLATFORM = new Principal(null, Role.PLATFORM, "platform", null, null);
}
