package visq.actors.cluster;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.Serializer;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import visq.actors.rollout.TokenIds;

/** Writes {@link TokenIds} as their count and one positive-optimised varint per id (1 to 3 bytes for a vocabulary). */
final class TokenIdsSerializer extends Serializer<TokenIds> {

    TokenIdsSerializer() {
        super(false, true);
    }

    @Override
    public void write(Kryo kryo, Output output, TokenIds tokens) {
        output.writeVarInt(tokens.size(), true);
        for (int i = 0; i < tokens.size(); i++) {
            output.writeVarInt(tokens.get(i), true);
        }
    }

    @Override
    public TokenIds read(Kryo kryo, Input input, Class<? extends TokenIds> type) {
        int[] ids = new int[input.readVarInt(true)];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = input.readVarInt(true);
        }
        return TokenIds.of(ids);
    }
}
