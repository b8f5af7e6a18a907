package org.dispatchengine.engine.tenant;

public enum TenantStatus {
  ACTIVE,
  SUSPENDED;

  public String wireName() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
