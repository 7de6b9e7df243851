package visq.deploy.eval;

import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import visq.actors.rollout.RolloutWorker;
import visq.actors.router.AnswerReplies;
import visq.actors.router.ServingSampling;
import visq.gpu.eval.ScoreDecoding;
import visq.gpu.image.ImagePreparation;
import visq.gpu.image.ImageTensor;
import visq.gpu.model.GeneratedResponse;
import visq.gpu.model.PolicyModel;
import visq.gpu.generation.SamplingSettings;
import visq.gpu.tasks.PromptCatalogue;
import visq.gpu.tasks.QualityTask;
import visq.protocol.api.ScoreReply;

/**
 * Answers images with a policy the way the scoring service does: the same preprocessing, prompt
 * catalogue and greedy decoding as a rollout worker answering the router, with the serving path's token limit and
 * answer constraint ({@code visq.router.sampling.constrained-answers}), and the same reply parsing
 * ({@link AnswerReplies}). With {@code n} samples the score is the mean of the parsed sample scores, sampled at the
 * decoding's temperature with the serving path's top-k and top-p ({@code visq.router.sampling}). A degradation answer
 * is parsed when the serving path reads a known class and severity from it.
 */
final class PolicyAnswering implements ImageAnswering {
    private final PolicyModel model;
    private final ImagePreparation preprocessor;
    private final ScoreDecoding decoding;
    private final ServingSampling serving;
    private final AnswerReplies replies = new AnswerReplies();

    PolicyAnswering(PolicyModel model, ImagePreparation preprocessor, ScoreDecoding decoding,
            ServingSampling serving) {
        this.model = model;
        this.preprocessor = preprocessor;
        this.decoding = decoding;
        this.serving = serving;
    }

    @Override
    public long weightVersion() {
        return model.weightVersion();
    }

    @Override
    public String modelId() {
        return model.modelId();
    }

    @Override
    public boolean constrainsAnswers() {
        return serving.constrainedAnswers();
    }

    @Override
    public ImageAnswer answer(String sampleId, BufferedImage image, QualityTask task, long seed) {
        ImageTensor tensor = preprocessor.preprocess(image);
        SamplingSettings sampling = decoding.isGreedy() ? serving.greedy() : serving.sampledAt(decoding.temperature());
        List<GeneratedResponse> generated = model.generate(PromptCatalogue.prompt(task, List.of(tensor)),
                decoding.samples(), sampling, seed);
        List<String> texts = new ArrayList<>(generated.size());
        double sum = 0;
        int parsed = 0;
        for (GeneratedResponse response : generated) {
            texts.add(response.text());
            if (task == QualityTask.DEGRADATION) {
                if (replies.degradation(new RolloutWorker.Answered(sampleId, response.text(), model.weightVersion(),
                        "eval", model.modelId()), 0).getAnswerParsed()) {
                    parsed++;
                }
                continue;
            }
            ScoreReply reply = replies.score(task, new RolloutWorker.Answered(sampleId, response.text(),
                    model.weightVersion(), "eval", model.modelId()), 0);
            if (reply.getAnswerParsed()) {
                sum += reply.getScore();
                parsed++;
            }
        }
        double score = task == QualityTask.DEGRADATION || parsed == 0 ? Double.NaN : sum / parsed;
        return new ImageAnswer(sampleId, texts, score, parsed > 0);
    }
}
