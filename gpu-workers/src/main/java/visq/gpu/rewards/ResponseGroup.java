package visq.gpu.rewards;

import java.util.List;

/** The K responses the policy gave to one sample's prompt, with what is known to be true of the sample. */
public record ResponseGroup(String sampleId, SampleTruth truth, List<String> responses) {

    public ResponseGroup {
        responses = List.copyOf(responses);
    }
}
