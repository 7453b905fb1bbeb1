package io.portfw.core.relay;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelConfig;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPromise;
import io.netty.channel.DefaultChannelConfig;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.ChannelInputShutdownReadComplete;
import io.netty.channel.socket.DuplexChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * An {@link EmbeddedChannel} that is a {@link DuplexChannel}, as a TCP socket is, for tests of
 * the relay: it records its half-closes, the socket options set on it ({@code SO_LINGER 0} is how
 * the relay resets a socket) and, in order, what went out on its "wire": the bytes flushed and the
 * FIN ({@code shutdownOutput}).
 */
final class DuplexEmbeddedChannel extends EmbeddedChannel implements DuplexChannel {

  /** What {@link #wire()} shows for the FIN. */
  static final String FIN = "<FIN>";

  // No initializers: EmbeddedChannel's constructor calls config() and handleOutboundMessage before they would run.
  private RecordingConfig recordingConfig;
  private List<String> wire;
  private boolean inputShut;
  private boolean outputShut;
  private int outputShutdowns;

  DuplexEmbeddedChannel() {
    super();
  }

  /** The peer sends its FIN: the input is shut and the pipeline gets the events a TCP socket fires. */
  void receiveFin() {
    inputShut = true;
    pipeline().fireUserEventTriggered(ChannelInputShutdownEvent.INSTANCE);
    pipeline().fireUserEventTriggered(ChannelInputShutdownReadComplete.INSTANCE);
  }

  /** What left this channel, in order: each flushed non-empty buffer as text, and {@link #FIN}. */
  List<String> wire() {
    return wire == null ? List.of() : List.copyOf(wire);
  }

  /** How many times {@code shutdownOutput} was called. */
  int outputShutdowns() {
    return outputShutdowns;
  }

  /** The value the relay set for {@code option}, or null when it set none. */
  <T> T optionSet(ChannelOption<T> option) {
    return recording().optionSet(option);
  }

  @Override
  public ChannelConfig config() {
    return recording();
  }

  private RecordingConfig recording() {
    if (recordingConfig == null) {
      recordingConfig = new RecordingConfig(this);
    }
    return recordingConfig;
  }

  @Override
  protected void handleOutboundMessage(Object msg) {
    if (msg instanceof ByteBuf buf && buf.isReadable()) {
      if (wire == null) {
        wire = new ArrayList<>();
      }
      wire.add(buf.toString(buf.readerIndex(), buf.readableBytes(), StandardCharsets.ISO_8859_1));
    }
    super.handleOutboundMessage(msg);
  }

  @Override
  public boolean isInputShutdown() {
    return inputShut;
  }

  @Override
  public ChannelFuture shutdownInput() {
    return shutdownInput(newPromise());
  }

  @Override
  public ChannelFuture shutdownInput(ChannelPromise promise) {
    inputShut = true;
    return promise.setSuccess();
  }

  @Override
  public boolean isOutputShutdown() {
    return outputShut;
  }

  @Override
  public ChannelFuture shutdownOutput() {
    return shutdownOutput(newPromise());
  }

  @Override
  public ChannelFuture shutdownOutput(ChannelPromise promise) {
    outputShutdowns++;
    if (!outputShut) {
      outputShut = true;
      if (wire == null) {
        wire = new ArrayList<>();
      }
      wire.add(FIN);
    }
    return promise.setSuccess();
  }

  @Override
  public boolean isShutdown() {
    return inputShut && outputShut;
  }

  @Override
  public ChannelFuture shutdown() {
    return shutdown(newPromise());
  }

  @Override
  public ChannelFuture shutdown(ChannelPromise promise) {
    shutdownInput();
    shutdownOutput();
    return promise.setSuccess();
  }

  /** EmbeddedChannel's config ignores socket options; this one keeps the ones the relay sets. */
  private static final class RecordingConfig extends DefaultChannelConfig {

    private Integer soLinger;
    private Boolean allowHalfClosure;

    RecordingConfig(EmbeddedChannel channel) {
      super(channel);
    }

    @SuppressWarnings("unchecked")
    <T> T optionSet(ChannelOption<T> option) {
      if (option == ChannelOption.SO_LINGER) {
        return (T) soLinger;
      }
      if (option == ChannelOption.ALLOW_HALF_CLOSURE) {
        return (T) allowHalfClosure;
      }
      return null;
    }

    @Override
    public <T> boolean setOption(ChannelOption<T> option, T value) {
      if (option == ChannelOption.SO_LINGER) {
        soLinger = (Integer) value;
        return true;
      }
      if (option == ChannelOption.ALLOW_HALF_CLOSURE) {
        allowHalfClosure = (Boolean) value;
        return true;
      }
      return super.setOption(option, value);
    }

    @Override
    public <T> T getOption(ChannelOption<T> option) {
      T set = optionSet(option);
      return set != null ? set : super.getOption(option);
    }
  }
}
