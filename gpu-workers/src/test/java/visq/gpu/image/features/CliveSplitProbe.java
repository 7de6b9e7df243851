package visq.gpu.image.features;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import visq.gpu.data.DatasetSplit;
import visq.gpu.data.IqaSample;
import visq.gpu.eval.CorrelationMetrics;
import visq.gpu.image.ImageDecoder;
import visq.gpu.image.ImageLimits;
import visq.gpu.image.ImagePreparation;
import visq.gpu.image.ImagePreprocessor;
import visq.gpu.image.ImageTensor;

/**
 * Command-line diagnostic: the ceiling a linear read-out of the compact policy's statistics token inputs (natural-scene
 * statistics and the pooled MobileNetV2 features, as training prepares them) reaches on CLIVE: ridge (λ = 300) fit on
 * a {@link DatasetSplit}'s training part, SRCC/PLCC on its validation part, for the split seed given and the nine
 * after it, plus {@link RidgeProbe}'s 10 random 75/25 splits. Features come from (and go to) a feature store.
 *
 * <pre>
 * java -cp ... visq.gpu.image.features.CliveSplitProbe ../shared target/visq-data/feature-store 20261123
 * </pre>
 */
public final class CliveSplitProbe {
    public static void main(String[] args) throws Exception {
        Path shared = Path.of(args[0]);
        Path store = Path.of(args[1]);
        long seed = Long.parseLong(args[2]);
        List<IqaSample> samples = CliveSamples.read(shared);
        DatasetSplit.Parts parts = new DatasetSplit(seed, 0.25).split(samples, DatasetSplit::byImage);
        ImagePreparation prep = new MobileNetImagePreparation(
                new ImagePreprocessor(new ImagePreprocessor.Settings(48, true)),
                shared.resolve("models/mobilenet_v2-nsfwjs/model.json"), MobileNetFeatures.Settings.defaults())
                .storingUnder(store);
        List<IqaSample> all = new ArrayList<>(parts.training());
        all.addAll(parts.validation());
        float[][] x = new float[all.size()][];
        double[] y = new double[all.size()];
        for (int i = 0; i < all.size(); i++) {
            BufferedImage image = ImageDecoder.decode(all.get(i).image(), ImageLimits.defaults());
            ImageTensor t = prep.preprocess(image);
            x[i] = t.statistics();
            y[i] = all.get(i).mos();
        }
        int nTrain = parts.training().size();
        int[] train = new int[nTrain];
        int[] test = new int[all.size() - nTrain];
        for (int i = 0; i < all.size(); i++) {
            if (i < nTrain) train[i] = i; else test[i - nTrain] = i;
        }
        int nss = x[0].length - MobileNetImagePreparation.DEFAULT_FEATURE_COUNT;
        report("all", x, y, train, test);
        report("features", slice(x, nss, x[0].length), y, train, test);
        report("nss", slice(x, 0, nss), y, train, test);
        RidgeProbe.Result r = RidgeProbe.evaluate(slice(x, nss, x[0].length), y, 10, 0.75, 20240601L,
                RidgeProbe.DEFAULT_LAMBDAS);
        System.out.printf(Locale.ROOT, "random 75/25 splits, features: SRCC %.3f ± %.3f%n", r.srccMean(), r.srccSd());
        for (int s = 0; s < 10; s++) {
            long splitSeed = seed + s;
            DatasetSplit.Parts p = new DatasetSplit(splitSeed, 0.25).split(samples, DatasetSplit::byImage);
            java.util.Map<String, Integer> index = new java.util.HashMap<>();
            for (int i = 0; i < all.size(); i++) index.put(all.get(i).id(), i);
            int[] tr = p.training().stream().mapToInt(q -> index.get(q.id())).toArray();
            int[] te = p.validation().stream().mapToInt(q -> index.get(q.id())).toArray();
            report("seed+" + s, slice(x, nss, x[0].length), y, tr, te);
        }
    }

    static float[][] slice(float[][] x, int from, int to) {
        float[][] out = new float[x.length][];
        for (int i = 0; i < x.length; i++) out[i] = java.util.Arrays.copyOfRange(x[i], from, to);
        return out;
    }

    static void report(String name, float[][] x, double[] y, int[] train, int[] test) {
        double[][] s = RidgeProbe.standardised(x, train);
        double[][] k = RidgeProbe.gram(s, train, train);
        double[][] kt = RidgeProbe.gram(s, test, train);
        double[] ytr = new double[train.length];
        for (int i = 0; i < train.length; i++) ytr[i] = y[train[i]];
        double[] yte = new double[test.length];
        for (int i = 0; i < test.length; i++) yte[i] = y[test[i]];
        for (double lambda : new double[] {300}) {
            double[] p = RidgeProbe.fitPredict(k, ytr, kt, lambda);
            double[] pt = RidgeProbe.fitPredict(k, ytr, k, lambda);
            System.out.printf(Locale.ROOT, "%-9s λ %7.1f  val SRCC %.3f PLCC %.3f   train SRCC %.3f%n", name, lambda,
                    CorrelationMetrics.srcc(p, yte), CorrelationMetrics.plcc(p, yte), CorrelationMetrics.srcc(pt, ytr));
        }
    }
}
