package org.dispatchengine.engine;

/**
 * Who asks for a change, as entities see it: a role within the tenant, the subject (user id, or key id for API keys)
 * and, for store staff, the store. Recorded as {@code by} on every event a caller causes.
 *
 * @param storeId null unless the caller is store staff
 */
public record Caller(Role role, String subject, String storeId) implements CborSerializable {
  /** A tenant API key or a tenant admin: may do everything inside the tenant. */
  public boolean isTenantManager() {
    return role == Role.TENANT || role == Role.ADMIN;
  }
}
