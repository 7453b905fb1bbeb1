package io.portfw.core.udp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.DefaultMaxMessagesRecvByteBufAllocator;
import io.netty.channel.RecvByteBufAllocator;
import io.netty.util.internal.PlatformDependent;

/**
 * Where the datagrams of one event loop's UDP sockets are read: one 64 KiB buffer, reused, so any
 * datagram up to the largest UDP payload arrives whole, and each is then copied into a buffer of
 * its own size. Netty's allocator serves 64 KiB buffers from its large-buffer path, which cost
 * about two thirds of the bytes allocated per query; a small copy costs less. Confined to the loop:
 * each read is handed on (and the scratch released) before the loop reads again.
 */
final class DatagramBuffers extends DefaultMaxMessagesRecvByteBufAllocator {

  /** The largest UDP payload over IPv4 is 65,507 bytes: a read buffer of 64 KiB takes every one whole. */
  static final int MAX_DATAGRAM = 65_536;

  private ByteBuf scratch;

  DatagramBuffers(int maxMessagesPerRead) {
    super(maxMessagesPerRead);
    // A datagram never fills the buffer: reading goes on until the socket has no more, up to the limit.
    respectMaybeMoreData(false);
  }

  @Override
  public RecvByteBufAllocator.Handle newHandle() {
    return new MaxMessageHandle() {
      @Override
      public ByteBuf allocate(ByteBufAllocator alloc) {
        return take(alloc);
      }

      @Override
      public int guess() {
        return MAX_DATAGRAM;
      }
    };
  }

  /** The scratch buffer when nothing holds it any more, else (a consumer kept it) a fresh one. */
  private ByteBuf take(ByteBufAllocator alloc) {
    if (scratch == null) {
      // From the pooled allocator: Netty hands each datagram on as a retained slice of it, and a pooled buffer's
      // slices are recycled objects, where an unpooled one's are new each time.
      scratch = PooledByteBufAllocator.DEFAULT.directBuffer(MAX_DATAGRAM, MAX_DATAGRAM);
    }
    if (scratch.refCnt() == 1) {
      return scratch.clear().retain();
    }
    return alloc.ioBuffer(MAX_DATAGRAM, MAX_DATAGRAM);
  }

  /** {@code read}'s bytes in a buffer of their own size; releases {@code read} (the scratch, mostly). */
  static ByteBuf ownCopy(ByteBufAllocator alloc, ByteBuf read) {
    try {
      int length = read.readableBytes();
      ByteBuf own = alloc.directBuffer(length, length);
      if (read.hasMemoryAddress() && own.hasMemoryAddress()) {
        // Memory to memory: ByteBuf.writeBytes between two direct buffers makes NIO views for the copy.
        PlatformDependent.copyMemory(read.memoryAddress() + read.readerIndex(), own.memoryAddress() + own.writerIndex(),
            length);
        return own.writerIndex(own.writerIndex() + length);
      }
      return own.writeBytes(read);
    } finally {
      read.release();
    }
  }
}
