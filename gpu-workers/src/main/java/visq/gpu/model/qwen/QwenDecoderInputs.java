package visq.gpu.model.qwen;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The decoder's inputs for rows of encoded prompts: the embedded ids with each row's image-pad tokens replaced by
 * the vision tower's merged tokens, and the multimodal rotary angles of each row's positions.
 */
final class QwenDecoderInputs {

    private final QwenModelParts parts;
    private final MultimodalRotary rotary;

    QwenDecoderInputs(QwenModelParts parts, MultimodalRotary rotary) {
        this.parts = parts;
        this.rotary = rotary;
    }

    /**
     * {@code [rows, length, hidden]}: each row's prompt ids followed by its suffix ids, embedded, with the row's
     * image-pad tokens replaced in order by the vision tower's merged tokens of its images.
     */
    NDArray embedRows(NDManager scope, QwenDecoderWeights weights, Function<String, NDArray> views,
            List<EncodedPrompt> prompts, List<long[]> suffixes, int length) {
        QwenVisionTower tower = new QwenVisionTower(parts.family(), parts.vision(), views);
        Map<EncodedPrompt, NDArray> vision = new IdentityHashMap<>();
        NDArray[] rows = new NDArray[prompts.size()];
        for (int r = 0; r < prompts.size(); r++) {
            EncodedPrompt prompt = prompts.get(r);
            long[] ids = new long[length];
            System.arraycopy(prompt.ids(), 0, ids, 0, prompt.length());
            if (!suffixes.isEmpty()) {
                long[] suffix = suffixes.get(r);
                System.arraycopy(suffix, 0, ids, prompt.length(), length - prompt.length());
            }
            NDArray tokens = weights.embedding().get(scope.create(ids));
            if (prompt.images().isEmpty()) {
                rows[r] = tokens;
                continue;
            }
            NDArray merged = vision.computeIfAbsent(prompt, p -> visionTokens(scope, tower, p));
            long[] gather = new long[length];
            int next = 0;
            for (int i = 0; i < length; i++) {
                gather[i] = i < prompt.length() && ids[i] == parts.imageTokenId() ? length + next++ : i;
            }
            if (next != merged.getShape().get(0)) {
                throw new IllegalStateException("prompt holds " + next + " image tokens, its images give "
                        + merged.getShape().get(0));
            }
            rows[r] = tokens.concat(merged, 0).get(scope.create(gather));
        }
        return NDArrays.stack(new NDList(rows), 0);
    }

    private NDArray visionTokens(NDManager scope, QwenVisionTower tower, EncodedPrompt prompt) {
        int values = 0;
        List<VisionGrid> grids = new ArrayList<>(prompt.images().size());
        for (PatchedImage image : prompt.images()) {
            values += image.pixelValues().length;
            grids.add(new VisionGrid(image.gridT(), image.gridH(), image.gridW()));
        }
        float[] pixels = new float[values];
        int at = 0;
        for (PatchedImage image : prompt.images()) {
            float[] own = image.pixelValues();
            System.arraycopy(own, 0, pixels, at, own.length);
            at += own.length;
        }
        return tower.embed(scope, pixels, grids);
    }

    /** Rotary angles of sequence indexes {@code from} (inclusive) to {@code to} of each row. */
    NDArray[] cosSin(NDManager scope, List<EncodedPrompt> prompts, int from, int to) {
        int length = to - from;
        long[][] positions = new long[3][prompts.size() * length];
        for (int r = 0; r < prompts.size(); r++) {
            for (int i = 0; i < length; i++) {
                for (int axis = 0; axis < 3; axis++) {
                    positions[axis][r * length + i] = prompts.get(r).position(axis, from + i);
                }
            }
        }
        return rotary.cosSin(scope, positions, prompts.size(), length);
    }
}
