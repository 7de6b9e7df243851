package visq.gpu.training;

import visq.gpu.tasks.PolicyPrompt;

/** A prompt and the token ids of the response the policy should learn to write (ending with the end token). */
public record SupervisedExample(PolicyPrompt prompt, int[] targetTokens) {

    public SupervisedExample {
        if (targetTokens.length == 0) {
            throw new IllegalArgumentException("a supervised example needs at least one target token");
        }
        targetTokens = targetTokens.clone();
    }
}
