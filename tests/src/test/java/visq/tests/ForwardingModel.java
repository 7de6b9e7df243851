package visq.tests;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.List;
import visq.gpu.generation.SamplingSettings;
import visq.gpu.model.EncodedWeights;
import visq.gpu.model.GeneratedResponse;
import visq.gpu.model.PolicyModel;
import visq.gpu.model.TextTokenizer;
import visq.gpu.tasks.PolicyPrompt;

/** A real model seen through a test's hand: every call goes to {@code model} unless a subclass says otherwise. */
abstract class ForwardingModel implements PolicyModel {
    protected final PolicyModel model;

    ForwardingModel(PolicyModel model) {
        this.model = model;
    }

    @Override
    public List<GeneratedResponse> generate(PolicyPrompt prompt, int count, SamplingSettings sampling, long seed) {
        return model.generate(prompt, count, sampling, seed);
    }

    @Override
    public String modelId() {
        return model.modelId();
    }

    @Override
    public Device device() {
        return model.device();
    }

    @Override
    public TextTokenizer tokenizer() {
        return model.tokenizer();
    }

    @Override
    public long weightVersion() {
        return model.weightVersion();
    }

    @Override
    public void setWeightVersion(long version) {
        model.setWeightVersion(version);
    }

    @Override
    public List<GeneratedResponse> answerAll(List<PolicyPrompt> prompts, SamplingSettings sampling, long seed) {
        return model.answerAll(prompts, sampling, seed);
    }

    @Override
    public NDArray responseLogProbs(NDManager scope, List<PolicyPrompt> prompts, List<int[]> responses,
            double temperature) {
        return model.responseLogProbs(scope, prompts, responses, temperature);
    }

    @Override
    public NDArray sequenceNegativeLogLikelihood(NDManager scope, List<PolicyPrompt> prompts, List<int[]> targets) {
        return model.sequenceNegativeLogLikelihood(scope, prompts, targets);
    }

    @Override
    public List<NDArray> trainableParameters() {
        return model.trainableParameters();
    }

    @Override
    public List<String> trainableParameterNames() {
        return model.trainableParameterNames();
    }

    @Override
    public void zeroGradients() {
        model.zeroGradients();
    }

    @Override
    public EncodedWeights exportWeights(long version) {
        return model.exportWeights(version);
    }

    @Override
    public void importWeights(EncodedWeights weights) {
        model.importWeights(weights);
    }

    @Override
    public int liveArrayCount() {
        return model.liveArrayCount();
    }

    @Override
    public void close() {
        model.close();
    }
}
