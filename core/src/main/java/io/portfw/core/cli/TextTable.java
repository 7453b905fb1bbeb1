package io.portfw.core.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** A plain-text table with aligned columns, numbers right-aligned, as {@code netstat} prints them. */
final class TextTable {

  private final String[] header;
  private final Set<Integer> numeric;
  private final List<String[]> rows = new ArrayList<>();

  TextTable(Set<Integer> numericColumns, String... header) {
    this.header = header;
    this.numeric = numericColumns;
  }

  TextTable row(String... cells) {
    if (cells.length != header.length) {
      throw new IllegalArgumentException(cells.length + " cells for " + header.length + " columns");
    }
    rows.add(cells);
    return this;
  }

  @Override
  public String toString() {
    List<String[]> all = new ArrayList<>();
    all.add(header);
    all.addAll(rows);
    int[] width = new int[header.length];
    for (String[] row : all) {
      for (int i = 0; i < row.length; i++) {
        width[i] = Math.max(width[i], row[i].length());
      }
    }
    StringBuilder out = new StringBuilder();
    for (String[] row : all) {
      StringBuilder line = new StringBuilder();
      for (int i = 0; i < row.length; i++) {
        String pad = " ".repeat(width[i] - row[i].length());
        line.append(numeric.contains(i) ? pad + row[i] : row[i] + pad);
        if (i < row.length - 1) {
          line.append("  ");
        }
      }
      out.append(line.toString().stripTrailing()).append(System.lineSeparator());
    }
    return out.toString();
  }
}
