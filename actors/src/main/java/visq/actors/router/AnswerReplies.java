package visq.actors.router;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import visq.actors.rollout.RolloutWorker;
import visq.gpu.rewards.AnswerParser;
import visq.gpu.rewards.ParsedDegradation;
import visq.gpu.rewards.ParsedScore;
import visq.gpu.image.DegradationLabel;
import visq.gpu.tasks.QualityTask;
import visq.protocol.api.CompareReply;
import visq.protocol.api.Degradation;
import visq.protocol.api.DegradationReply;
import visq.protocol.api.ScoreReply;
import visq.protocol.api.ServedBy;

/**
 * Builds gRPC replies from what a worker wrote. An answer that cannot be parsed is reported as such
 * ({@code answer_parsed = false} with the parser's reason, score NaN), never replaced by a default; so is a score
 * outside the 1–5 scale both score prompts ask for (a sampled answer can write any number).
 */
public final class AnswerReplies {
    /** The scale both score prompts ask for (PromptCatalogue): a float between 1 and 5. */
    static final double LOWEST_SCORE = 1.0;
    static final double HIGHEST_SCORE = 5.0;

    private static final Pattern THINK = Pattern.compile("<think>(.*?)</think>", Pattern.DOTALL);
    /** Scores closer than this are reported as "Similar" by {@link #compare}. */
    static final double SIMILAR_MARGIN = 0.1;

    public ScoreReply score(QualityTask task, RolloutWorker.Answered answered, double latencyMs) {
        ParsedScore parsed = onScale(task == QualityTask.SCORE_NUMBER
                ? AnswerParser.visualQualityScore(answered.text())
                : AnswerParser.qInsightRating(answered.text()));
        ScoreReply.Builder reply = ScoreReply.newBuilder()
                .setScore(parsed.valueOrNaN())
                .setRationale(rationale(answered.text()))
                .setRawResponse(answered.text())
                .setAnswerParsed(parsed.isParsed())
                .setServedBy(servedBy(answered, latencyMs));
        if (parsed instanceof ParsedScore.Unparsable unparsable) {
            reply.setParseProblem(unparsable.reason());
        }
        return reply.build();
    }

    /** {@code parsed}, or unparsable when its value lies outside [1, 5]. */
    static ParsedScore onScale(ParsedScore parsed) {
        if (parsed instanceof ParsedScore.Score score
                && !(score.value() >= LOWEST_SCORE && score.value() <= HIGHEST_SCORE)) {
            return new ParsedScore.Unparsable("the score " + score.value() + " is outside the scale 1 to 5 the "
                    + "prompt asks for");
        }
        return parsed;
    }

    public DegradationReply degradation(RolloutWorker.Answered answered, double latencyMs) {
        ParsedDegradation parsed = AnswerParser.qInsightDegradation(answered.text());
        DegradationReply.Builder reply = DegradationReply.newBuilder()
                .setRationale(rationale(answered.text()))
                .setRawResponse(answered.text())
                .setServedBy(servedBy(answered, latencyMs));
        Optional<DegradationLabel> label = parsed.answer().flatMap(ParsedDegradation.Answer::label);
        if (label.isPresent()) {
            reply.setAnswerParsed(true).setDegradation(toProto(label.get()));
        } else if (parsed instanceof ParsedDegradation.Unparsable unparsable) {
            reply.setAnswerParsed(false).setParseProblem(unparsable.reason());
        } else {
            reply.setAnswerParsed(false).setParseProblem("the answer names an unknown class or severity");
        }
        return reply.build();
    }

    /** Compares two single-image score answers; see {@link #SIMILAR_MARGIN}. */
    public CompareReply compare(RolloutWorker.Answered a, RolloutWorker.Answered b, double latencyMs) {
        ParsedScore scoreA = onScale(AnswerParser.qInsightRating(a.text()));
        ParsedScore scoreB = onScale(AnswerParser.qInsightRating(b.text()));
        CompareReply.Builder reply = CompareReply.newBuilder()
                .setScoreA(scoreA.valueOrNaN())
                .setScoreB(scoreB.valueOrNaN())
                .setRationale("Image A: " + rationale(a.text()) + " Image B: " + rationale(b.text()))
                .setServedBy(servedBy(a, latencyMs));
        if (!scoreA.isParsed() || !scoreB.isParsed()) {
            return reply.setAnswerParsed(false)
                    .setParseProblem("could not read a score for " + (scoreA.isParsed() ? "Image B" : "Image A"))
                    .build();
        }
        double difference = scoreA.valueOrNaN() - scoreB.valueOrNaN();
        String preferred = Math.abs(difference) < SIMILAR_MARGIN ? "Similar" : difference > 0 ? "Image A" : "Image B";
        return reply.setAnswerParsed(true).setPreferred(preferred).build();
    }

    static String rationale(String response) {
        Matcher matcher = THINK.matcher(response);
        return matcher.find() ? matcher.group(1).strip() : "";
    }

    private static Degradation toProto(DegradationLabel label) {
        return Degradation.newBuilder()
                .setDistortionClass(label.degradationClass().map(c -> c.answerName()).orElse("none"))
                .setSeverity(label.severity().map(s -> s.answerName()).orElse("none"))
                .build();
    }

    private static ServedBy servedBy(RolloutWorker.Answered answered, double latencyMs) {
        return ServedBy.newBuilder()
                .setModel(answered.modelId())
                .setWeightVersion(answered.weightVersion())
                .setWorker(answered.workerId())
                .setLatencyMs(latencyMs)
                .build();
    }
}
