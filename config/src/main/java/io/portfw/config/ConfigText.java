package io.portfw.config;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;

/** A config file's bytes as text: UTF-8, or an error naming the first byte that is not. */
final class ConfigText {

  private ConfigText() {}

  /** The file's text, without a leading byte order mark; a ConfigException at the first bad byte otherwise. */
  static String decode(byte[] bytes, String source) throws ConfigException {
    CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT);
    ByteBuffer in = ByteBuffer.wrap(bytes);
    CharBuffer out = CharBuffer.allocate(bytes.length);
    CoderResult result = decoder.decode(in, out, true);
    if (result.isError()) {
      int offset = in.position();
      throw new ConfigException(source, List.of(new ConfigError("line " + lineOf(bytes, offset) + ", byte " + offset,
          String.format(Locale.ROOT, "the file is not UTF-8 text: byte 0x%02X at offset %d cannot start or continue "
              + "a UTF-8 character (save the file as UTF-8)", bytes[offset] & 0xff, offset))));
    }
    decoder.flush(out);
    out.flip();
    String text = out.toString();
    return text.startsWith("\uFEFF") ? text.substring(1) : text;
  }

  /** A read failure in words: the exception's own message is often only the file name again. */
  static String describe(Exception e) {
    String message = e.getMessage();
    String kind = e.getClass().getSimpleName().replaceAll("(Exception|Error)$", "")
        .replaceAll("([a-z])([A-Z])", "$1 $2").toLowerCase(Locale.ROOT);
    if (e instanceof CharacterCodingException) {
      return "not UTF-8 text";
    }
    return message == null || message.isBlank() ? kind : kind + " (" + message + ")";
  }

  private static int lineOf(byte[] bytes, int offset) {
    int line = 1;
    for (int i = 0; i < offset; i++) {
      if (bytes[i] == '\n') {
        line++;
      }
    }
    return line;
  }
}
