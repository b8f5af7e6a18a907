package org.dispatchengine.engine;

import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/** Who a credential speaks for: user tokens carry the four user roles, keys the platform and tenant roles. */
public enum Role {
  /** The engine's operator, with {@code DISPATCH_ADMIN_TOKEN}. */
  PLATFORM,
  /** A tenant's back-end, with a tenant API key: everything inside its tenant. */
  TENANT,
  ADMIN,
  STORE,
  COURIER,
  CUSTOMER,
  /** The engine itself, as the author of what dispatch decides; never a credential. */
  SYSTEM;

  public static final Map<String, Role> USER_ROLES = Arrays.stream(values())
      .filter(Role::isUserRole)
      .collect(Collectors.toUnmodifiableMap(Role::wireName, Function.identity()));

  public boolean isUserRole() {
    return this != PLATFORM && this != TENANT && this != SYSTEM;
  }

  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Optional<Role> userRole(String wireName) {
    return Optional.ofNullable(wireName == null ? null : USER_ROLES.get(wireName));
  }
}
