package io.portfw.core.upstream;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.AddressedEnvelope;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.dns.DefaultDnsQuestion;
import io.netty.handler.codec.dns.DefaultDnsRecordDecoder;
import io.netty.handler.codec.dns.DnsRawRecord;
import io.netty.handler.codec.dns.DnsRecord;
import io.netty.handler.codec.dns.DnsRecordType;
import io.netty.handler.codec.dns.DnsResponse;
import io.netty.handler.codec.dns.DnsResponseCode;
import io.netty.handler.codec.dns.DnsSection;
import io.netty.resolver.dns.DnsNameResolver;
import io.netty.resolver.dns.DnsNameResolverBuilder;
import io.netty.resolver.dns.DnsServerAddressStreamProviders;
import io.netty.resolver.dns.NoopDnsCache;
import io.netty.resolver.dns.SequentialDnsServerAddressStreamProvider;
import io.portfw.config.DnsConfig;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.spi.transport.Transport;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * DNS questions asked the way the {@code dns} section says (servers, timeout), each answered with
 * its records and their TTL, never from a cache: the callers keep answers for their TTL themselves.
 * Used by the resolver of backend host names and by discovery. Runs on one event loop.
 */
public final class DnsLookups {

  /** The server answered that the name does not exist (NXDOMAIN): an answer, not a failure to get one. */
  public static final class NoSuchName extends UnknownHostException {
    NoSuchName(String name) {
      super(name + ": no such name (NXDOMAIN)");
    }
  }

  /** Addresses of one record type and the shortest TTL among them (empty: the name has none of that type). */
  public record Addresses(List<InetAddress> addresses, long ttlSeconds) {}

  /** One SRV record: its target host and port, priority and weight (RFC 2782). */
  public record Service(int priority, int weight, int port, String target, long ttlSeconds) {}

  private final EventLoop loop;
  private final DnsConfig config;
  private final DnsNameResolver resolver;

  public DnsLookups(Transport transport, EventLoop loop, DnsConfig config) {
    this.loop = loop;
    this.config = config;
    List<InetSocketAddress> servers = config.servers().stream()
        .map(s -> new InetSocketAddress(s.literal().orElseThrow(), s.port())).toList();
    this.resolver = new DnsNameResolverBuilder(loop)
        .datagramChannelFactory(transport::datagramChannel)
        .resolveCache(NoopDnsCache.INSTANCE)
        .queryTimeoutMillis(config.timeout().toMillis())
        .nameServerProvider(servers.isEmpty() ? DnsServerAddressStreamProviders.platformDefault()
            : new SequentialDnsServerAddressStreamProvider(servers))
        .build();
  }

  /** The loop every lookup and every caller's state runs on. */
  public EventLoop loop() {
    return loop;
  }

  public DnsConfig config() {
    return config;
  }

  /** How long to keep an answer of {@code ttlSeconds}: the TTL within the section's minTtl and maxTtl, in ms. */
  public long keepMillis(long ttlSeconds) {
    long ttlMillis = TimeUnit.SECONDS.toMillis(Math.max(0, ttlSeconds));
    return Math.max(config.minTtl().toMillis(), Math.min(config.maxTtl().toMillis(), ttlMillis));
  }

  /** The A or AAAA records of {@code host}; fails with {@link NoSuchName} on NXDOMAIN. */
  public Future<Addresses> addresses(String host, DnsRecordType type) {
    List<InetAddress> found = new ArrayList<>();
    return query(host, type, record -> {
      found.add(InetAddress.getByAddress(host, ByteBufUtil.getBytes(record.content())));
    }).map(ttl -> new Addresses(List.copyOf(found), ttl));
  }

  /** The SRV records of {@code name}; fails with {@link NoSuchName} on NXDOMAIN. */
  public Future<List<Service>> services(String name) {
    List<Service> found = new ArrayList<>();
    return query(name, DnsRecordType.SRV, record -> {
      // The content is the whole message from the record's data on, so a compressed target name can be followed.
      ByteBuf data = record.content().duplicate();
      int priority = data.readUnsignedShort();
      int weight = data.readUnsignedShort();
      int port = data.readUnsignedShort();
      String target = DefaultDnsRecordDecoder.decodeName(data);
      found.add(new Service(priority, weight, port, stripDot(target), record.timeToLive()));
    }).map(ttl -> List.copyOf(found));
  }

  public void close() {
    loop.execute(resolver::close);
  }

  private static String stripDot(String name) {
    return name.endsWith(".") && name.length() > 1 ? name.substring(0, name.length() - 1) : name;
  }

  private interface RecordReader {
    void read(DnsRawRecord record) throws Exception;
  }

  /** Asks once; completes with the shortest TTL of the records of {@code type} (MAX_VALUE when none). */
  private Future<Long> query(String name, DnsRecordType type, RecordReader reader) {
    Promise<Long> answer = Promise.promise();
    resolver.query(new DefaultDnsQuestion(name, type)).addListener(f -> {
      if (!f.isSuccess()) {
        answer.fail(f.cause());
        return;
      }
      @SuppressWarnings("unchecked")
      AddressedEnvelope<DnsResponse, InetSocketAddress> envelope = (AddressedEnvelope<DnsResponse, InetSocketAddress>) f.getNow();
      try {
        DnsResponse response = envelope.content();
        if (response.code() == DnsResponseCode.NXDOMAIN) {
          answer.fail(new NoSuchName(name));
          return;
        }
        if (response.code() != DnsResponseCode.NOERROR) {
          answer.fail(new UnknownHostException(name + ": " + response.code()));
          return;
        }
        long ttl = Long.MAX_VALUE;
        for (int i = 0; i < response.count(DnsSection.ANSWER); i++) {
          DnsRecord record = response.recordAt(DnsSection.ANSWER, i);
          if (record.type() == type && record instanceof DnsRawRecord raw) {
            reader.read(raw);
            ttl = Math.min(ttl, record.timeToLive());
          }
        }
        answer.complete(ttl);
      } catch (Exception e) {
        answer.fail(new UnknownHostException(name + ": a malformed " + type.name() + " record (" + e.getMessage() + ")"));
      } finally {
        envelope.release();
      }
    });
    return answer.future();
  }
}
