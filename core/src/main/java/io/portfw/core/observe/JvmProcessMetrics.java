package io.portfw.core.observe;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmInfoMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.netty4.NettyAllocatorMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufAllocatorMetricProvider;

/**
 * The JVM and process meters of Micrometer's binders, beside portfw's own: memory and buffer
 * pools, GC pauses, threads, classes, CPU, uptime, open descriptors and their limit, and the
 * memory held by Netty's default buffer allocator (the one Vert.x hands every channel).
 *
 * <p>All but the GC meters are read from MXBeans only when scraped. The GC meters are fed by the
 * JVM's GC notifications, which the JVM delivers on its "Notification Thread" after each
 * collection, never on an event loop: the data path does no work for them. Their listeners stay registered until
 * {@link #close}.
 */
final class JvmProcessMetrics implements AutoCloseable {

  private final JvmGcMetrics gc = new JvmGcMetrics();

  JvmProcessMetrics(MeterRegistry registry) {
    new JvmInfoMetrics().bindTo(registry);
    new JvmMemoryMetrics().bindTo(registry);
    gc.bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ClassLoaderMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
    new FileDescriptorMetrics().bindTo(registry);
    if (ByteBufAllocator.DEFAULT instanceof ByteBufAllocatorMetricProvider allocator) {
      new NettyAllocatorMetrics(allocator).bindTo(registry);
    }
  }

  /** Removes the GC notification listeners; the other meters hold nothing that needs releasing. */
  @Override
  public void close() {
    gc.close();
  }
}
