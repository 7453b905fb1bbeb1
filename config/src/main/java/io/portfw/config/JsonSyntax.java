package io.portfw.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** What is wrong with a document that is not valid JSON, in plain words where the parser's are its own. */
final class JsonSyntax {

  private static final Pattern LOCATION = Pattern.compile("\\[Source: [^;\\]]*; line: (\\d+)(?:, column: (\\d+))?]");

  private JsonSyntax() {}

  static String describe(JsonProcessingException e) {
    String message = e.getOriginalMessage();
    if (e instanceof StreamConstraintsException) {
      if (message.contains("nesting depth")) {
        return "objects and arrays are nested too deep here (more than "
            + StreamReadConstraints.DEFAULT_MAX_DEPTH + " levels inside one another)";
      }
      if (message.contains("Number value length") || message.contains("Number length")) {
        return "a number here is too long (more than "
            + StreamReadConstraints.DEFAULT_MAX_NUM_LEN + " characters)";
      }
      if (message.contains("String value length") || message.contains("String length")) {
        return "a string here is too long (more than "
            + StreamReadConstraints.DEFAULT_MAX_STRING_LEN + " characters)";
      }
      return "the document exceeds a size limit here";
    }
    // Jackson names a character twice, as itself and as "(code 125)", and a place as "[Source: ...; line: 3,
    // column: 7]": the first only adds noise, the second is said in words.
    Matcher at = LOCATION.matcher(message.replaceAll(" \\(code \\d+\\)", ""));
    StringBuilder out = new StringBuilder();
    while (at.find()) {
      at.appendReplacement(out, Matcher.quoteReplacement("line " + at.group(1)
          + (at.group(2) == null ? "" : ", column " + at.group(2))));
    }
    at.appendTail(out);
    return out.toString().replace("for root ", "for the document ").replace("for Object", "for the object")
        .replace("for Array", "for the array").replace("start marker at", "opened at");
  }
}
