package visq.gpu.model.qwen;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import visq.gpu.model.checkpoint.InvalidCheckpointException;

/**
 * A checkpoint's generation defaults (generation_config.json): which ids end a response and, where the file sets
 * them, the sampling settings transformers' {@code generate} would use. Absent fields fall back to config.json
 * ({@code eos_token_id}, {@code pad_token_id}, {@code bos_token_id}); the sampling fields stay empty.
 *
 * @param eosTokenIds ids that end generation (Qwen's Instruct checkpoints: {@code <|im_end|>} and
 *     {@code <|endoftext|>})
 * @param padTokenId the padding id, if set
 * @param bosTokenId the beginning-of-sequence id, if set
 * @param doSample whether {@code generate} samples by default (false when unset)
 * @param temperature default sampling temperature
 * @param topK default top-k
 * @param topP default nucleus mass
 * @param repetitionPenalty default repetition penalty
 * @param maxNewTokens default limit on new tokens
 */
public record QwenGenerationConfig(
        int[] eosTokenIds,
        OptionalInt padTokenId,
        OptionalInt bosTokenId,
        boolean doSample,
        OptionalDouble temperature,
        OptionalInt topK,
        OptionalDouble topP,
        OptionalDouble repetitionPenalty,
        OptionalInt maxNewTokens) {

    public QwenGenerationConfig {
        eosTokenIds = eosTokenIds.clone();
    }

    @Override
    public int[] eosTokenIds() {
        return eosTokenIds.clone();
    }

    /** The defaults config.json implies when there is no generation_config.json. */
    public static QwenGenerationConfig of(QwenCheckpointConfig config) {
        return new QwenGenerationConfig(config.eosTokenIds(), config.padTokenId(), config.bosTokenId(), false,
                OptionalDouble.empty(), OptionalInt.empty(), OptionalDouble.empty(), OptionalDouble.empty(),
                OptionalInt.empty());
    }

    /**
     * Reads {@code file} (generation_config.json), or returns {@link #of(QwenCheckpointConfig)} when it does not
     * exist.
     *
     * @throws InvalidCheckpointException naming the file and field of an ill-typed or out-of-range value
     */
    public static QwenGenerationConfig read(Path file, QwenCheckpointConfig config) {
        if (!Files.exists(file)) {
            return of(config);
        }
        QwenCheckpointJson json = QwenCheckpointJson.read(file);
        int[] eos = json.optionalIntOrIntArray("eos_token_id").orElse(config.eosTokenIds());
        OptionalInt pad = json.optionalInt("pad_token_id");
        OptionalInt bos = json.optionalInt("bos_token_id");
        OptionalDouble temperature = json.optionalDouble("temperature");
        if (temperature.isPresent() && !(temperature.getAsDouble() > 0)) {
            throw json.error("temperature", "must be positive");
        }
        OptionalDouble topP = json.optionalDouble("top_p");
        if (topP.isPresent() && !(topP.getAsDouble() > 0 && topP.getAsDouble() <= 1)) {
            throw json.error("top_p", "must be in (0, 1]");
        }
        OptionalInt topK = json.optionalInt("top_k");
        if (topK.isPresent() && topK.getAsInt() < 0) {
            throw json.error("top_k", "must not be negative");
        }
        OptionalInt maxNew = json.optionalInt("max_new_tokens");
        if (maxNew.isPresent() && maxNew.getAsInt() <= 0) {
            throw json.error("max_new_tokens", "must be positive");
        }
        Optional<Boolean> doSample = json.optionalBoolean("do_sample");
        return new QwenGenerationConfig(eos,
                pad.isPresent() ? pad : config.padTokenId(),
                bos.isPresent() ? bos : config.bosTokenId(),
                doSample.orElse(false), temperature, topK, topP, json.optionalDouble("repetition_penalty"), maxNew);
    }

    @Override
    public boolean equals(Object other) {
        if (!(other instanceof QwenGenerationConfig)) {
            return false;
        }
        QwenGenerationConfig that = (QwenGenerationConfig) other;
        return Arrays.equals(eosTokenIds, that.eosTokenIds) && padTokenId.equals(that.padTokenId)
                && bosTokenId.equals(that.bosTokenId) && doSample == that.doSample
                && temperature.equals(that.temperature) && topK.equals(that.topK) && topP.equals(that.topP)
                && repetitionPenalty.equals(that.repetitionPenalty) && maxNewTokens.equals(that.maxNewTokens);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(eosTokenIds) * 31 + padTokenId.hashCode();
    }

    @Override
    public String toString() {
        return "QwenGenerationConfig[eosTokenIds=" + Arrays.toString(eosTokenIds) + ", padTokenId=" + padTokenId
                + ", bosTokenId=" + bosTokenId + ", doSample=" + doSample + ", temperature=" + temperature
                + ", topK=" + topK + ", topP=" + topP + ", repetitionPenalty=" + repetitionPenalty
                + ", maxNewTokens=" + maxNewTokens + "]";
    }
}
