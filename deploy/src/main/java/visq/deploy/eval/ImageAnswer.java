package visq.deploy.eval;

import java.util.List;

/** What the policy wrote for one image (one response per sample), and the score the serving path read from it. */
record ImageAnswer(String sampleId, List<String> responses, double score, boolean parsed) {

    ImageAnswer {
        responses = List.copyOf(responses);
    }
}
