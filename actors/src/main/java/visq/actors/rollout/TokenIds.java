package visq.actors.rollout;

import java.util.Arrays;

/**
 * The token ids of one response as a primitive array that cannot change: equal by content, copied in and out. It
 * crosses nodes with its own Kryo serializer (a length and one varint per token), never as boxed integers.
 */
public final class TokenIds {
    private final int[] ids;

    private TokenIds(int[] ids) {
        this.ids = ids;
    }

    /** The ids, copied. */
    public static TokenIds of(int... ids) {
        return new TokenIds(ids.clone());
    }

    public int size() {
        return ids.length;
    }

    public int get(int index) {
        return ids[index];
    }

    /** A copy of the ids. */
    public int[] toArray() {
        return ids.clone();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof TokenIds that && Arrays.equals(ids, that.ids);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(ids);
    }

    @Override
    public String toString() {
        return Arrays.toString(ids);
    }
}
