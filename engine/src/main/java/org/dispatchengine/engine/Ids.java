package org.dispatchengine.engine;

import java.util.regex.Pattern;

/** Client-given ids and the entity ids built from them. */
public final class Ids {
  private static final Pattern CLIENT_ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");

  /** Separates the tenant from the local id in entity ids; never part of a valid client id. */
  public static final char TENANT_SEPARATOR = ':';

  private Ids() {}

  public static boolean isValid(String id) {
    return id != null && CLIENT_ID.matcher(id).matches();
  }

  /** The entity id of a tenant-scoped entity: {@code tenantId:localId}. */
  public static String entityId(String tenantId, String localId) {
    return tenantId + TENANT_SEPARATOR + localId;
  }

  /** The tenant of an entity id made by {@link #entityId}. */
  public static String tenantOf(String entityId) {
    return entityId.substring(0, entityId.indexOf(TENANT_SEPARATOR));
  }

  /** The tenant's own id of an entity id made by {@link #entityId}. */
  public static String localOf(String entityId) {
    return entityId.substring(entityId.indexOf(TENANT_SEPARATOR) + 1);
  }
}
