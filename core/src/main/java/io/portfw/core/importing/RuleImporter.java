package io.portfw.core.importing;

import java.util.List;

/** Reads one kind of forwarding rules into a config draft, reporting what each line became. */
public interface RuleImporter {

  /** Adds what {@code lines} (the input, in order) describe; throws when the input is not of this kind. */
  void read(List<String> lines, ConfigDraft draft, ImportReport report) throws ImportException;
}
