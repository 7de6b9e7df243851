package visq.gpu.model;

import ai.djl.ndarray.NDArray;
import java.util.ArrayList;
import java.util.List;

/** The compact model's parameters (or copies/views of them) by role, in {@link CompactParameterSpec#all} order. */
final class CompactWeights {
    final NDArray patchWeight;
    final NDArray patchBias;
    final NDArray patchPosition;
    final NDArray imageSlot;
    final NDArray taskEmbedding;
    final NDArray tokenEmbedding;
    final NDArray positionEmbedding;
    final List<LayerWeights> layers = new ArrayList<>();
    final NDArray finalNormGamma;
    final NDArray finalNormBeta;
    final NDArray headWeight;
    /** Null when the model uses no image statistics. */
    final NDArray statisticsWeight;
    final NDArray statisticsBias;
    final NDArray statisticsPosition;
    /** Null when the model has no quality prior: {@code [imageStatistics]} weights and {@code [1]} bias, frozen. */
    final NDArray qualityPriorWeight;
    final NDArray qualityPriorBias;
    /** Null when the model has no degradation prior: {@code [imageStatistics, labels]} and {@code [labels]}, frozen. */
    final NDArray degradationPriorWeight;
    final NDArray degradationPriorBias;

    CompactWeights(List<NDArray> arrays, CompactModelConfig config) {
        int layerCount = config.layers();
        int i = 0;
        patchWeight = arrays.get(i++);
        patchBias = arrays.get(i++);
        patchPosition = arrays.get(i++);
        imageSlot = arrays.get(i++);
        taskEmbedding = arrays.get(i++);
        tokenEmbedding = arrays.get(i++);
        positionEmbedding = arrays.get(i++);
        for (int l = 0; l < layerCount; l++) {
            layers.add(new LayerWeights(arrays.subList(i, i + LayerWeights.COUNT)));
            i += LayerWeights.COUNT;
        }
        finalNormGamma = arrays.get(i++);
        finalNormBeta = arrays.get(i++);
        headWeight = arrays.get(i++);
        boolean statistics = config.imageStatistics() > 0;
        statisticsWeight = statistics ? arrays.get(i++) : null;
        statisticsBias = statistics ? arrays.get(i++) : null;
        statisticsPosition = statistics ? arrays.get(i++) : null;
        boolean prior = config.hasQualityPrior();
        qualityPriorWeight = prior ? arrays.get(i++) : null;
        qualityPriorBias = prior ? arrays.get(i++) : null;
        boolean degradation = config.hasDegradationPrior();
        degradationPriorWeight = degradation ? arrays.get(i++) : null;
        degradationPriorBias = degradation ? arrays.get(i++) : null;
        if (i != arrays.size()) {
            throw new IllegalArgumentException(arrays.size() + " arrays for a compact model of " + i);
        }
    }

    static final class LayerWeights {
        static final int COUNT = 12;
        final NDArray attentionNormGamma;
        final NDArray attentionNormBeta;
        final NDArray qkvWeight;
        final NDArray qkvBias;
        final NDArray outWeight;
        final NDArray outBias;
        final NDArray mlpNormGamma;
        final NDArray mlpNormBeta;
        final NDArray upWeight;
        final NDArray upBias;
        final NDArray downWeight;
        final NDArray downBias;

        LayerWeights(List<NDArray> a) {
            attentionNormGamma = a.get(0);
            attentionNormBeta = a.get(1);
            qkvWeight = a.get(2);
            qkvBias = a.get(3);
            outWeight = a.get(4);
            outBias = a.get(5);
            mlpNormGamma = a.get(6);
            mlpNormBeta = a.get(7);
            upWeight = a.get(8);
            upBias = a.get(9);
            downWeight = a.get(10);
            downBias = a.get(11);
        }
    }
}
