package org.dispatchengine.benchmark;

import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * How much heap an idle order-stream socket costs the node: opens N order streams (customers following their
 * orders, {@code --per-order} watchers on each order) that then stay quiet, and compares the node's heap after a full
 * GC before and after. The node must run on this machine: the tool asks it for a full GC with {@code jcmd}.
 *
 * <pre>
 * java -cp benchmark/target/benchmarks.jar org.dispatchengine.benchmark.IdleSockets \
 *   --url http://127.0.0.1:8080 --admin-token $DISPATCH_ADMIN_TOKEN --pid $NODE_PID --sockets 20000 --per-order 10
 * </pre>
 */
public final class IdleSockets {
  private static final double GIB = 1024.0 * 1024 * 1024;

  private final String pid;
  private final int sockets;
  private final int perOrder;
  private final LoadClient client;
  private final AtomicLong closed = new AtomicLong();

  private IdleSockets(Options options) {
    this.pid = options.required("pid");
    this.sockets = options.integer("sockets", 20000);
    this.perOrder = options.integer("per-order", 10);
    this.client = new LoadClient(options);
  }

  public static void main(String[] argv) throws Exception {
    new IdleSockets(Options.parse(argv)).run();
    System.exit(0);
  }

  private void run() throws Exception {
    String key = client.newTenant("idle", "Idle sockets");
    client.setUpCity(key);
    int orders = (sockets + perOrder - 1) / perOrder;
    long start = System.nanoTime();
    List<String> ids = LoadClient.inParallel(orders, 64,
        i -> client.call("POST", "/v1/orders", key, LoadClient.order("c" + i)).get("id").asText());
    LoadClient.log("%d orders created in %.1f s", orders, LoadClient.secondsSince(start));

    long before = heapAfterFullGc();
    start = System.nanoTime();
    List<SocketFleet.Socket> open = LoadClient.openAll(new SocketFleet(client.url()), sockets,
        i -> "/v1/ws/orders/" + ids.get(i / perOrder), i -> key, i -> new SocketFleet.Listener() {
          @Override
          public void onMessage(SocketFleet.Socket socket, byte[] payload) {
            // the order's snapshot: these customers only keep their socket open
          }

          @Override
          public void onClosed(SocketFleet.Socket socket, int code) {
            closed.incrementAndGet();
          }
        });
    LoadClient.log("%d sockets open in %.1f s", open.size(), LoadClient.secondsSince(start));
    // the streams' snapshots and the subscriptions' gossip settle before the heap is read
    Thread.sleep(10_000);
    long after = heapAfterFullGc();

    double perSocket = (after - before) / (double) sockets;
    LoadClient.log("");
    LoadClient.log("%d idle order-stream sockets (%d per order), %d closed by the node", sockets, perOrder,
        closed.get());
    LoadClient.log("node heap after a full GC: %.1f MiB before, %.1f MiB with the sockets open",
        before / 1048576.0, after / 1048576.0);
    LoadClient.log("%.1f KiB of heap per idle socket: %.0f sockets per GiB of heap", perSocket / 1024,
        GIB / perSocket);
    open.forEach(socket -> socket.close(1000));
  }

  /** The node's used heap, summed over its pools, right after a full collection it was asked for. */
  private long heapAfterFullGc() throws Exception {
    Process gc = new ProcessBuilder("jcmd", pid, "GC.run").redirectErrorStream(true).start();
    gc.getInputStream().readAllBytes();
    if (!gc.waitFor(60, TimeUnit.SECONDS) || gc.exitValue() != 0) {
      throw new IllegalStateException("jcmd " + pid + " GC.run failed");
    }
    return client.metrics().entrySet().stream()
        .filter(sample -> sample.getKey().startsWith("jvm_memory_used_bytes{area=\"heap\""))
        .mapToLong(sample -> sample.getValue().longValue())
        .sum();
  }
}
