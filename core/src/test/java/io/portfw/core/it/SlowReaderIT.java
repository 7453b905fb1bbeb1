package io.portfw.core.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufAllocatorMetricProvider;
import io.portfw.testing.Payloads;
import io.portfw.testing.Ports;
import io.portfw.testing.RunningForwarder.Route;
import io.portfw.testing.RunningForwarder;
import io.portfw.testing.StreamingBackend;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.security.MessageDigest;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/**
 * A client that reads far slower than its backend writes: the forwarder stops reading from the
 * backend instead of buffering, so its memory stays small while 256 MiB pass through.
 */
class SlowReaderIT {

  private static final long SIZE = 256L << 20;
  /** Kernel socket buffers on the path may hold this much; everything above it would be the forwarder's. */
  private static final long IN_FLIGHT_BOUND = 48L << 20;
  private static final long HEAP_GROWTH_BOUND = 32L << 20;
  /** The relay's buffers are pooled direct memory: a forwarder that buffered would grow this. */
  private static final long DIRECT_GROWTH_BOUND = 64L << 20;

  @Test
  void slowReader_backendIsHeldBackAndMemoryStaysBounded() throws Exception {
    try (StreamingBackend backend = new StreamingBackend(SIZE);
         RunningForwarder forwarder = RunningForwarder.startEach(new Route("download", Ports.free(), backend.address()));
         Socket client = new Socket()) {
      long heapBefore = usedHeapAfterGc();
      long directBefore = pooledDirectMemory();
      client.setReceiveBufferSize(64 * 1024);
      client.connect(new InetSocketAddress("127.0.0.1", forwarder.port()), 5_000);
      client.setSoTimeout(30_000);
      InputStream in = client.getInputStream();
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      byte[] buffer = new byte[64 * 1024];
      long read = 0;
      long maxInFlight = 0;
      long maxHeapGrowth = 0;
      long maxDirectGrowth = 0;
      long nextStall = 0;

      for (int n; (n = in.read(buffer)) >= 0; ) {
        digest.update(buffer, 0, n);
        read += n;
        if (read >= nextStall) {
          // Stop reading for a while: the backend keeps writing only as far as the buffers allow.
          // This stall is the scenario (a slow reader making backpressure), not a wait for the forwarder.
          Thread.sleep(nextStall == 0 ? 1_000 : 250);
          maxInFlight = Math.max(maxInFlight, backend.written() - read);
          maxHeapGrowth = Math.max(maxHeapGrowth, usedHeapAfterGc() - heapBefore);
          maxDirectGrowth = Math.max(maxDirectGrowth, pooledDirectMemory() - directBefore);
          nextStall += 32L << 20;
        }
      }

      assertThat(read).isEqualTo(SIZE);
      assertThat(HexFormat.of().formatHex(digest.digest()))
          .isEqualTo(Payloads.write(java.io.OutputStream.nullOutputStream(), SIZE, SIZE));
      assertThat(maxInFlight).as("bytes written by the backend but not yet read by the client")
          .isLessThan(IN_FLIGHT_BOUND);
      assertThat(maxHeapGrowth).as("heap growth while stalled").isLessThan(HEAP_GROWTH_BOUND);
      assertThat(maxDirectGrowth).as("direct memory growth while stalled").isLessThan(DIRECT_GROWTH_BOUND);
    }
  }

  /** Direct memory held by Netty's default pooled allocator, which Vert.x gives every channel. */
  private static long pooledDirectMemory() {
    return ((ByteBufAllocatorMetricProvider) ByteBufAllocator.DEFAULT).metric().usedDirectMemory();
  }

  private static long usedHeapAfterGc() {
    Runtime rt = Runtime.getRuntime();
    System.gc();
    return rt.totalMemory() - rt.freeMemory();
  }
}
