package io.portfw.core.cli;

import io.vertx.core.json.JsonObject;
import java.io.PrintWriter;
import java.util.Locale;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;

/**
 * The {@code -o/--output} option of the commands scripts read ({@code status}, {@code connections},
 * {@code check}): a table for people, or one JSON document on standard output with the admin
 * API's fields. In json mode a failure is a JSON document too ({@code {"error": ...}}), besides
 * the usual line on standard error, and the exit code is the same as in text mode.
 */
final class OutputOption {

  /** What the command prints. */
  enum Format { TEXT, JSON }

  @Option(names = {"-o", "--output"}, defaultValue = "text", paramLabel = "FORMAT", converter = FormatConverter.class,
      description = "text (default) or json: one JSON document with the admin API's fields, for scripts")
  Format format;

  boolean json() {
    return format == Format.JSON;
  }

  /** Pretty-printed: one key a line is what a person reading a script's log can follow too. */
  static String render(JsonObject document) {
    return document.encodePrettily() + System.lineSeparator();
  }

  /** In json mode, the failure as a document on standard output; text mode has only the standard error line. */
  void failure(PrintWriter out, String message) {
    if (json()) {
      out.print(render(new JsonObject().put("error", message)));
      out.flush();
    }
  }

  /** {@code text} or {@code json}, in any case; anything else is a command-line error (exit 2). */
  static final class FormatConverter implements ITypeConverter<Format> {
    @Override
    public Format convert(String value) {
      return switch (value.toLowerCase(Locale.ROOT)) {
        case "text" -> Format.TEXT;
        case "json" -> Format.JSON;
        default -> throw new TypeConversionException("expected text or json, not '" + value + "'");
      };
    }
  }
}
