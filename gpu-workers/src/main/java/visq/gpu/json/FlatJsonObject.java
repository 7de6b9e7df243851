package visq.gpu.json;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;

/**
 * One flat JSON object: string keys mapped to strings, numbers, booleans or null, as RFC 8259 writes them.
 * Nested objects and arrays, duplicate keys, NaN/Infinity and any text after the closing brace are rejected;
 * surrounding whitespace is allowed.
 */
public final class FlatJsonObject {

    /** Marks a JSON {@code null} value inside {@link #values}. */
    private static final Object NULL = new Object();

    /** A number as written (its literal) and as a double. */
    private record NumberLiteral(String literal, double value) {}

    private final Map<String, Object> values;

    private FlatJsonObject(Map<String, Object> values) {
        this.values = Collections.unmodifiableMap(values);
    }

    /** Parses {@code text}, which must hold exactly one flat object. */
    public static FlatJsonObject parse(String text) throws MalformedJsonException {
        return new Reader(text).readDocument();
    }

    public boolean has(String key) {
        return values.containsKey(key);
    }

    /** True when {@code key} is present with the value {@code null}. */
    public boolean isNull(String key) {
        return values.get(key) == NULL;
    }

    /** The number under {@code key}, empty when absent or not a number. */
    public OptionalDouble number(String key) {
        Object value = values.get(key);
        return value instanceof NumberLiteral number ? OptionalDouble.of(number.value()) : OptionalDouble.empty();
    }

    /**
     * The number under {@code key} when it is written as an integer that fits a {@code long} (exactly, even beyond
     * 2^53, where a double would round it); empty when absent, not a number, or not such an integer.
     */
    public OptionalLong integer(String key) {
        if (!(values.get(key) instanceof NumberLiteral number)) {
            return OptionalLong.empty();
        }
        try {
            return OptionalLong.of(Long.parseLong(number.literal()));
        } catch (NumberFormatException notAnInteger) {
            return OptionalLong.empty();
        }
    }

    /** The string under {@code key}, empty when absent or not a string. */
    public Optional<String> string(String key) {
        Object value = values.get(key);
        return value instanceof String ? Optional.of((String) value) : Optional.empty();
    }

    public int size() {
        return values.size();
    }

    /** A single-pass recursive-descent reader over one text. */
    private static final class Reader {
        private final String text;
        private int pos;

        Reader(String text) {
            this.text = text;
        }

        FlatJsonObject readDocument() throws MalformedJsonException {
            skipWhitespace();
            expect('{');
            Map<String, Object> values = new LinkedHashMap<>();
            skipWhitespace();
            if (peek() == '}') {
                pos++;
            } else {
                while (true) {
                    skipWhitespace();
                    String key = readString();
                    if (values.containsKey(key)) {
                        throw new MalformedJsonException("duplicate key \"" + key + "\"");
                    }
                    skipWhitespace();
                    expect(':');
                    skipWhitespace();
                    values.put(key, readScalar());
                    skipWhitespace();
                    char next = next();
                    if (next == '}') {
                        break;
                    }
                    if (next != ',') {
                        throw new MalformedJsonException("expected ',' or '}' at " + (pos - 1));
                    }
                }
            }
            skipWhitespace();
            if (pos != text.length()) {
                throw new MalformedJsonException("text after the object at " + pos);
            }
            return new FlatJsonObject(values);
        }

        private Object readScalar() throws MalformedJsonException {
            char c = peek();
            if (c == '"') {
                return readString();
            }
            if (c == '{' || c == '[') {
                throw new MalformedJsonException("nested value at " + pos + " (only flat objects are accepted)");
            }
            if (c == '-' || (c >= '0' && c <= '9')) {
                return readNumber();
            }
            if (text.startsWith("true", pos)) {
                pos += 4;
                return Boolean.TRUE;
            }
            if (text.startsWith("false", pos)) {
                pos += 5;
                return Boolean.FALSE;
            }
            if (text.startsWith("null", pos)) {
                pos += 4;
                return NULL;
            }
            throw new MalformedJsonException("unexpected value at " + pos);
        }

        private NumberLiteral readNumber() throws MalformedJsonException {
            int start = pos;
            if (peek() == '-') {
                pos++;
            }
            if (peek() == '0') {
                pos++;
            } else if (isDigit(peek())) {
                digits();
            } else {
                throw new MalformedJsonException("malformed number at " + start);
            }
            if (peek() == '.') {
                pos++;
                if (!isDigit(peek())) {
                    throw new MalformedJsonException("malformed fraction at " + start);
                }
                digits();
            }
            if (peek() == 'e' || peek() == 'E') {
                pos++;
                if (peek() == '+' || peek() == '-') {
                    pos++;
                }
                if (!isDigit(peek())) {
                    throw new MalformedJsonException("malformed exponent at " + start);
                }
                digits();
            }
            double value = Double.parseDouble(text.substring(start, pos));
            if (Double.isInfinite(value)) {
                throw new MalformedJsonException("number out of range at " + start);
            }
            return new NumberLiteral(text.substring(start, pos), value);
        }

        private void digits() {
            while (isDigit(peek())) {
                pos++;
            }
        }

        private String readString() throws MalformedJsonException {
            expect('"');
            StringBuilder out = new StringBuilder();
            while (true) {
                char c = next();
                if (c == '"') {
                    return out.toString();
                }
                if (c < 0x20) {
                    throw new MalformedJsonException("control character in string at " + (pos - 1));
                }
                if (c != '\\') {
                    out.append(c);
                    continue;
                }
                char escape = next();
                switch (escape) {
                    case '"': out.append('"'); break;
                    case '\\': out.append('\\'); break;
                    case '/': out.append('/'); break;
                    case 'b': out.append('\b'); break;
                    case 'f': out.append('\f'); break;
                    case 'n': out.append('\n'); break;
                    case 'r': out.append('\r'); break;
                    case 't': out.append('\t'); break;
                    case 'u': out.append(readHexChar()); break;
                    default: throw new MalformedJsonException("bad escape at " + (pos - 1));
                }
            }
        }

        private char readHexChar() throws MalformedJsonException {
            if (pos + 4 > text.length()) {
                throw new MalformedJsonException("truncated \\u escape");
            }
            try {
                char c = (char) Integer.parseInt(text.substring(pos, pos + 4), 16);
                pos += 4;
                return c;
            } catch (NumberFormatException e) {
                throw new MalformedJsonException("bad \\u escape at " + pos);
            }
        }

        private void skipWhitespace() {
            while (pos < text.length()) {
                char c = text.charAt(pos);
                if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
                    return;
                }
                pos++;
            }
        }

        private void expect(char wanted) throws MalformedJsonException {
            if (next() != wanted) {
                throw new MalformedJsonException("expected '" + wanted + "' at " + (pos - 1));
            }
        }

        private char next() throws MalformedJsonException {
            if (pos >= text.length()) {
                throw new MalformedJsonException("unexpected end of text");
            }
            return text.charAt(pos++);
        }

        private char peek() {
            return pos < text.length() ? text.charAt(pos) : '\0';
        }

        private static boolean isDigit(char c) {
            return c >= '0' && c <= '9';
        }
    }
}
