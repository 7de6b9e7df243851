package visq.gpu.eval;

import java.util.Locale;

/**
 * A small streaming JSON writer with two-space indentation: strings are escaped per RFC 8259 and non-finite
 * numbers are written as {@code null}. Callers open and close objects and arrays in order.
 */
final class JsonText {

    private final StringBuilder out = new StringBuilder();
    private int depth;
    private boolean first = true;

    JsonText beginObject() {
        separator();
        return open('{');
    }

    JsonText beginObject(String name) {
        key(name);
        return open('{');
    }

    JsonText endObject() {
        return close('}');
    }

    JsonText beginArray(String name) {
        key(name);
        return open('[');
    }

    JsonText endArray() {
        return close(']');
    }

    JsonText field(String name, String value) {
        key(name);
        out.append(value == null ? "null" : quote(value));
        return this;
    }

    JsonText field(String name, double value) {
        key(name);
        out.append(number(value));
        return this;
    }

    JsonText field(String name, long value) {
        key(name);
        out.append(value);
        return this;
    }

    JsonText field(String name, boolean value) {
        key(name);
        out.append(value);
        return this;
    }

    JsonText nullField(String name) {
        key(name);
        out.append("null");
        return this;
    }

    /** An array element that is a number. */
    JsonText element(double value) {
        separator();
        out.append(number(value));
        return this;
    }

    /** An array element that is a string. */
    JsonText element(String value) {
        separator();
        out.append(quote(value));
        return this;
    }

    /** An array element that is an integer. */
    JsonText element(long value) {
        separator();
        out.append(value);
        return this;
    }

    @Override
    public String toString() {
        return out.toString();
    }

    /** {@code value} as a JSON number: integers without a fraction, others with full precision, NaN as null. */
    static String number(double value) {
        if (!Double.isFinite(value)) {
            return "null";
        }
        if (value == Math.rint(value) && Math.abs(value) < 1e15) {
            return String.format(Locale.ROOT, "%.1f", value);
        }
        return Double.toString(value);
    }

    /** {@code value} as a quoted JSON string. */
    static String quote(String value) {
        StringBuilder q = new StringBuilder(value.length() + 2).append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"':
                    q.append("\\\"");
                    break;
                case '\\':
                    q.append("\\\\");
                    break;
                case '\n':
                    q.append("\\n");
                    break;
                case '\r':
                    q.append("\\r");
                    break;
                case '\t':
                    q.append("\\t");
                    break;
                case '\b':
                    q.append("\\b");
                    break;
                case '\f':
                    q.append("\\f");
                    break;
                default:
                    if (c < 0x20 || c == '\u2028' || c == '\u2029') {
                        q.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                    } else {
                        q.append(c);
                    }
            }
        }
        return q.append('"').toString();
    }

    private JsonText open(char bracket) {
        out.append(bracket);
        depth++;
        first = true;
        return this;
    }

    private JsonText close(char bracket) {
        depth--;
        if (!first) {
            newline();
        }
        out.append(bracket);
        first = false;
        return this;
    }

    private void key(String name) {
        separator();
        out.append(quote(name)).append(": ");
    }

    private void separator() {
        if (depth == 0) {
            return;
        }
        if (!first) {
            out.append(',');
        }
        newline();
        first = false;
    }

    private void newline() {
        out.append('\n');
        for (int i = 0; i < depth; i++) {
            out.append("  ");
        }
    }
}
