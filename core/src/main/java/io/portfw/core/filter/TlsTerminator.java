package io.portfw.core.filter;

import io.netty.channel.Channel;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.ssl.SniCompletionEvent;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.portfw.core.observe.TlsFacts;
import io.portfw.core.observe.TlsFailure;
import io.portfw.core.tls.CertificateNames;
import io.portfw.core.tls.ResumedSessions;
import io.portfw.core.tls.ServerTls;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

/**
 * Terminates TLS on an accepted client connection: Netty's SNI handler picks the certificate by
 * the server name in the ClientHello and does the handshake; this handler, behind it, waits for
 * the outcome with the listener's handshake timeout and reports what was settled. Afterwards it
 * passes everything on (the relay takes a client's close_notify for its end of input).
 */
public final class TlsTerminator extends ChannelDuplexHandler {

  private static final String TLS = "portfw-tls";
  private static final String NAME = "portfw-tls-outcome";

  private final Consumer<TlsFacts> onDone;
  private final BiConsumer<TlsFailure, String> onFailed;
  /** When the handshake began: a session created before it was resumed. */
  private final long startedMillis = System.currentTimeMillis();
  private FirstBytesWait wait;
  private String serverName;

  private TlsTerminator(Consumer<TlsFacts> onDone, BiConsumer<TlsFailure, String> onFailed) {
    this.onDone = onDone;
    this.onFailed = onFailed;
  }

  /**
   * Puts TLS in front of the handler named {@code before} (the relay) and starts the handshake;
   * exactly one callback runs: the facts once it completes, or the kind of failure and its detail.
   */
  public static void install(Channel channel, String before, ServerTls tls, Consumer<TlsFacts> onDone,
      BiConsumer<TlsFailure, String> onFailed) {
    TlsTerminator terminator = new TlsTerminator(onDone, onFailed);
    channel.pipeline().addBefore(before, TLS, tls.newHandler());
    channel.pipeline().addBefore(before, NAME, terminator);
    Duration timeout = tls.config().handshakeTimeout();
    terminator.wait = new FirstBytesWait(channel, timeout, () -> terminator.wait.fail(NAME,
        () -> onFailed.accept(TlsFailure.TIMEOUT, "no complete handshake within " + timeout.toMillis() + " ms")));
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    if (evt instanceof SniCompletionEvent sni) {
      serverName = sni.hostname();
    } else if (evt instanceof SslHandshakeCompletionEvent done) {
      if (done.isSuccess()) {
        if (wait.decide()) {
          onDone.accept(facts(ctx));
        }
      } else {
        String why = reason(done.cause());
        wait.fail(NAME, () -> onFailed.accept(TlsFailure.of(why), why));
      }
      return;
    }
    ctx.fireUserEventTriggered(evt);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (!wait.isWaiting()) {
      ctx.fireExceptionCaught(cause); // after the handshake: a reset or a broken record, the relay's to record
      return;
    }
    // During the handshake the completion event says why; a reset ends it too.
    if (wait.passOnReset(ctx, cause)) {
      return;
    }
    String why = reason(cause);
    wait.fail(NAME, () -> onFailed.accept(TlsFailure.of(why), why));
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    if (wait.isWaiting()) {
      wait.fail(NAME, () -> onFailed.accept(TlsFailure.CLOSED, "the client left during the handshake"));
    }
    ctx.fireChannelInactive();
  }

  private TlsFacts facts(ChannelHandlerContext ctx) {
    SslHandler ssl = ctx.pipeline().get(SslHandler.class);
    SSLSession session = ssl.engine().getSession();
    String subject = null;
    try {
      Certificate[] peer = session.getPeerCertificates();
      if (peer.length > 0 && peer[0] instanceof X509Certificate x509) {
        subject = x509.getSubjectX500Principal().getName();
      }
    } catch (SSLPeerUnverifiedException none) {
      // no client certificate: the usual case
    }
    return new TlsFacts(serverName, session.getProtocol(), session.getCipherSuite(), ssl.applicationProtocol(), subject,
        subject == null ? null : CertificateNames.commonName(subject).orElse(null),
        ResumedSessions.resumed(ssl.engine(), startedMillis));
  }

  /** The handshake's failure in a few words: the alert or the exception's own message, without wrapping. */
  static String reason(Throwable cause) {
    Throwable t = cause;
    while (t instanceof DecoderException && t.getCause() != null) {
      t = t.getCause();
    }
    String message = t.getMessage();
    return message == null ? t.getClass().getSimpleName() : message;
  }
}
