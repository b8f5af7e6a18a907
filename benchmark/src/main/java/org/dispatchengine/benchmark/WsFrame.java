package org.dispatchengine.benchmark;

import java.nio.ByteBuffer;

/**
 * One WebSocket frame (RFC 6455) as the load tools read it off a socket or a capture, unmasked.
 *
 * @param size the frame's bytes in the buffer, header included
 */
record WsFrame(byte opcode, boolean fin, byte[] payload, int size) {

  /**
   * The size, header included, of the frame starting at {@code start} in {@code buffer} (read up to its limit, big
   * endian), or -1 while its header is not whole.
   */
  static long sizeAt(ByteBuffer buffer, int start) {
    int available = buffer.limit() - start;
    if (available < 2) {
      return -1;
    }
    byte second = buffer.get(start + 1);
    int mask = (second & 0x80) != 0 ? 4 : 0;
    long length = second & 0x7F;
    if (length == 126) {
      return available < 4 ? -1 : 4 + mask + (buffer.getShort(start + 2) & 0xFFFF);
    }
    if (length == 127) {
      return available < 10 ? -1 : 10 + mask + buffer.getLong(start + 2);
    }
    return 2 + mask + length;
  }

  /** The frame starting at {@code start}, or null unless the buffer holds it whole. */
  static WsFrame at(ByteBuffer buffer, int start) {
    long size = sizeAt(buffer, start);
    if (size < 0 || size > buffer.limit() - start) {
      return null;
    }
    byte first = buffer.get(start);
    byte second = buffer.get(start + 1);
    boolean masked = (second & 0x80) != 0;
    int maskAt = start + headerLength(second);
    int data = maskAt + (masked ? 4 : 0);
    byte[] payload = new byte[(int) size - (data - start)];
    buffer.get(data, payload);
    if (masked) {
      for (int i = 0; i < payload.length; i++) {
        payload[i] ^= buffer.get(maskAt + (i & 3));
      }
    }
    return new WsFrame((byte) (first & 0x0F), (first & 0x80) != 0, payload, (int) size);
  }

  private static int headerLength(byte second) {
    int length = second & 0x7F;
    return length == 126 ? 4 : length == 127 ? 10 : 2;
  }
}
