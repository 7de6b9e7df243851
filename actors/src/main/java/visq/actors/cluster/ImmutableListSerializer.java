package visq.actors.cluster;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.Serializer;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import java.util.ArrayList;
import java.util.List;

/** Writes any list as size + elements and reads it back as an unmodifiable {@code List.copyOf}. */
final class ImmutableListSerializer extends Serializer<List<Object>> {

    ImmutableListSerializer() {
        super(false, true);
    }

    @Override
    public void write(Kryo kryo, Output output, List<Object> list) {
        output.writeVarInt(list.size(), true);
        for (Object element : list) {
            kryo.writeClassAndObject(output, element);
        }
    }

    @Override
    public List<Object> read(Kryo kryo, Input input, Class<? extends List<Object>> type) {
        int size = input.readVarInt(true);
        List<Object> elements = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            elements.add(kryo.readClassAndObject(input));
        }
        return List.copyOf(elements);
    }
}
