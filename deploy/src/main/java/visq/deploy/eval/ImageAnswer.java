package visq.deploy.eval;

import java.util.List;

/**
 * What the policy wrote for one image (one response per sample), and the score the serving path read from it.
 *
 * @param sampleId the image's sample id
 * @param responses every response, one per sample
 * @param score the mean parsed score (NaN when none parsed, or for a degradation answer)
 * @param parsed whether the serving path could read the answer (for a score, at least one sample parsed)
 */
public record ImageAnswer(String sampleId, List<String> responses, double score, boolean parsed) {

    public ImageAnswer {
        responses = List.copyOf(responses);
    }
}
