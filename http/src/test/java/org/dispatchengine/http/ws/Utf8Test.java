package org.dispatchengine.http.ws;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class Utf8Test {

  private static byte[] bytes(int... values) {
    byte[] bytes = new byte[values.length];
    for (int i = 0; i < values.length; i++) {
      bytes[i] = (byte) values[i];
    }
    return bytes;
  }

  @Test
  void wellFormedTextOfEveryLengthOfSequencePasses() {
    assertTrue(Utf8.isValid(new byte[0]));
    assertTrue(Utf8.isValid("{\"type\":\"location\"}".getBytes(StandardCharsets.UTF_8)));
    assertTrue(Utf8.isValid("Café Zoë, Straße 5, 東京, 🛵".getBytes(StandardCharsets.UTF_8)));
    assertTrue(Utf8.isValid(bytes(0xF4, 0x8F, 0xBF, 0xBF)), "U+10FFFF, the last code point");
  }

  @Test
  void whatRfc3629ForbidsFails() {
    assertFalse(Utf8.isValid(bytes('a', 0x80)), "a continuation byte with no lead");
    assertFalse(Utf8.isValid(bytes(0xC3, 0x28)), "a lead byte without its continuation");
    assertFalse(Utf8.isValid(bytes('a', 0xE2, 0x82)), "a sequence cut short at the end");
    assertFalse(Utf8.isValid(bytes(0xC0, 0xAF)), "an overlong '/'");
    assertFalse(Utf8.isValid(bytes(0xED, 0xA0, 0x80)), "a UTF-16 surrogate");
    assertFalse(Utf8.isValid(bytes(0xF4, 0x90, 0x80, 0x80)), "beyond U+10FFFF");
    assertFalse(Utf8.isValid(bytes(0xFF)), "a byte UTF-8 never uses");
  }
}
