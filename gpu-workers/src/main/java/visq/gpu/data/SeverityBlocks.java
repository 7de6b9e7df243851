package visq.gpu.data;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import visq.gpu.image.DegradationClass;
import visq.gpu.image.DegradationLabel;

/**
 * Ranking groups of a generated degradation set: for every source crop and degradation class, the crop's clean
 * version and its five severities of that class make a chain whose order is known without any opinion score (more
 * severe is worse); a block is {@code size} members of one chain, drawn with a seed. The severity proxy score of
 * such samples ({@link DegradationSet#proxyMos}) only orders crops within one chain, so a reward that compares scores
 * (VisualQuality-R1's fidelity) must see one block at a time.
 */
public final class SeverityBlocks {

    private SeverityBlocks() {}

    /**
     * Blocks of {@code size} samples of one chain (source crop × class), chains in the order of their first samples:
     * a chain's members are shuffled with the seed and cut into ⌈members / size⌉ blocks, the last one wrapping around
     * to the first members, so every member ranks in some block. Each block is ordered from clean to most severe.
     *
     * @throws IllegalArgumentException when a sample is not generated or a chain has fewer than {@code size} members
     */
    public static List<List<IqaSample>> of(List<IqaSample> samples, int size, long seed) {
        if (size < 2) {
            throw new IllegalArgumentException("a ranking block needs at least 2 samples, got " + size);
        }
        Map<String, IqaSample> clean = new LinkedHashMap<>();
        Map<String, List<IqaSample>> chains = new LinkedHashMap<>();
        for (IqaSample sample : samples) {
            DegradationLabel label = sample.label().orElseThrow(() -> new IllegalArgumentException(
                    "sample " + sample.id() + " has no degradation label to rank by"));
            String crop = DegradationSet.sourceCrop(sample);
            if (label.isNone()) {
                clean.put(crop, sample);
            } else {
                DegradationClass degradation = label.degradationClass().orElseThrow();
                chains.computeIfAbsent(crop + "/" + degradation.answerName(), k -> new ArrayList<>()).add(sample);
            }
        }
        Random random = new Random(seed);
        List<List<IqaSample>> blocks = new ArrayList<>();
        for (Map.Entry<String, List<IqaSample>> chain : chains.entrySet()) {
            List<IqaSample> members = new ArrayList<>(chain.getValue());
            IqaSample cleanCrop = clean.get(chain.getKey().substring(0, chain.getKey().lastIndexOf('/')));
            if (cleanCrop != null) {
                members.add(cleanCrop);
            }
            if (members.size() < size) {
                throw new IllegalArgumentException("ranking chain " + chain.getKey() + " has " + members.size()
                        + " crops, fewer than a block of " + size);
            }
            members.sort(Comparator.comparing(SeverityBlocks::level).thenComparing(IqaSample::id));
            Collections.shuffle(members, random);
            int count = (members.size() + size - 1) / size;
            for (int b = 0; b < count; b++) {
                List<IqaSample> block = new ArrayList<>(size);
                for (int k = 0; k < size; k++) {
                    block.add(members.get((b * size + k) % members.size()));
                }
                block.sort(Comparator.comparing(SeverityBlocks::level).thenComparing(IqaSample::id));
                blocks.add(List.copyOf(block));
            }
        }
        return blocks;
    }

    private static int level(IqaSample sample) {
        return sample.label().flatMap(DegradationLabel::severity).map(s -> s.level()).orElse(0);
    }
}
