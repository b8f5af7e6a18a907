package org.dispatchengine.engine;

import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/** Who a credential speaks for. Only the last four are roles of user tokens; the others come from keys. */
public enum Role {
  /** The engine's operator, with {@code DISPATCH_ADMIN_TOKEN}. */
  PLATFORM,
  /** A tenant's back-end, with a tenant API key: everything inside its tenant. */
  TENANT,
  ADMIN,
  STORE,
  COURIER,
  CUSTOMER;

  public static final Map<String, Role> USER_ROLES = Arrays.stream(values())
      .filter(Role::isUserRole)
      .collect(Collectors.toUnmodifiableMap(Role::wireName, Function.identity()));

  public boolean isUserRole() {
    return this != PLATFORM && this != TENANT;
  }

  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Optional<Role> userRole(String wireName) {
    return Optional.ofNullable(wireName == null ? null : USER_ROLES.get(wireName));
  }
}
