package io.portfw.core.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ConfiguratorRank;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.encoder.Encoder;
import ch.qos.logback.core.filter.Filter;
import ch.qos.logback.core.spi.ContextAwareBase;
import ch.qos.logback.core.spi.FilterReply;
import io.portfw.config.LoggingConfig;
import org.slf4j.Logger;

/**
 * Logback's set-up, found by Logback as a service when the first logger is made: every event goes
 * to standard error, as plain text or as JSON lines, whichever {@link Logging} says is in force.
 * Both appenders stay attached, each behind a gate, so switching the format on reload neither
 * drops nor doubles a line. A file named by {@code -Dlogback.configurationFile} replaces all this
 * (and then portfw leaves levels and format to that file).
 */
@ConfiguratorRank(ConfiguratorRank.CUSTOM_HIGH_PRIORITY)
public final class LogSetup extends ContextAwareBase implements Configurator {

  /** The text format slf4j-simple printed before, kept so that what reads the lines goes on reading them. */
  static final String TEXT_PATTERN = "%d{yyyy-MM-dd'T'HH:mm:ss.SSSXXX} %level %logger{0} - %msg%n";

  @Override
  public ExecutionStatus configure(LoggerContext context) {
    if (System.getProperty("logback.configurationFile") != null) {
      return ExecutionStatus.INVOKE_NEXT_IF_ANY;
    }
    PatternLayoutEncoder text = new PatternLayoutEncoder();
    text.setContext(context);
    text.setPattern(TEXT_PATTERN);
    text.start();
    JsonLines json = new JsonLines();
    json.setContext(context);
    json.start();
    ch.qos.logback.classic.Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
    root.setLevel(Level.INFO);
    root.addAppender(stderr(context, "text", text, LoggingConfig.Format.TEXT));
    root.addAppender(stderr(context, "json", json, LoggingConfig.Format.JSON));
    // Netty and Vert.x are chatty at info; what they say at warn is worth reading.
    context.getLogger("io.netty").setLevel(Level.WARN);
    context.getLogger("io.vertx").setLevel(Level.WARN);
    // Hazelcast (clustering) tells its whole start at info; portfw logs what the operator needs of it itself.
    context.getLogger("com.hazelcast").setLevel(Level.WARN);
    // It warns about its CP subsystem being off at every start: portfw uses none of it.
    context.getLogger("com.hazelcast.cp").setLevel(Level.ERROR);
    Logging.installed(context);
    return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
  }

  private static ConsoleAppender<ILoggingEvent> stderr(LoggerContext context, String name,
      Encoder<ILoggingEvent> encoder, LoggingConfig.Format format) {
    ConsoleAppender<ILoggingEvent> appender = new ConsoleAppender<>();
    appender.setContext(context);
    appender.setName(name);
    appender.setTarget("System.err");
    appender.setEncoder(encoder);
    appender.addFilter(new FormatGate(format));
    appender.start();
    return appender;
  }

  /** Lets events through only while its format is the one in force. */
  private static final class FormatGate extends Filter<ILoggingEvent> {
    private final LoggingConfig.Format format;

    FormatGate(LoggingConfig.Format format) {
      this.format = format;
      start();
    }

    @Override
    public FilterReply decide(ILoggingEvent event) {
      return Logging.format() == format ? FilterReply.NEUTRAL : FilterReply.DENY;
    }
  }
}
