package visq.deploy.eval;

import java.util.List;

/** One CSV line: fields joined by commas, a field with a comma, quote or line break quoted ({@code ""} inside). */
public final class CsvLine {
    private CsvLine() {}

    public static String of(List<String> fields) {
        StringBuilder line = new StringBuilder();
        for (int i = 0; i < fields.size(); i++) {
            if (i > 0) {
                line.append(',');
            }
            String field = fields.get(i);
            if (field.contains(",") || field.contains("\"") || field.contains("\n") || field.contains("\r")) {
                line.append('"').append(field.replace("\"", "\"\"")).append('"');
            } else {
                line.append(field);
            }
        }
        return line.append('\n').toString();
    }
}
