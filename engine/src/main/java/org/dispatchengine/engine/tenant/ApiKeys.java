package org.dispatchengine.engine.tenant;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;

/**
 * Tenant API keys: {@code dk_<keyId>_<secret>}. The key id (16 base32 characters) finds the stored hash without
 * revealing the tenant; the secret carries 256 random bits. Because the key is high-entropy, a plain SHA-256 hash is
 * as strong as a slow password hash here and keeps verification cheap on every request.
 */
public final class ApiKeys {
  public static final String PREFIX = "dk_";
  private static final int KEY_ID_LENGTH = 16;
  private static final char[] BASE32 = "abcdefghijklmnopqrstuvwxyz234567".toCharArray();
  private static final SecureRandom RANDOM = new SecureRandom();

  private ApiKeys() {}

  /** A freshly generated key: {@code plaintext} is returned to the caller once, {@code stored} is persisted. */
  public record Generated(String plaintext, String keyId, String keyHash) {}

  public static Generated generate() {
    char[] id = new char[KEY_ID_LENGTH];
    for (int i = 0; i < id.length; i++) {
      id[i] = BASE32[RANDOM.nextInt(BASE32.length)];
    }
    String keyId = new String(id);
    String plaintext = PREFIX + keyId + "_" + randomToken(32);
    return new Generated(plaintext, keyId, hash(plaintext));
  }

  /** The key id of something shaped like an API key, without verifying it. */
  public static Optional<String> keyIdOf(String presented) {
    if (presented == null || !presented.startsWith(PREFIX)) {
      return Optional.empty();
    }
    int idEnd = PREFIX.length() + KEY_ID_LENGTH;
    if (presented.length() <= idEnd + 1 || presented.charAt(idEnd) != '_') {
      return Optional.empty();
    }
    return Optional.of(presented.substring(PREFIX.length(), idEnd));
  }

  /** Constant-time comparison of the presented key's hash with the stored one. */
  public static boolean matches(String presented, String storedHash) {
    return MessageDigest.isEqual(
        hash(presented).getBytes(StandardCharsets.US_ASCII), storedHash.getBytes(StandardCharsets.US_ASCII));
  }

  public static String hash(String value) {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      return HexFormat.of().formatHex(digest.digest(value.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required of every JVM", e);
    }
  }

  /** URL-safe random text with {@code bytes} bytes of entropy. */
  public static String randomToken(int bytes) {
    byte[] buffer = new byte[bytes];
    RANDOM.nextBytes(buffer);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(buffer);
  }
}
