package visq.gpu.data;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * A comma-separated table with a header row, read whole: UTF-8 with or without a byte-order mark, LF or CRLF
 * line ends, fields optionally in double quotes ({@code ""} for a quote inside); blank lines are skipped.
 * Column names are matched case-insensitively. Every row must have as many fields as the header.
 */
final class CsvTable {

    /** A data row and the 1-based line of the file it came from. */
    record Row(int line, List<String> fields) {}

    private final Path file;
    private final Map<String, Integer> columns;
    private final List<Row> rows;

    private CsvTable(Path file, Map<String, Integer> columns, List<Row> rows) {
        this.file = file;
        this.columns = columns;
        this.rows = rows;
    }

    /** Reads {@code file}; the first problem is thrown. */
    static CsvTable read(Path file) throws IOException {
        List<DatasetProblem> problems = new ArrayList<>();
        CsvTable table = read(file, problems);
        if (!problems.isEmpty()) {
            DatasetProblem first = problems.get(0);
            throw first.line() > 0 ? new MalformedDatasetException(file, first.line(), first.message())
                    : new MalformedDatasetException(file, first.message());
        }
        return table;
    }

    /**
     * Reads {@code file}, adding every problem to {@code problems}: a row with the wrong number of fields or an
     * unclosed quote is reported and left out; a table without a header has no columns and no rows.
     */
    static CsvTable read(Path file, List<DatasetProblem> problems) throws IOException {
        String text = Files.readString(file, StandardCharsets.UTF_8);
        if (text.startsWith("\uFEFF")) {
            text = text.substring(1);
        }
        String[] lines = text.split("\r?\n", -1);
        Map<String, Integer> columns = new HashMap<>();
        List<Row> rows = new ArrayList<>();
        int headerSize = -1;
        for (int i = 0; i < lines.length; i++) {
            int lineNumber = i + 1;
            if (lines[i].isBlank()) {
                continue;
            }
            List<String> fields = split(lines[i]);
            if (fields == null) {
                problems.add(DatasetProblem.at(file, lineNumber, "has a quote that is never closed"));
                if (headerSize < 0) {
                    return new CsvTable(file, Map.of(), List.of());
                }
            } else if (headerSize < 0) {
                headerSize = fields.size();
                for (int c = 0; c < fields.size(); c++) {
                    String name = fields.get(c).trim().toLowerCase(Locale.ROOT);
                    if (columns.putIfAbsent(name, c) != null) {
                        problems.add(DatasetProblem.at(file, lineNumber, "column '" + name + "' appears twice"));
                    }
                }
            } else if (fields.size() != headerSize) {
                problems.add(DatasetProblem.at(file, lineNumber,
                        "has " + fields.size() + " fields, the header has " + headerSize));
            } else {
                rows.add(new Row(lineNumber, List.copyOf(fields)));
            }
        }
        if (headerSize < 0) {
            problems.add(DatasetProblem.of(file, "is empty: no header row"));
        }
        return new CsvTable(file, Map.copyOf(columns), List.copyOf(rows));
    }

    Path file() {
        return file;
    }

    List<Row> rows() {
        return rows;
    }

    /** The index of column {@code name}, or empty when the header lacks it. */
    Optional<Integer> column(String name) {
        return Optional.ofNullable(columns.get(name.toLowerCase(Locale.ROOT)));
    }

    /** The index of column {@code name}; a header without it is malformed. */
    int requireColumn(String name) throws MalformedDatasetException {
        Optional<Integer> column = column(name);
        if (column.isEmpty()) {
            throw new MalformedDatasetException(file, 1, "header lacks the column '" + name + "'");
        }
        return column.get();
    }

    /** The trimmed field at {@code column} of {@code row}. */
    static String field(Row row, int column) {
        return row.fields().get(column).trim();
    }

    /** The finite number at {@code column} of {@code row}, or a malformed-row error naming the column. */
    double number(Row row, int column, String name) throws MalformedDatasetException {
        String text = field(row, column);
        double value;
        try {
            value = Double.parseDouble(text);
        } catch (NumberFormatException e) {
            throw new MalformedDatasetException(file, row.line(), name + " '" + text + "' is not a number");
        }
        if (!Double.isFinite(value)) {
            throw new MalformedDatasetException(file, row.line(), name + " '" + text + "' is not finite");
        }
        return value;
    }

    /** The fields of {@code line}, or null when a quote is never closed. */
    /** The finite number in {@code text}, or empty with a problem naming {@code name} added to {@code problems}. */
    static java.util.OptionalDouble number(Path file, int line, String text, String name,
            List<DatasetProblem> problems) {
        double value;
        try {
            value = Double.parseDouble(text);
        } catch (NumberFormatException e) {
            problems.add(DatasetProblem.at(file, line, name + " '" + text + "' is not a number"));
            return java.util.OptionalDouble.empty();
        }
        if (!Double.isFinite(value)) {
            problems.add(DatasetProblem.at(file, line, name + " '" + text + "' is not finite"));
            return java.util.OptionalDouble.empty();
        }
        return java.util.OptionalDouble.of(value);
    }

    /** The first of {@code names} the header has. */
    Optional<Integer> column(String... names) {
        for (String name : names) {
            Optional<Integer> column = column(name);
            if (column.isPresent()) {
                return column;
            }
        }
        return Optional.empty();
    }

    /** Whether the table has a header at all. */
    boolean hasHeader() {
        return !columns.isEmpty();
    }

    private static List<String> split(String line) {
        List<String> fields = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quoted) {
                if (c == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
                    field.append('"');
                    i++;
                } else if (c == '"') {
                    quoted = false;
                } else {
                    field.append(c);
                }
            } else if (c == '"') {
                quoted = true;
            } else if (c == ',') {
                fields.add(field.toString());
                field.setLength(0);
            } else {
                field.append(c);
            }
        }
        if (quoted) {
            return null;
        }
        fields.add(field.toString());
        return fields;
    }
}
