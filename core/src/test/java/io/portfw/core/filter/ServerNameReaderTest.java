package io.portfw.core.filter;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.portfw.config.SniConfig.Route;
import io.portfw.config.SniConfig;
import io.portfw.core.observe.Refusal;
import io.portfw.testing.ClientHellos;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.Test;

/** The pool chosen by the TLS server name in a real ClientHello (the JDK's), fed as TCP would: in pieces. */
class ServerNameReaderTest {

  private static final Duration TIMEOUT = Duration.ofSeconds(5);
  private static final String DEFAULT_POOL = "default";
  private static final List<Route> ROUTES = List.of(
      new Route("app.example.com", "app"), new Route("*.example.org", "org"));

  private final List<String> log = new ArrayList<>();
  private final List<String> pools = new ArrayList<>();
  private final List<Refusal> refusals = new ArrayList<>();
  private final ReadsCollector relay = new ReadsCollector(log);
  private final EmbeddedChannel channel = new EmbeddedChannel();

  private void install(boolean closeNotTls) {
    channel.freezeTime();
    channel.pipeline().addLast(ReadsCollector.NAME, relay);
    ServerNameReader.install(channel, ReadsCollector.NAME, new SniConfig(ROUTES, TIMEOUT, closeNotTls), DEFAULT_POOL,
        pool -> {
          pools.add(pool);
          log.add("pool:" + pool);
        }, why -> {
          refusals.add(why);
          log.add("refused:" + why);
        });
  }

  /** The bytes of the first flight of a JDK TLS client that asks for {@code serverName}. */
  private static byte[] clientHello(String serverName) throws Exception {
    return ClientHellos.of(SSLContext.getDefault(), serverName);
  }

  private void feedInTwoHalves(byte[] bytes) {
    int half = bytes.length / 2;
    channel.writeInbound(Unpooled.wrappedBuffer(Arrays.copyOfRange(bytes, 0, half)));
    assertThat(pools).as("undecided on half a ClientHello").isEmpty();
    assertThat(relay.bytes()).isEmpty();
    channel.writeInbound(Unpooled.wrappedBuffer(Arrays.copyOfRange(bytes, half, bytes.length)));
  }

  private static String latin1(byte[] bytes) {
    return new String(bytes, StandardCharsets.ISO_8859_1);
  }

  private static ByteBuf text(String s) {
    return FirstBytes.text(s);
  }

  private void expire(long millis) {
    FirstBytes.expire(channel, millis);
  }

  @Test
  void clientHelloInTwoHalves_routesByItsServerName_andEveryByteGoesOn() throws Exception {
    install(false);
    byte[] hello = clientHello("app.example.com");

    feedInTwoHalves(hello);

    assertThat(pools).containsExactly("app");
    assertThat(refusals).isEmpty();
    assertThat(relay.bytes()).as("the ClientHello, untouched").isEqualTo(latin1(hello));
    assertThat(log.get(0)).isEqualTo("pool:app");
    assertThat(channel.pipeline().get(ServerNameReader.class)).isNull();
    assertThat(channel.config().isAutoRead()).as("reading pauses until the relay has a backend").isFalse();
  }

  @Test
  void serverNameMatchingAWildcard_routesThere() throws Exception {
    install(false);

    feedInTwoHalves(clientHello("deep.api.example.org"));

    assertThat(pools).containsExactly("org");
  }

  @Test
  void serverNameWithoutRoute_goesToTheDefaultPool() throws Exception {
    install(true);

    feedInTwoHalves(clientHello("other.example.net"));

    assertThat(pools).containsExactly(DEFAULT_POOL);
    assertThat(refusals).isEmpty();
  }

  @Test
  void notTls_goesToTheDefaultPool_whenNotClosed() {
    install(false);

    channel.writeInbound(text("GET / HTTP/1.1\r\n\r\n"));

    assertThat(pools).containsExactly(DEFAULT_POOL);
    assertThat(refusals).isEmpty();
    assertThat(relay.bytes()).isEqualTo("GET / HTTP/1.1\r\n\r\n");
  }

  @Test
  void notTls_isRefused_whenClosed() {
    install(true);

    channel.writeInbound(text("GET / HTTP/1.1\r\n\r\n"));

    assertThat(refusals).containsExactly(Refusal.NOT_TLS);
    assertThat(pools).isEmpty();
  }

  @Test
  void clientHelloClaimingMoreThan64KiB_isRefused() {
    install(false);
    int claimed = ServerNameReader.MAX_CLIENT_HELLO + 1;
    ByteBuf record = Unpooled.buffer();
    record.writeByte(22).writeByte(3).writeByte(1).writeShort(200); // a handshake record of 200 bytes
    record.writeByte(1).writeMedium(claimed); // a ClientHello claiming 64 KiB + 1
    record.writeZero(196);

    channel.writeInbound(record);

    assertThat(refusals).containsExactly(Refusal.CLIENT_HELLO);
    assertThat(pools).isEmpty();
    assertThat(channel.pipeline().get(ServerNameReader.class)).isNull();
  }

  @Test
  void clientHelloOfExactly64KiB_isWaitedFor() {
    install(false);
    ByteBuf record = Unpooled.buffer();
    record.writeByte(22).writeByte(3).writeByte(1).writeShort(200);
    record.writeByte(1).writeMedium(ServerNameReader.MAX_CLIENT_HELLO);
    record.writeZero(196);

    channel.writeInbound(record);

    assertThat(refusals).isEmpty();
    assertThat(pools).isEmpty();
  }

  @Test
  void clientHelloNotWholeBeforeTheDeadline_isRefused() throws Exception {
    install(false);
    byte[] hello = clientHello("app.example.com");
    channel.writeInbound(Unpooled.wrappedBuffer(Arrays.copyOf(hello, 20)));
    expire(TIMEOUT.toMillis() - 1);
    assertThat(refusals).isEmpty();

    expire(1);

    assertThat(refusals).containsExactly(Refusal.CLIENT_HELLO);
    assertThat(pools).isEmpty();
  }

  @Test
  void restOfTheClientHelloAfterTheDeadline_decidesNothingMore() throws Exception {
    install(false);
    byte[] hello = clientHello("app.example.com");
    channel.writeInbound(Unpooled.wrappedBuffer(Arrays.copyOf(hello, 20)));
    expire(TIMEOUT.toMillis());

    channel.writeInbound(Unpooled.wrappedBuffer(Arrays.copyOfRange(hello, 20, hello.length)));

    assertThat(refusals).containsExactly(Refusal.CLIENT_HELLO);
    assertThat(pools).isEmpty();
  }

  @Test
  void clientReset_refusesNothing() throws Exception {
    install(false);
    channel.writeInbound(Unpooled.wrappedBuffer(Arrays.copyOf(clientHello("app.example.com"), 20)));
    IOException reset = new IOException("Connection reset by peer");

    channel.pipeline().fireExceptionCaught(reset);
    expire(TIMEOUT.toMillis() * 2);

    assertThat(refusals).isEmpty();
    assertThat(pools).isEmpty();
    assertThat(relay.exceptions).containsExactly(reset);
  }
}
