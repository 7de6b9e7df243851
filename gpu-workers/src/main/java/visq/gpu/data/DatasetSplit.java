package visq.gpu.data;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * A fixed training/validation split by group, so that images sharing a source (the crops and degradations of
 * one Kodak picture; for CLIVE, each image alone) never fall on both sides.
 *
 * <p>The groups are sorted, shuffled with the seed and the first {@code round(fraction × groups)} go to
 * validation (at least one and at most all but one when there are two or more groups and the fraction is
 * positive). The result depends only on the seed, the fraction and the set of groups, not on sample order;
 * within each part samples keep their input order.
 *
 * @param seed the shuffle seed
 * @param validationFraction the share of groups held out, in [0, 1)
 */
public record DatasetSplit(long seed, double validationFraction) {

    /** The two sides of a split. */
    public record Parts(List<IqaSample> training, List<IqaSample> validation) {
        public Parts {
            training = List.copyOf(training);
            validation = List.copyOf(validation);
        }
    }

    public DatasetSplit {
        if (!(validationFraction >= 0 && validationFraction < 1)) {
            throw new IllegalArgumentException("validation fraction must be in [0, 1), got " + validationFraction);
        }
    }

    /** Splits {@code samples} so that all samples with the same {@code groupKey} land on the same side. */
    public Parts split(List<IqaSample> samples, Function<IqaSample, String> groupKey) {
        List<String> groups = new ArrayList<>(new TreeSet<>(samples.stream().map(groupKey).toList()));
        SplittableRandom random = new SplittableRandom(seed);
        for (int i = groups.size() - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            String swap = groups.get(i);
            groups.set(i, groups.get(j));
            groups.set(j, swap);
        }
        Set<String> held = new HashSet<>(groups.subList(0, validationGroupCount(groups.size())));
        List<IqaSample> training = new ArrayList<>();
        List<IqaSample> validation = new ArrayList<>();
        for (IqaSample sample : samples) {
            (held.contains(groupKey.apply(sample)) ? validation : training).add(sample);
        }
        return new Parts(training, validation);
    }

    /** The group of a MOS-dataset sample: the image itself. */
    public static String byImage(IqaSample sample) {
        return sample.id();
    }

    private int validationGroupCount(int groups) {
        if (groups < 2 || validationFraction == 0) {
            return 0;
        }
        long count = Math.round(validationFraction * groups);
        return (int) Math.max(1, Math.min(groups - 1, count));
    }
}
