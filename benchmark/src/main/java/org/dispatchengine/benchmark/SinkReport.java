package org.dispatchengine.benchmark;

import java.lang.management.ManagementFactory;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What a frame sink prints every 10 s: frames taken per second and the process's CPU (100 % = one core) over the
 * interval, so that a socket layer's cost per frame can be read without outside tools.
 */
public final class SinkReport {
  private SinkReport() {}

  public static void every10Seconds(String name, AtomicLong frames) throws InterruptedException {
    var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    long lastFrames = frames.get();
    long lastCpu = os.getProcessCpuTime();
    long lastAt = System.nanoTime();
    while (true) {
      Thread.sleep(10_000);
      long nowFrames = frames.get();
      long nowCpu = os.getProcessCpuTime();
      long nowAt = System.nanoTime();
      double seconds = (nowAt - lastAt) / 1e9;
      double framesPerSecond = (nowFrames - lastFrames) / seconds;
      double cpu = 100.0 * (nowCpu - lastCpu) / (nowAt - lastAt);
      System.out.printf("%s: %.0f frames/s, CPU %.1f %%, %.1f us of CPU per frame%n", name, framesPerSecond, cpu,
          framesPerSecond == 0 ? 0 : (nowCpu - lastCpu) / 1e3 / (nowFrames - lastFrames));
      lastFrames = nowFrames;
      lastCpu = nowCpu;
      lastAt = nowAt;
    }
  }
}
