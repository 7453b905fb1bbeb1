package io.portfw.core.cli;

import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
import java.time.Instant;
import java.util.List;
import org.slf4j.event.KeyValuePair;

/**
 * Logback's JSON encoder as portfw uses it: one object per line with {@code timestamp} (epoch
 * milliseconds), {@code level}, {@code loggerName}, {@code formattedMessage} and {@code throwable},
 * to which it adds {@code time} (ISO-8601, UTC), {@code logger} and {@code message} (the names log
 * pipelines look for first) and the event's key-value pairs (listener, pool, backend, ...) as
 * fields of their own, so that a pipeline reads {@code .pool} rather than digging through
 * Logback's list of pairs.
 */
final class JsonLines extends JsonEncoder {

  JsonLines() {
    setWithSequenceNumber(false);
    setWithNanoseconds(false);
    setWithThreadName(false);
    setWithContext(false);
    setWithMDC(false);
    setWithKVPList(false);
    setWithArguments(false);
    setWithMessage(false); // the pattern with its {} holes; the formatted message is the one to read
    setWithFormattedMessage(true);
  }

  @Override
  protected void appendCustomFields(StringBuilder line, ILoggingEvent event) {
    // Logback calls this after its last field and before the closing brace, without a separator.
    line.append(",\"time\":\"").append(Instant.ofEpochMilli(event.getTimeStamp())).append('"');
    JsonStringEncoder quote = JsonStringEncoder.getInstance();
    line.append(",\"logger\":\"").append(quote.quoteAsString(event.getLoggerName())).append('"');
    line.append(",\"message\":\"").append(quote.quoteAsString(event.getFormattedMessage())).append('"');
    List<KeyValuePair> pairs = event.getKeyValuePairs();
    if (pairs == null) {
      return;
    }
    for (KeyValuePair pair : pairs) {
      line.append(",\"").append(quote.quoteAsString(pair.key)).append("\":");
      if (pair.value instanceof Number || pair.value instanceof Boolean) {
        line.append(pair.value);
      } else if (pair.value == null) {
        line.append("null");
      } else {
        line.append('"').append(quote.quoteAsString(String.valueOf(pair.value))).append('"');
      }
    }
  }
}
