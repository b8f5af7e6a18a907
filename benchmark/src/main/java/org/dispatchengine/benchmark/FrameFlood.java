package org.dispatchengine.benchmark;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Opens {@code --sockets} WebSockets to {@code --url}/ws and sends each a location frame {@code --rate} times a
 * second for {@code --seconds}: the courier load of {@link LocationLoad} without the engine behind the socket, for
 * measuring a socket layer alone ({@code PekkoFrameSink}, {@link NettyFrameSink}).
 */
public final class FrameFlood {
  public static void main(String[] args) throws Exception {
    Options options = Options.parse(args);
    int count = options.integer("sockets", 10_000);
    double rate = options.decimal("rate", 2);
    int seconds = options.integer("seconds", 60);
    SocketFleet fleet = new SocketFleet(options.required("url"));
    SocketFleet.Listener quiet = new SocketFleet.Listener() {
      @Override
      public void onMessage(SocketFleet.Socket socket, byte[] payload) {}

      @Override
      public void onClosed(SocketFleet.Socket socket, int code) {}
    };
    List<SocketFleet.Socket> sockets = LoadClient.openAll(fleet, count, i -> "/ws", i -> "none", i -> quiet);
    LoadClient.log("%d sockets open", sockets.size());
    List<Integer> indexes = new ArrayList<>();
    double[][] positions = new double[count][];
    for (int i = 0; i < count; i++) {
      indexes.add(i);
      positions[i] = LoadClient.gridPosition(i);
    }
    AtomicLong sent = new AtomicLong();
    long end = System.nanoTime() + seconds * 1_000_000_000L;
    for (Thread sender : LoadClient.everyPeriod(indexes, (long) (1_000_000_000L / rate), end, 2, i -> {
      double[] position = positions[i];
      position[0] += LoadClient.STEP_NORTH_DEGREES;
      if (sockets.get(i).send(LoadClient.movingLocationFrame(position[0], position[1]), true)) {
        sent.incrementAndGet();
      }
    })) {
      sender.join();
    }
    LoadClient.log("sent %d frames: %.0f frames/s", sent.get(), sent.get() / (double) seconds);
    fleet.close();
  }
}
