package visq.gpu.model.qwen;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.util.Arrays;
import java.util.Objects;

/**
 * Value comparison and display of the configuration records, whose array components a record's own
 * {@code equals} and {@code toString} compare and print by identity.
 */
final class QwenCheckpointRecords {

    private QwenCheckpointRecords() {}

    /** Whether records {@code a} and {@code b} are of one class and have equal components, arrays by content. */
    static boolean equal(Record a, Record b) {
        if (a == null || b == null || a.getClass() != b.getClass()) {
            return a == b;
        }
        for (RecordComponent component : a.getClass().getRecordComponents()) {
            if (!Objects.deepEquals(value(component, a), value(component, b))) {
                return false;
            }
        }
        return true;
    }

    /** {@code record} as {@code Name[a=1, b=[1, 2]]}, arrays by content. */
    static String describe(Record record) {
        if (record == null) {
            return "null";
        }
        StringBuilder text = new StringBuilder(record.getClass().getSimpleName()).append('[');
        RecordComponent[] components = record.getClass().getRecordComponents();
        for (int i = 0; i < components.length; i++) {
            String shown = Arrays.deepToString(new Object[] {value(components[i], record)});
            text.append(i == 0 ? "" : ", ").append(components[i].getName()).append('=')
                    .append(shown, 1, shown.length() - 1);
        }
        return text.append(']').toString();
    }

    private static Object value(RecordComponent component, Record record) {
        try {
            return component.getAccessor().invoke(record);
        } catch (IllegalAccessException | InvocationTargetException e) {
            throw new IllegalStateException("cannot read " + component.getName() + " of " + record.getClass(), e);
        }
    }
}
